import { App, Alert, Button, Card, Checkbox, Flex, Form, Input, Modal, Popconfirm, Select, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { type CustomerAction, customerActions } from '../../shared/permissions';
import {
  type ApiKeyInfo,
  changeMemberRole,
  createApiKey,
  createRole,
  fetchApiKeys,
  fetchMembers,
  fetchRoles,
  inviteMember,
  type Member,
  type RoleInfo,
  removeMember,
  revokeApiKey,
  withdrawInvitation,
} from '../api/org';
import { useMe } from '../api/session';
import { LoadError } from '../components/load-error';
import { PageHeader } from '../components/page-header';
import { useCan } from '../components/use-can';
import { formatDateTime } from '../components/format';
import { useErrorText } from '../components/use-error-text';
import { useLoad } from '../components/use-load';
import { useT } from '../i18n';

function useRoleName() {
  const t = useT();
  return (role: RoleInfo) => (role.isBuiltIn ? t(`role.${role.id as 'owner'}`) : role.name);
}

function PermissionTags({ permissions }: { permissions: readonly string[] }) {
  const t = useT();
  return (
    <Flex wrap gap={4}>
      {permissions.map((p) => (
        <Tag key={p}>{t(`permission.${p as CustomerAction}`)}</Tag>
      ))}
    </Flex>
  );
}

function PermissionChecks({ allowed }: { allowed: readonly string[] }) {
  const t = useT();
  return (
    <Checkbox.Group style={{ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 6 }}>
      {customerActions.map((a) => (
        <Checkbox key={a} value={a} disabled={!allowed.includes(a)}>
          {t(`permission.${a}`)}
        </Checkbox>
      ))}
    </Checkbox.Group>
  );
}

function MembersTab({ roles }: { roles: RoleInfo[] }) {
  const t = useT();
  const me = useMe();
  const roleName = useRoleName();
  const errorText = useErrorText();
  const { message } = App.useApp();
  const manage = useCan('members.manage');
  const { data, error, loading, reload } = useLoad(['org', 'members'], (signal) => fetchMembers(signal));
  const [form] = Form.useForm<{ email: string; role: string }>();
  const [isInviting, setInviting] = useState(false);
  const roleOptions = roles.map((r) => ({ value: r.id, label: roleName(r) }));

  const act = async (work: () => Promise<unknown>, done: string) => {
    try {
      await work();
      message.success(done);
      reload();
    } catch (e) {
      message.error(errorText(e));
    }
  };

  if (error) return <LoadError error={error} onRetry={reload} />;
  return (
    <Flex vertical gap={16}>
      <Card size="small" title={t('members.invite')}>
        {!manage.allowed && <Alert type="info" showIcon message={manage.reason} style={{ marginBottom: 12 }} />}
        <Form
          form={form}
          layout="inline"
          disabled={!manage.allowed}
          initialValues={{ role: 'finance' }}
          onFinish={async (values) => {
            setInviting(true);
            await act(() => inviteMember(values.email, values.role), t('members.invited', { email: values.email }));
            setInviting(false);
            form.resetFields(['email']);
          }}
        >
          <Form.Item name="email" label={t('members.email')} rules={[{ required: true, type: 'email', message: t('members.email.invalid') }]}>
            <Input style={{ width: 260 }} data-testid="invite-email" />
          </Form.Item>
          <Form.Item name="role" label={t('members.role')}>
            <Select style={{ width: 140 }} options={roleOptions} data-testid="invite-role" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={isInviting} data-testid="invite-submit">
            {t('members.sendInvitation')}
          </Button>
        </Form>
      </Card>
      <Table<Member>
        rowKey="userId"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('members.email'), dataIndex: 'email', render: (email: string, m) => (m.userId === me.user.id ? `${email}（${t('members.you')}）` : email) },
          {
            title: t('members.role'),
            render: (_, m) =>
              manage.allowed && m.userId !== me.user.id ? (
                <Select
                  size="small"
                  style={{ width: 140 }}
                  value={m.role.id}
                  options={roleOptions}
                  onChange={(role) => act(() => changeMemberRole(m.userId, role), t('members.roleChanged'))}
                />
              ) : (
                roleName(m.role)
              ),
          },
          { title: t('members.joinedAt'), dataIndex: 'joinedAt', render: (at: string) => formatDateTime(at) },
          {
            title: t('common.actions'),
            render: (_, m) => (
              <Popconfirm title={t('members.removeConfirm', { email: m.email })} onConfirm={() => act(() => removeMember(m.userId), t('members.removed'))} disabled={!manage.allowed}>
                <Tooltip title={manage.reason}>
                  <Button size="small" danger disabled={!manage.allowed || m.userId === me.user.id}>
                    {t('members.remove')}
                  </Button>
                </Tooltip>
              </Popconfirm>
            ),
          },
        ]}
      />
      {(data?.invitations.length ?? 0) > 0 && (
        <Card size="small" title={t('members.openInvitations')}>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={data?.invitations ?? []}
            columns={[
              { title: t('members.email'), dataIndex: 'email' },
              { title: t('members.role'), render: (_, i) => roleName(i.role) },
              { title: t('members.expiresAt'), dataIndex: 'expiresAt', render: (at: string) => formatDateTime(at) },
              {
                title: t('common.actions'),
                render: (_, i) => (
                  <Popconfirm
                    title={t('members.withdrawConfirm', { email: i.email })}
                    okText={t('members.withdraw')}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => act(() => withdrawInvitation(i.id), t('members.withdrawn', { email: i.email }))}
                    disabled={!manage.allowed}
                  >
                    <Tooltip title={manage.reason}>
                      <Button size="small" danger disabled={!manage.allowed} data-testid={`withdraw-invitation-${i.email}`}>
                        {t('members.withdraw')}
                      </Button>
                    </Tooltip>
                  </Popconfirm>
                ),
              },
            ]}
          />
        </Card>
      )}
    </Flex>
  );
}

function RolesTab({ roles, onCreated }: { roles: RoleInfo[]; onCreated: () => void }) {
  const t = useT();
  const me = useMe();
  const roleName = useRoleName();
  const errorText = useErrorText();
  const { message } = App.useApp();
  const manage = useCan('members.manage');
  const [form] = Form.useForm<{ name: string; permissions: string[] }>();
  return (
    <Flex vertical gap={16}>
      <Table<RoleInfo>
        rowKey="id"
        pagination={false}
        dataSource={roles}
        columns={[
          { title: t('roles.name'), render: (_, r) => (r.isBuiltIn ? <>{roleName(r)} <Tag>{t('roles.builtIn')}</Tag></> : r.name), width: 180 },
          { title: t('roles.permissions'), render: (_, r) => <PermissionTags permissions={r.permissions} /> },
        ]}
      />
      <Card size="small" title={t('roles.create')}>
        {!manage.allowed && <Alert type="info" showIcon message={manage.reason} style={{ marginBottom: 12 }} />}
        <Form
          form={form}
          layout="vertical"
          disabled={!manage.allowed}
          onFinish={async (values) => {
            try {
              await createRole(values.name, values.permissions);
              message.success(t('roles.created'));
              form.resetFields();
              onCreated();
            } catch (e) {
              message.error(errorText(e));
            }
          }}
        >
          <Form.Item name="name" label={t('roles.name')} rules={[{ required: true, max: 40 }]}>
            <Input style={{ maxWidth: 280 }} />
          </Form.Item>
          <Form.Item name="permissions" label={t('roles.permissions')} rules={[{ required: true, type: 'array', min: 1 }]}>
            <PermissionChecks allowed={me.permissions} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('roles.create')}
          </Button>
        </Form>
      </Card>
    </Flex>
  );
}

function ApiKeysTab() {
  const t = useT();
  const me = useMe();
  const errorText = useErrorText();
  const { message } = App.useApp();
  const manage = useCan('api_keys.manage');
  const { data, error, loading, reload } = useLoad(['org', 'api-keys'], (signal) => fetchApiKeys(signal), { enabled: manage.allowed });
  const [form] = Form.useForm<{ name: string; permissions: string[] }>();
  const [secret, setSecret] = useState<string | null>(null);
  if (!manage.allowed) return <Alert type="info" showIcon message={manage.reason} />;
  if (error) return <LoadError error={error} onRetry={reload} />;
  return (
    <Flex vertical gap={16}>
      <Table<ApiKeyInfo>
        rowKey="id"
        loading={loading}
        pagination={false}
        dataSource={data?.items ?? []}
        columns={[
          { title: t('apiKeys.name'), dataIndex: 'name' },
          { title: t('roles.permissions'), render: (_, k) => <PermissionTags permissions={k.permissions} /> },
          { title: t('apiKeys.createdBy'), dataIndex: 'createdBy' },
          { title: t('apiKeys.lastUsedAt'), dataIndex: 'lastUsedAt', render: (at: string | null) => (at ? formatDateTime(at) : t('apiKeys.neverUsed')) },
          {
            title: t('common.actions'),
            render: (_, k) => (
              <Popconfirm
                title={t('apiKeys.revokeConfirm', { name: k.name })}
                onConfirm={async () => {
                  try {
                    await revokeApiKey(k.id);
                    message.success(t('apiKeys.revoked'));
                    reload();
                  } catch (e) {
                    message.error(errorText(e));
                  }
                }}
              >
                <Button size="small" danger>
                  {t('apiKeys.revoke')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <Card size="small" title={t('apiKeys.create')}>
        <Form
          form={form}
          layout="vertical"
          onFinish={async (values) => {
            try {
              const created = await createApiKey(values.name, values.permissions);
              setSecret(created.secret);
              form.resetFields();
              reload();
            } catch (e) {
              message.error(errorText(e));
            }
          }}
        >
          <Form.Item name="name" label={t('apiKeys.name')} rules={[{ required: true, max: 60 }]}>
            <Input style={{ maxWidth: 280 }} placeholder="ERP" />
          </Form.Item>
          <Form.Item name="permissions" label={t('roles.permissions')} extra={t('apiKeys.permissionsHint')} rules={[{ required: true, type: 'array', min: 1 }]}>
            <PermissionChecks allowed={me.permissions} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('apiKeys.create')}
          </Button>
        </Form>
      </Card>
      <Modal open={secret !== null} title={t('apiKeys.secretTitle')} onOk={() => setSecret(null)} onCancel={() => setSecret(null)} cancelButtonProps={{ style: { display: 'none' } }}>
        <Alert type="warning" showIcon message={t('apiKeys.secretOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable code data-testid="api-key-secret">
          {secret}
        </Typography.Paragraph>
        <Typography.Text type="secondary">{t('apiKeys.usage')}</Typography.Text>
      </Modal>
    </Flex>
  );
}

/** 成员与权限: members and invitations, roles, API keys. */
export function MembersPage() {
  const t = useT();
  const roles = useLoad(['org', 'roles'], (signal) => fetchRoles(signal));
  return (
    <>
      <PageHeader breadcrumb={[t('nav.billing'), t('nav.members')]} title={t('members.title')} subtitle={t('members.subtitle')} />
      {roles.error ? (
        <LoadError error={roles.error} onRetry={roles.reload} />
      ) : (
        <Card>
          <Tabs
            items={[
              { key: 'members', label: t('members.tab'), children: <MembersTab roles={roles.data?.items ?? []} /> },
              { key: 'roles', label: t('roles.tab'), children: <RolesTab roles={roles.data?.items ?? []} onCreated={roles.reload} /> },
              { key: 'api-keys', label: t('apiKeys.tab'), children: <ApiKeysTab /> },
            ]}
          />
        </Card>
      )}
    </>
  );
}

import {
  AuditOutlined,
  ContainerOutlined,
  DownOutlined,
  FileProtectOutlined,
  FileSearchOutlined,
  LogoutOutlined,
  MailOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { App, Button, Dropdown, Flex, Layout, Menu, type MenuProps, Typography } from 'antd';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useMe, useSession } from '../api/session';
import { useT } from '../i18n';
import { LanguageSwitch } from './language-switch';
import { OrgSwitcher } from './org-switcher';
import { ProductMark } from './product-mark';
import { VerificationStatusTag } from './status-tag';
import { useErrorText } from './use-error-text';

const headerHeight = 50;

function Logo() {
  const t = useT();
  return (
    <Flex align="center" gap={10}>
      <ProductMark size={24} />
      <span style={{ color: '#fff', fontSize: 16, fontWeight: 600, letterSpacing: 0.5 }}>{t('app.name')}</span>
      <span style={{ color: 'rgba(255,255,255,0.35)' }}>|</span>
      <span style={{ color: 'rgba(255,255,255,0.85)', fontSize: 14 }}>{t('nav.billing')}</span>
    </Flex>
  );
}

function AccountMenu() {
  const t = useT();
  const me = useMe();
  const { logout } = useSession();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const items: MenuProps['items'] = [
    {
      key: 'info',
      disabled: true,
      label: (
        <div style={{ minWidth: 180 }}>
          <Typography.Text strong>{me.user.email}</Typography.Text>
          <br />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(me.user.role === 'operator' ? 'header.role.operator' : 'header.role.customer')}
            {me.memberRole && ` · ${(['owner', 'admin', 'finance', 'legal', 'viewer'] as const).includes(me.memberRole as 'owner') ? t(`role.${me.memberRole as 'owner'}`) : me.memberRole}`}
          </Typography.Text>
        </div>
      ),
    },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: t('header.logout') },
  ];
  const onClick: MenuProps['onClick'] = async ({ key }) => {
    if (key !== 'logout') return;
    try {
      await logout();
      message.success(t('header.loggedOut'));
    } catch (error) {
      message.error(errorText(error));
    }
    navigate('/login', { replace: true });
  };
  return (
    <Dropdown trigger={['click']} menu={{ items, onClick }}>
      <Button type="text" icon={<UserOutlined />} style={{ color: 'rgba(255,255,255,0.85)' }} data-testid="account-menu">
        {me.user.email}
        <DownOutlined style={{ fontSize: 10 }} />
      </Button>
    </Dropdown>
  );
}

function SideMenu() {
  const t = useT();
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const items: MenuProps['items'] = [];
  if (me.account) {
    items.push({
      type: 'group',
      key: 'billing',
      label: t('nav.billing'),
      children: [
        {
          key: 'contract-management',
          icon: <FileProtectOutlined />,
          label: t('nav.contractManagement'),
          // Room for 线下盖章 and 合同常见问题, which come with the next features.
          children: [
            { key: '/contracts', label: t('nav.contracts') },
            { key: '/stamping', label: t('nav.stamping') },
            { key: '/verification', label: t('nav.verification') },
            { key: '/party-a', label: t('nav.partyA') },
            { key: '/verify', label: t('nav.verify') },
            { key: '/faq', label: t('nav.faq') },
          ],
        },
        { key: '/members', icon: <TeamOutlined />, label: t('nav.members') },
      ],
    });
  }
  if (me.user.role === 'operator') {
    items.push({
      type: 'group',
      key: 'operations',
      label: t('nav.operations'),
      children: [
        { key: '/admin/verifications', icon: <AuditOutlined />, label: t('nav.verificationReview') },
        { key: '/admin/contracts', icon: <FileSearchOutlined />, label: t('nav.adminContracts') },
        { key: '/admin/stamping', icon: <ContainerOutlined />, label: t('nav.adminStamping') },
        { key: '/admin/outbox', icon: <MailOutlined />, label: t('nav.outbox') },
        // A customer account has 验真 under 合同管理 already.
        ...(me.account ? [] : [{ key: '/verify', icon: <SafetyCertificateOutlined />, label: t('nav.verify') }]),
      ],
    });
  }
  const selected = `/${location.pathname.split('/').filter(Boolean).slice(0, location.pathname.startsWith('/admin/') ? 2 : 1).join('/')}`;
  return (
    <Menu
      mode="inline"
      items={items}
      selectedKeys={[selected]}
      defaultOpenKeys={['contract-management']}
      onClick={({ key }) => navigate(key)}
      style={{ borderInlineEnd: 'none', paddingTop: 8 }}
    />
  );
}

export function ConsoleLayout() {
  const me = useMe();
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          position: 'sticky',
          top: 0,
          zIndex: 10,
          height: headerHeight,
          lineHeight: `${headerHeight}px`,
          paddingInline: 16,
          background: '#1f2329',
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
        }}
      >
        <Logo />
        <Flex align="center" gap={8}>
          <OrgSwitcher />
          {me.account && <VerificationStatusTag status={me.account.verificationStatus} />}
          <LanguageSwitch dark />
          <AccountMenu />
        </Flex>
      </Layout.Header>
      <Layout>
        <Layout.Sider
          width={208}
          theme="light"
          breakpoint="lg"
          collapsedWidth={0}
          style={{ borderInlineEnd: '1px solid #e8e8e8', position: 'sticky', top: headerHeight, height: `calc(100vh - ${headerHeight}px)`, overflow: 'auto' }}
        >
          <SideMenu />
        </Layout.Sider>
        <Layout.Content style={{ padding: '16px 24px 32px', background: '#f5f6f7', minWidth: 0 }}>
          <div style={{ maxWidth: 1280 }}>
            <Outlet />
          </div>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

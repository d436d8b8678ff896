import type { Action } from '../../shared/permissions';
import {
  AuditOutlined,
  MenuOutlined,
  ContainerOutlined,
  DownOutlined,
  FileProtectOutlined,
  FileSearchOutlined,
  LockOutlined,
  LogoutOutlined,
  MailOutlined,
  SafetyCertificateOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Alert, App, Button, Drawer, Dropdown, Flex, Layout, Menu, type MenuProps, Typography } from 'antd';
import { Suspense, useEffect, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useMe, useSession } from '../api/session';
import { useT } from '../i18n';
import { LanguageSwitch } from './language-switch';
import { OrgSwitcher } from './org-switcher';
import { ProductMark } from './product-mark';
import { FullPageSpin } from './require-auth';
import { VerificationStatusTag } from './status-tag';
import { useErrorText } from './use-error-text';
import { useScreens } from './use-screens';

const headerHeight = 50;

function Logo({ isCompact }: { isCompact: boolean }) {
  const t = useT();
  return (
    <Flex align="center" gap={10} style={{ minWidth: 0, whiteSpace: 'nowrap' }}>
      <ProductMark size={24} />
      <span style={{ color: '#fff', fontSize: 16, fontWeight: 600, letterSpacing: 0.5 }}>{t('app.name')}</span>
      {!isCompact && (
        <>
          <span aria-hidden style={{ color: 'rgba(255,255,255,0.65)' }}>
            |
          </span>
          <span style={{ color: 'rgba(255,255,255,0.85)', fontSize: 14 }}>{t('nav.billing')}</span>
        </>
      )}
    </Flex>
  );
}

function AccountMenu({ isCompact }: { isCompact: boolean }) {
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
      <Button
        type="text"
        icon={<UserOutlined />}
        aria-label={isCompact ? `${t('header.account')} ${me.user.email}` : undefined}
        title={me.user.email}
        style={{ color: 'rgba(255,255,255,0.85)', maxWidth: isCompact ? undefined : 280 }}
        data-testid="account-menu"
      >
        {!isCompact && <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>{me.user.email}</span>}
        <DownOutlined style={{ fontSize: 10 }} />
      </Button>
    </Dropdown>
  );
}

function SideMenu({ onNavigate }: { onNavigate?: () => void }) {
  const t = useT();
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const items: MenuProps['items'] = [];
  const holds = (action: Action) => me.permissions.includes(action);
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
      // Each operator sees the desks their roles open (the server refuses the others anyway).
      children: [
        ...(holds('verification.review') ? [{ key: '/admin/verifications', icon: <AuditOutlined />, label: t('nav.verificationReview') }] : []),
        ...(holds('contracts.view') ? [{ key: '/admin/contracts', icon: <FileSearchOutlined />, label: t('nav.adminContracts') }] : []),
        ...(holds('stamping.desk') ? [{ key: '/admin/stamping', icon: <ContainerOutlined />, label: t('nav.adminStamping') }] : []),
        ...(holds('operators.manage') || holds('stamping.desk') ? [{ key: '/admin/outbox', icon: <MailOutlined />, label: t('nav.outbox') }] : []),
        // A customer account has 验真 under 合同管理 already.
        ...(me.account ? [] : [{ key: '/verify', icon: <SafetyCertificateOutlined />, label: t('nav.verify') }]),
      ],
    });
  }
  items.push({ type: 'group', key: 'account', label: t('header.account'), children: [{ key: '/account/security', icon: <LockOutlined />, label: t('nav.security') }] });
  const selected = location.pathname.startsWith('/account/') ? location.pathname : `/${location.pathname.split('/').filter(Boolean).slice(0, location.pathname.startsWith('/admin/') ? 2 : 1).join('/')}`;
  return (
    <Menu
      mode="inline"
      items={items}
      selectedKeys={[selected]}
      defaultOpenKeys={['contract-management']}
      onClick={({ key }) => {
        navigate(key);
        onNavigate?.();
      }}
      style={{ borderInlineEnd: 'none', paddingTop: 8 }}
    />
  );
}

export function ConsoleLayout() {
  const me = useMe();
  const t = useT();
  const screens = useScreens();
  const hasSider = screens.lg ?? true;
  const isCompact = screens.md === false;
  const [isMenuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new page closes the phone's menu.
  useEffect(() => setMenuOpen(false), [location.pathname]);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          position: 'sticky',
          top: 0,
          zIndex: 10,
          height: headerHeight,
          lineHeight: `${headerHeight}px`,
          paddingInline: isCompact ? 8 : 16,
          background: '#1f2329',
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
          gap: 8,
        }}
      >
        <Flex align="center" gap={4} style={{ minWidth: 0 }}>
          {!hasSider && (
            <Button
              type="text"
              icon={<MenuOutlined />}
              aria-label={t('header.menu')}
              aria-expanded={isMenuOpen}
              onClick={() => setMenuOpen(true)}
              style={{ color: '#fff' }}
              data-testid="menu-toggle"
            />
          )}
          <Logo isCompact={isCompact} />
        </Flex>
        <Flex align="center" gap={isCompact ? 0 : 8} style={{ flexShrink: 0 }}>
          {!isCompact && <OrgSwitcher />}
          {me.account && !isCompact && <VerificationStatusTag status={me.account.verificationStatus} />}
          <LanguageSwitch dark isCompact={isCompact} />
          <AccountMenu isCompact={isCompact} />
        </Flex>
      </Layout.Header>
      <Layout>
        {hasSider ? (
          <Layout.Sider
            width={208}
            theme="light"
            style={{ borderInlineEnd: '1px solid #e8e8e8', position: 'sticky', top: headerHeight, height: `calc(100vh - ${headerHeight}px)`, overflow: 'auto' }}
          >
            <nav aria-label={t('header.menu')}>
              <SideMenu />
            </nav>
          </Layout.Sider>
        ) : (
          <Drawer
            placement="left"
            open={isMenuOpen}
            onClose={() => setMenuOpen(false)}
            size={280}
            title={t('header.menu')}
            styles={{ body: { padding: 0 } }}
            data-testid="menu-drawer"
          >
            {me.account && (
              <div style={{ padding: '12px 24px 0' }}>
                <VerificationStatusTag status={me.account.verificationStatus} />
              </div>
            )}
            <nav aria-label={t('header.menu')}>
              <SideMenu onNavigate={() => setMenuOpen(false)} />
            </nav>
          </Drawer>
        )}
        <Layout.Content style={{ padding: isCompact ? '12px 12px 24px' : '16px 24px 32px', background: '#f5f6f7', minWidth: 0 }}>
          <main style={{ maxWidth: 1600 }}>
            {me.totpEnrolmentRequired && (
              <Alert
                type="warning"
                showIcon
                title={t('security.totp.required')}
                action={<Link to="/account/security">{t('security.totp.start')}</Link>}
                style={{ marginBottom: 16 }}
                data-testid="totp-enrolment-banner"
              />
            )}
            <Suspense fallback={<FullPageSpin />}>
              <Outlet />
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

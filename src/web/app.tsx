import { App as AntApp, ConfigProvider, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router-dom';
import { SessionProvider, useSession } from './api/session';
import { ConsoleLayout } from './components/console-layout';
import { PublicLayout } from './components/public-layout';
import { FullPageSpin, homePath, RequireAuth, RequireOperator } from './components/require-auth';
import { useLocale } from './i18n';
import { AdminContractsPage } from './pages/admin-contracts-page';
import { AdminVerificationsPage } from './pages/admin-verifications-page';
import { ApplyAttachmentPage } from './pages/apply-attachment-page';
import { AdminOutboxPage } from './pages/admin-outbox-page';
import { AdminStampingDetailPage } from './pages/admin-stamping-detail-page';
import { AdminStampingPage } from './pages/admin-stamping-page';
import { ApplyContractPage } from './pages/apply-contract-page';
import { ContractDetailPage } from './pages/contract-detail-page';
import { ContractsPage } from './pages/contracts-page';
import { FaqPage } from './pages/faq-page';
import { LoginPage } from './pages/login-page';
import { MembersPage } from './pages/members-page';
import { AcceptInvitationPage } from './pages/accept-invitation-page';
import { NotFoundPage } from './pages/not-found-page';
import { PartyAPage } from './pages/party-a-page';
import { RegisterPage } from './pages/register-page';
import { StampingDetailPage } from './pages/stamping-detail-page';
import { StampingListPage } from './pages/stamping-list-page';
import { StampingNewPage } from './pages/stamping-new-page';
import { VerificationPage } from './pages/verification-page';
import { VerifyPage } from './pages/verify-page';

/**
 * Login and registration are for visitors: once signed in (also by the form on the page itself)
 * the user goes back to the page that sent them to the login, or to their home page.
 */
function GuestOnly({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (session.state === 'loading') return <FullPageSpin />;
  if (session.state === 'signed-in') {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && !from.startsWith('/login') ? from : homePath(session.me)} replace />;
  }
  return children;
}

/** Customer pages need a customer account; an operator without one goes to the queue. */
function RequireAccount({ children }: { children: ReactNode }) {
  const { session } = useSession();
  if (session.state === 'signed-in' && !session.me.account) return <Navigate to={homePath(session.me)} replace />;
  return children;
}

/** Public pages (验真) sit in the console for a signed-in user, in a plain frame for anyone else. */
function AnyoneLayout() {
  const { session } = useSession();
  if (session.state === 'loading') return <FullPageSpin />;
  return session.state === 'signed-in' ? <ConsoleLayout /> : <PublicLayout />;
}

function Home() {
  const { session } = useSession();
  if (session.state !== 'signed-in') return <FullPageSpin />;
  return <Navigate to={homePath(session.me)} replace />;
}

const router = createBrowserRouter([
  { path: '/login', element: <GuestOnly><LoginPage /></GuestOnly> },
  { path: '/register', element: <GuestOnly><RegisterPage /></GuestOnly> },
  { path: '/verify', element: <AnyoneLayout />, children: [{ index: true, element: <VerifyPage /> }] },
  { path: '/faq', element: <AnyoneLayout />, children: [{ index: true, element: <FaqPage /> }] },
  { path: '/invitations/:token', element: <AcceptInvitationPage /> },
  {
    path: '/',
    element: <RequireAuth><ConsoleLayout /></RequireAuth>,
    children: [
      { index: true, element: <Home /> },
      { path: 'contracts', element: <RequireAccount><ContractsPage /></RequireAccount> },
      { path: 'contracts/apply', element: <RequireAccount><ApplyContractPage /></RequireAccount> },
      { path: 'contracts/:frameworkId/attachments/new', element: <RequireAccount><ApplyAttachmentPage /></RequireAccount> },
      { path: 'contracts/:id', element: <RequireAccount><ContractDetailPage /></RequireAccount> },
      { path: 'verification', element: <RequireAccount><VerificationPage /></RequireAccount> },
      { path: 'party-a', element: <RequireAccount><PartyAPage /></RequireAccount> },
      { path: 'members', element: <RequireAccount><MembersPage /></RequireAccount> },
      { path: 'stamping', element: <RequireAccount><StampingListPage /></RequireAccount> },
      { path: 'stamping/new', element: <RequireAccount><StampingNewPage /></RequireAccount> },
      { path: 'stamping/:id', element: <RequireAccount><StampingDetailPage /></RequireAccount> },
      { path: 'admin/verifications', element: <RequireOperator><AdminVerificationsPage /></RequireOperator> },
      { path: 'admin/contracts', element: <RequireOperator><AdminContractsPage /></RequireOperator> },
      { path: 'admin/contracts/:id', element: <RequireOperator><ContractDetailPage /></RequireOperator> },
      { path: 'admin/stamping', element: <RequireOperator><AdminStampingPage /></RequireOperator> },
      { path: 'admin/stamping/:id', element: <RequireOperator><AdminStampingDetailPage /></RequireOperator> },
      { path: 'admin/outbox', element: <RequireOperator><AdminOutboxPage /></RequireOperator> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

export function QiyueApp() {
  const { locale } = useLocale();
  return (
    <ConfigProvider
      locale={locale === 'en' ? enUS : zhCN}
      theme={{
        algorithm: theme.defaultAlgorithm,
        token: {
          colorPrimary: '#1668dc',
          borderRadius: 4,
          fontFamily:
            "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
        },
        components: { Layout: { headerBg: '#1f2329', siderBg: '#fff' }, Menu: { itemHeight: 38, subMenuItemBg: '#fff' } },
      }}
    >
      <AntApp>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}

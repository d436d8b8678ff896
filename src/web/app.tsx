import { App as AntApp, ConfigProvider, theme } from 'antd';
import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router-dom';
import { QueryClientProvider } from '@tanstack/react-query';
import { queryClient } from './api/query';
import { SessionProvider, useSession } from './api/session';
import { FullPageSpin, homePath, RequireAuth, RequireOperator } from './components/require-auth';
import { useLocale } from './i18n';

// Each page is its own chunk, and so are the two frames around them: the login page downloads
// neither the console's menus nor the wizards nor PDF.js.
const ConsoleLayout = lazy(() => import('./components/console-layout').then((m) => ({ default: m.ConsoleLayout })));
const PublicLayout = lazy(() => import('./components/public-layout').then((m) => ({ default: m.PublicLayout })));
const AdminContractsPage = lazy(() => import('./pages/admin-contracts-page').then((m) => ({ default: m.AdminContractsPage })));
const AdminVerificationsPage = lazy(() => import('./pages/admin-verifications-page').then((m) => ({ default: m.AdminVerificationsPage })));
const ApplyAttachmentPage = lazy(() => import('./pages/apply-attachment-page').then((m) => ({ default: m.ApplyAttachmentPage })));
const AdminOutboxPage = lazy(() => import('./pages/admin-outbox-page').then((m) => ({ default: m.AdminOutboxPage })));
const AdminStampingDetailPage = lazy(() => import('./pages/admin-stamping-detail-page').then((m) => ({ default: m.AdminStampingDetailPage })));
const AdminStampingPage = lazy(() => import('./pages/admin-stamping-page').then((m) => ({ default: m.AdminStampingPage })));
const ApplyContractPage = lazy(() => import('./pages/apply-contract-page').then((m) => ({ default: m.ApplyContractPage })));
const ContractJobPage = lazy(() => import('./pages/contract-job-page').then((m) => ({ default: m.ContractJobPage })));
const ContractDetailPage = lazy(() => import('./pages/contract-detail-page').then((m) => ({ default: m.ContractDetailPage })));
const ContractsPage = lazy(() => import('./pages/contracts-page').then((m) => ({ default: m.ContractsPage })));
const FaqPage = lazy(() => import('./pages/faq-page').then((m) => ({ default: m.FaqPage })));
const LoginPage = lazy(() => import('./pages/login-page').then((m) => ({ default: m.LoginPage })));
const MembersPage = lazy(() => import('./pages/members-page').then((m) => ({ default: m.MembersPage })));
const AcceptInvitationPage = lazy(() => import('./pages/accept-invitation-page').then((m) => ({ default: m.AcceptInvitationPage })));
const NotFoundPage = lazy(() => import('./pages/not-found-page').then((m) => ({ default: m.NotFoundPage })));
const PartyAPage = lazy(() => import('./pages/party-a-page').then((m) => ({ default: m.PartyAPage })));
const RegisterPage = lazy(() => import('./pages/register-page').then((m) => ({ default: m.RegisterPage })));
const StampingDetailPage = lazy(() => import('./pages/stamping-detail-page').then((m) => ({ default: m.StampingDetailPage })));
const StampingListPage = lazy(() => import('./pages/stamping-list-page').then((m) => ({ default: m.StampingListPage })));
const StampingNewPage = lazy(() => import('./pages/stamping-new-page').then((m) => ({ default: m.StampingNewPage })));
const VerificationPage = lazy(() => import('./pages/verification-page').then((m) => ({ default: m.VerificationPage })));
const ForgotPasswordPage = lazy(() => import('./pages/forgot-password-page').then((m) => ({ default: m.ForgotPasswordPage })));
const LegalPage = lazy(() => import('./pages/legal-page').then((m) => ({ default: m.LegalPage })));
const ResetPasswordPage = lazy(() => import('./pages/reset-password-page').then((m) => ({ default: m.ResetPasswordPage })));
const SecurityPage = lazy(() => import('./pages/security-page').then((m) => ({ default: m.SecurityPage })));
const VerifyPage = lazy(() => import('./pages/verify-page').then((m) => ({ default: m.VerifyPage })));

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
  return <Suspense fallback={<FullPageSpin />}>{children}</Suspense>;
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
  return <Suspense fallback={<FullPageSpin />}>{session.state === 'signed-in' ? <ConsoleLayout /> : <PublicLayout />}</Suspense>;
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
  { path: '/terms', element: <AnyoneLayout />, children: [{ index: true, element: <LegalPage doc="terms" /> }] },
  { path: '/privacy', element: <AnyoneLayout />, children: [{ index: true, element: <LegalPage doc="privacy" /> }] },
  { path: '/forgot-password', element: <GuestOnly><ForgotPasswordPage /></GuestOnly> },
  // Opened from the e-mail, signed in or not.
  { path: '/reset-password', element: <Suspense fallback={<FullPageSpin />}><ResetPasswordPage /></Suspense> },
  { path: '/invitations/:token', element: <Suspense fallback={<FullPageSpin />}><AcceptInvitationPage /></Suspense> },
  {
    path: '/',
    element: <RequireAuth><Suspense fallback={<FullPageSpin />}><ConsoleLayout /></Suspense></RequireAuth>,
    children: [
      { index: true, element: <Home /> },
      { path: 'contracts', element: <RequireAccount><ContractsPage /></RequireAccount> },
      { path: 'contracts/apply', element: <RequireAccount><ApplyContractPage /></RequireAccount> },
      { path: 'contracts/:frameworkId/attachments/new', element: <RequireAccount><ApplyAttachmentPage /></RequireAccount> },
      { path: 'contracts/jobs/:id', element: <RequireAccount><ContractJobPage /></RequireAccount> },
      { path: 'contracts/:id', element: <RequireAccount><ContractDetailPage /></RequireAccount> },
      { path: 'verification', element: <RequireAccount><VerificationPage /></RequireAccount> },
      { path: 'party-a', element: <RequireAccount><PartyAPage /></RequireAccount> },
      { path: 'members', element: <RequireAccount><MembersPage /></RequireAccount> },
      { path: 'stamping', element: <RequireAccount><StampingListPage /></RequireAccount> },
      { path: 'stamping/new', element: <RequireAccount><StampingNewPage /></RequireAccount> },
      { path: 'stamping/:id', element: <RequireAccount><StampingDetailPage /></RequireAccount> },
      { path: 'account/security', element: <SecurityPage /> },
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
  const { antdLocale } = useLocale();
  return (
    <ConfigProvider
      locale={antdLocale}
      theme={{
        algorithm: theme.defaultAlgorithm,
        token: {
          colorPrimary: '#1668dc',
          borderRadius: 4,
          // antd's secondary greys (45 % black) reach 3.3:1 on white; WCAG AA asks 4.5:1.
          colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
          colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
          colorTextDescription: 'rgba(0, 0, 0, 0.62)',
          colorTextPlaceholder: 'rgba(0, 0, 0, 0.56)',
          // Links in antd's default blue reach 4.1:1; this shade of the primary reaches 5.9:1.
          colorLink: '#0958d9',
          // Danger buttons and error texts: antd's red reaches 3.3:1 on white.
          colorError: '#cf1322',
          fontFamily:
            "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
        },
        components: {
          Layout: { headerBg: '#1f2329', siderBg: '#fff' },
          Menu: { itemHeight: 38, subMenuItemBg: '#fff', groupTitleColor: 'rgba(0, 0, 0, 0.62)' },
          // Status tags print their text in the status colour on its lightest tint: the darker
          // shades of each palette keep that text at 4.5:1 or more.
          Tag: {
            colorSuccess: '#237804',
            colorInfo: '#0958d9',
            colorWarning: '#ad4e00',
            colorError: '#a8071a',
            green7: '#237804',
            cyan7: '#006d75',
            gold7: '#874d00',
            orange7: '#ad4e00',
            blue7: '#0958d9',
            purple7: '#531dab',
            red7: '#a8071a',
          },
        },
      }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <SessionProvider>
            <RouterProvider router={router} />
          </SessionProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}

import { App as AntApp, ConfigProvider } from 'antd';
import { Children, type ComponentType, isValidElement, lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter, matchRoutes, Navigate, type RouteObject, RouterProvider, useLocation } from 'react-router-dom';
import { QueryClientProvider } from '@tanstack/react-query';
import { contractListQuery, fetchContract, fetchContractAudit } from './api/contracts';
import { queryClient, queryKeys } from './api/query';
import { hasNoSessionCookie, SessionProvider, useSession } from './api/session';
import { FullPageSpin, homePath, RequireAuth, RequireOperator } from './components/require-auth';
import { useLocale } from './i18n';
import { consoleTheme } from './theme';

/** A page loaded on demand, whose chunk can also be asked for before the page renders. */
function lazyRoute<M, P extends object>(load: () => Promise<M>, pick: (module: M) => ComponentType<P>) {
  return Object.assign(
    lazy(() => load().then((module) => ({ default: pick(module) }))),
    { preload: load },
  );
}

// Each page is its own chunk, and so are the two frames around them: the login page downloads
// neither the console's menus nor the wizards nor PDF.js.
const ConsoleLayout = lazyRoute(() => import('./components/console-layout'), (m) => m.ConsoleLayout);
const PublicLayout = lazyRoute(() => import('./components/public-layout'), (m) => m.PublicLayout);
const AdminContractsPage = lazyRoute(() => import('./pages/admin-contracts-page'), (m) => m.AdminContractsPage);
const AdminVerificationsPage = lazyRoute(() => import('./pages/admin-verifications-page'), (m) => m.AdminVerificationsPage);
const ApplyAttachmentPage = lazyRoute(() => import('./pages/apply-attachment-page'), (m) => m.ApplyAttachmentPage);
const AdminOutboxPage = lazyRoute(() => import('./pages/admin-outbox-page'), (m) => m.AdminOutboxPage);
const AdminStampingDetailPage = lazyRoute(() => import('./pages/admin-stamping-detail-page'), (m) => m.AdminStampingDetailPage);
const AdminStampingPage = lazyRoute(() => import('./pages/admin-stamping-page'), (m) => m.AdminStampingPage);
const ApplyContractPage = lazyRoute(() => import('./pages/apply-contract-page'), (m) => m.ApplyContractPage);
const ContractJobPage = lazyRoute(() => import('./pages/contract-job-page'), (m) => m.ContractJobPage);
const ContractDetailPage = lazyRoute(() => import('./pages/contract-detail-page'), (m) => m.ContractDetailPage);
const ContractsPage = lazyRoute(() => import('./pages/contracts-page'), (m) => m.ContractsPage);
const FaqPage = lazyRoute(() => import('./pages/faq-page'), (m) => m.FaqPage);
const LoginPage = lazyRoute(() => import('./pages/login-page'), (m) => m.LoginPage);
const MembersPage = lazyRoute(() => import('./pages/members-page'), (m) => m.MembersPage);
const AcceptInvitationPage = lazyRoute(() => import('./pages/accept-invitation-page'), (m) => m.AcceptInvitationPage);
const NotFoundPage = lazyRoute(() => import('./pages/not-found-page'), (m) => m.NotFoundPage);
const PartyAPage = lazyRoute(() => import('./pages/party-a-page'), (m) => m.PartyAPage);
const RegisterPage = lazyRoute(() => import('./pages/register-page'), (m) => m.RegisterPage);
const StampingDetailPage = lazyRoute(() => import('./pages/stamping-detail-page'), (m) => m.StampingDetailPage);
const StampingListPage = lazyRoute(() => import('./pages/stamping-list-page'), (m) => m.StampingListPage);
const StampingNewPage = lazyRoute(() => import('./pages/stamping-new-page'), (m) => m.StampingNewPage);
const VerificationPage = lazyRoute(() => import('./pages/verification-page'), (m) => m.VerificationPage);
const ForgotPasswordPage = lazyRoute(() => import('./pages/forgot-password-page'), (m) => m.ForgotPasswordPage);
const LegalPage = lazyRoute(() => import('./pages/legal-page'), (m) => m.LegalPage);
const ResetPasswordPage = lazyRoute(() => import('./pages/reset-password-page'), (m) => m.ResetPasswordPage);
const SecurityPage = lazyRoute(() => import('./pages/security-page'), (m) => m.SecurityPage);
const VerifyPage = lazyRoute(() => import('./pages/verify-page'), (m) => m.VerifyPage);

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

const routes: RouteObject[] = [
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
];

/** The on-demand pages and frames an element tree names (`<RequireAuth><ConsoleLayout />…`). */
function preloadElement(node: ReactNode) {
  if (!isValidElement(node)) return;
  // A chunk that fails here fails again when its page renders, and that one says so.
  (node.type as { preload?: () => Promise<unknown> }).preload?.().catch(() => {});
  Children.forEach((node.props as { children?: ReactNode }).children, preloadElement);
}

/**
 * The chunks of the page being opened, asked for at once, beside `GET /me`: left to Suspense,
 * the frame waits for the session and the page for the frame, a round trip each on a phone.
 * A visitor without a session goes from the console to the login page: that one, then.
 */
function preloadLandingRoute() {
  const matches = matchRoutes(routes, window.location) ?? [];
  if (hasNoSessionCookie() && matches[0]?.route.path === '/') preloadElement(<LoginPage />);
  else for (const match of matches) preloadElement(match.route.element);
}

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const contractPage = new RegExp(`^/(?:admin/)?contracts/(${uuid})$`);

/**
 * The landing page's own data, asked for beside its code and `GET /me` too: a contract's page
 * (the contract and its trail) and the contract list as the menu opens it (unfiltered). Each
 * with the page's own key and request, so that the page finds the answer in the cache; left to
 * the page, the request waited for the session, the frame and the page's code, about a second
 * on a phone.
 */
function prefetchLandingData() {
  if (hasNoSessionCookie()) return;
  const { pathname, search } = window.location;
  const contractId = contractPage.exec(pathname)?.[1];
  if (contractId) {
    void queryClient.prefetchQuery({ queryKey: queryKeys.contract(contractId), queryFn: ({ signal }) => fetchContract(contractId, signal) });
    void queryClient.prefetchQuery({ queryKey: queryKeys.contractAudit(contractId), queryFn: ({ signal }) => fetchContractAudit(contractId, signal) });
  }
  if ((pathname === '/contracts' || pathname === '/admin/contracts') && !search)
    void queryClient.prefetchInfiniteQuery(contractListQuery({}, pathname === '/admin/contracts'));
}

preloadLandingRoute();
prefetchLandingData();
const router = createBrowserRouter(routes);

export function QiyueApp() {
  const { antdLocale } = useLocale();
  return (
    <ConfigProvider locale={antdLocale} theme={consoleTheme}>
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

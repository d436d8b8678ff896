import { App as AntApp, ConfigProvider, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router-dom';
import { SessionProvider, useSession } from './api/session';
import { ConsoleLayout } from './components/console-layout';
import { FullPageSpin, homePath, RequireAuth, RequireOperator } from './components/require-auth';
import { useLocale } from './i18n';
import { AdminVerificationsPage } from './pages/admin-verifications-page';
import { ContractsPage } from './pages/contracts-page';
import { LoginPage } from './pages/login-page';
import { NotFoundPage } from './pages/not-found-page';
import { PartyAPage } from './pages/party-a-page';
import { RegisterPage } from './pages/register-page';
import { VerificationPage } from './pages/verification-page';

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

function Home() {
  const { session } = useSession();
  if (session.state !== 'signed-in') return <FullPageSpin />;
  return <Navigate to={homePath(session.me)} replace />;
}

const router = createBrowserRouter([
  { path: '/login', element: <GuestOnly><LoginPage /></GuestOnly> },
  { path: '/register', element: <GuestOnly><RegisterPage /></GuestOnly> },
  {
    path: '/',
    element: <RequireAuth><ConsoleLayout /></RequireAuth>,
    children: [
      { index: true, element: <Home /> },
      { path: 'contracts', element: <RequireAccount><ContractsPage /></RequireAccount> },
      { path: 'verification', element: <RequireAccount><VerificationPage /></RequireAccount> },
      { path: 'party-a', element: <RequireAccount><PartyAPage /></RequireAccount> },
      { path: 'admin/verifications', element: <RequireOperator><AdminVerificationsPage /></RequireOperator> },
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

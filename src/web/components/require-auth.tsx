import { Flex, Spin } from 'antd';
import { lazy, type ReactNode, Suspense } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import type { MeResponse } from '../../shared/schemas/auth';
import { useSession } from '../api/session';
import { useT } from '../i18n';

export function FullPageSpin() {
  const t = useT();
  return (
    <Flex align="center" justify="center" style={{ minHeight: '60vh' }}>
      <Spin size="large" description={t('app.loading')} />
    </Flex>
  );
}

/** Pages behind a session; without one, the login page, which brings the user back here. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (session.state === 'loading') return <FullPageSpin />;
  if (session.state === 'anonymous') return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return children;
}

// Rarely seen, and antd's Result is large: loaded when needed.
const Forbidden = lazy(() => import('./forbidden').then((m) => ({ default: m.Forbidden })));

export function RequireOperator({ children }: { children: ReactNode }) {
  const { session } = useSession();
  if (session.state === 'signed-in' && session.me.user.role === 'operator') return children;
  return (
    <Suspense fallback={<FullPageSpin />}>
      <Forbidden />
    </Suspense>
  );
}

/**
 * Where a signed-in user lands: operators without a customer account at their queue, a customer
 * who still has to verify at the verification page (the first step), the others at the contracts.
 */
export function homePath(me: MeResponse): string {
  if (!me.account) return me.user.role === 'operator' ? '/admin/verifications' : '/contracts';
  const status = me.account.verificationStatus;
  return status === 'unverified' || status === 'rejected' ? '/verification' : '/contracts';
}

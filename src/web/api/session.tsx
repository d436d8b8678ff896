import { createContext, type ReactNode, startTransition, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { MeResponse } from '../../shared/schemas/auth';
import * as auth from './auth';
import { ApiError, setCsrfToken, setUnauthenticatedHandler } from './client';

export type Session = { state: 'loading' } | { state: 'anonymous' } | { state: 'signed-in'; me: MeResponse };

type SessionContextValue = {
  session: Session;
  /** Re-reads `GET /me` (verification status, CSRF token); call after a change of state. */
  refresh: () => Promise<MeResponse | null>;
  login: (email: string, password: string, totp?: string) => Promise<MeResponse>;
  register: (email: string, password: string) => Promise<MeResponse>;
  logout: () => Promise<void>;
};

const SessionContext = createContext<SessionContextValue | null>(null);

/**
 * The server marks its index page when the request came without a session cookie (which the
 * page cannot read itself): then nobody is signed in, and asking `GET /me` would only earn a
 * 401 in the browser's console. Read at start only; later
 * the answers of the API decide.
 */
export function hasNoSessionCookie(): boolean {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="qiyue-session"]');
  return meta?.content === 'absent';
}

/**
 * `GET /me` sent as the script starts rather than after the first render, beside the page's
 * chunks: every console page waits on it. Taken by the first refresh only; later ones ask anew.
 */
let startupMe: Promise<MeResponse> | null = hasNoSessionCookie() ? null : auth.fetchMe();
startupMe?.catch(() => {});
function takeStartupMe(): Promise<MeResponse> | null {
  const me = startupMe;
  startupMe = null;
  return me;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>({ state: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const startup = takeStartupMe();
      const me = await (startup ?? auth.fetchMe());
      setCsrfToken(me.csrfToken);
      const signedIn = () => setSession({ state: 'signed-in', me });
      // At start the whole console renders for the session: in slices, so the phone stays
      // responsive. Later callers (sign-in, an accepted invitation) navigate on it at once.
      if (startup) startTransition(signedIn);
      else signedIn();
      return me;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setCsrfToken(null);
        setSession({ state: 'anonymous' });
        return null;
      }
      throw error;
    }
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setSession({ state: 'anonymous' });
    });
    if (hasNoSessionCookie()) setSession({ state: 'anonymous' });
    else refresh().catch(() => setSession({ state: 'anonymous' }));
    return () => setUnauthenticatedHandler(null);
  }, [refresh]);

  const signIn = useCallback(
    async (call: typeof auth.login, email: string, password: string, totp?: string) => {
      const answer = await call(email, password, totp);
      setCsrfToken(answer.csrfToken);
      const me = await refresh();
      if (!me) throw new ApiError({ type: 'about:blank', title: 'Unauthenticated', status: 401, code: 'unauthenticated' });
      return me;
    },
    [refresh],
  );

  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      refresh,
      login: (email, password, totp) => signIn(auth.login, email, password, totp),
      register: (email, password) => signIn(auth.register, email, password),
      logout: async () => {
        try {
          await auth.logout();
        } finally {
          setCsrfToken(null);
          setSession({ state: 'anonymous' });
        }
      },
    }),
    [session, refresh, signIn],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user's answer of `GET /me`; only for pages behind RequireAuth. */
export function useMe(): MeResponse {
  const { session } = useSession();
  if (session.state !== 'signed-in') throw new Error('useMe without a session');
  return session.me;
}

import { ApiError } from '../api/client';
import { useLocale } from '../i18n';

/** Turns any error into a sentence in the user's language, by the problem's code. */
export function useErrorText(): (error: unknown) => string {
  const { t, errorText } = useLocale();
  return (error) => {
    if (!(error instanceof ApiError)) return t('error.unknown');
    if (error.code === 'network_error') return t('error.network');
    if (error.code === 'too_many_requests' && error.retryAfterSeconds) {
      return t('auth.retryAfter', { seconds: error.retryAfterSeconds });
    }
    return errorText(error.code) ?? t('error.unknown');
  };
}

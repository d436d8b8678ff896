import { useEffect } from 'react';
import { useT } from '../i18n';

/** Every page names itself in the browser's tab and history: `<page> - 契约 Qiyue`. */
export function useDocumentTitle(title: string | undefined) {
  const t = useT();
  const suffix = t('app.documentTitle');
  useEffect(() => {
    document.title = title ? `${title} - ${t('app.name')}` : suffix;
  }, [title, suffix, t]);
}

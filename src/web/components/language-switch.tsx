import { GlobalOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { type Locale, useLocale } from '../i18n';

const names: Record<Locale, string> = { 'zh-CN': '简体中文', en: 'English' };
const other = (locale: Locale): Locale => (locale === 'en' ? 'zh-CN' : 'en');

/**
 * Two languages, so one button that names the other one (in that language, for whoever reads
 * it). A plain button keeps menus out of the login page's first download.
 */
export function LanguageSwitch({ dark = false, isCompact = false }: { dark?: boolean; isCompact?: boolean }) {
  const { locale, setLocale, t } = useLocale();
  const target = other(locale);
  return (
    <Button
      type="text"
      icon={<GlobalOutlined />}
      lang={target}
      aria-label={`${t('header.language')}: ${names[target]}`}
      title={t('header.language')}
      onClick={() => setLocale(target)}
      data-testid="language-switch"
      style={dark ? { color: 'rgba(255,255,255,0.85)' } : undefined}
    >
      {isCompact ? null : names[target]}
    </Button>
  );
}

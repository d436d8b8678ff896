import { GlobalOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { type Locale, useLocale } from '../i18n';

const names: Record<Locale, string> = { 'zh-CN': '简体中文', en: 'English' };

/** On a phone only the globe shows; its name says what it is. */
export function LanguageSwitch({ dark = false, isCompact = false }: { dark?: boolean; isCompact?: boolean }) {
  const { locale, setLocale, t } = useLocale();
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [locale],
        items: (Object.keys(names) as Locale[]).map((key) => ({ key, label: names[key] })),
        onClick: ({ key }) => setLocale(key as Locale),
      }}
    >
      <Button
        type="text"
        icon={<GlobalOutlined />}
        aria-label={isCompact ? `${t('header.language')}: ${names[locale]}` : undefined}
        title={t('header.language')}
        data-testid="language-switch"
        style={dark ? { color: 'rgba(255,255,255,0.85)' } : undefined}
      >
        {isCompact ? null : names[locale]}
      </Button>
    </Dropdown>
  );
}

import { Flex, theme } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../i18n';
import { LanguageSwitch } from './language-switch';
import { useDocumentTitle } from './document-title';
import { ProductMark } from './product-mark';

/**
 * The centred card of the login and registration pages, in plain elements styled from antd's
 * tokens: the first page a visitor loads should not carry Typography's tooltips and copy buttons.
 */
export function AuthCard({ title, children, footer }: { title: string; children: ReactNode; footer: ReactNode }) {
  const t = useT();
  useDocumentTitle(title);
  const { token } = theme.useToken();
  return (
    <Flex vertical component="main" style={{ minHeight: '100vh', background: 'linear-gradient(180deg, #eef3fb 0%, #f5f6f7 60%)' }}>
      <Flex justify="space-between" align="center" style={{ padding: '12px 24px' }}>
        <Flex align="center" gap={10}>
          <ProductMark />
          <strong style={{ fontSize: 18, color: token.colorText }}>
            {t('app.name')}
          </strong>
        </Flex>
        <LanguageSwitch />
      </Flex>
      <Flex vertical align="center" justify="center" style={{ flex: 1, padding: '24px 16px 80px' }}>
        <p style={{ margin: '0 0 24px', textAlign: 'center', maxWidth: 520, color: token.colorTextSecondary }}>
          {t('auth.slogan')}
        </p>
        {/* A plain panel, not antd's Card: Card brings Tabs and menus into the first download. */}
        <div style={{ width: '100%', maxWidth: 400, padding: 24, boxSizing: 'border-box', background: token.colorBgContainer, borderRadius: token.borderRadiusLG, border: `1px solid ${token.colorBorderSecondary}`, boxShadow: '0 4px 16px rgba(0,0,0,0.06)' }}>
          <h1 style={{ margin: '0 0 24px', fontSize: 20, fontWeight: 600, lineHeight: 1.4, color: token.colorTextHeading }}>
            {title}
          </h1>
          {children}
          <div style={{ textAlign: 'center', marginTop: 8 }}>{footer}</div>
        </div>
      </Flex>
    </Flex>
  );
}

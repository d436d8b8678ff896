import { Card, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useT } from '../i18n';
import { LanguageSwitch } from './language-switch';
import { ProductMark } from './product-mark';

/** The centred card of the login and registration pages. */
export function AuthCard({ title, children, footer }: { title: string; children: ReactNode; footer: ReactNode }) {
  const t = useT();
  return (
    <Flex vertical style={{ minHeight: '100vh', background: 'linear-gradient(180deg, #eef3fb 0%, #f5f6f7 60%)' }}>
      <Flex justify="space-between" align="center" style={{ padding: '12px 24px' }}>
        <Flex align="center" gap={10}>
          <ProductMark />
          <Typography.Text strong style={{ fontSize: 18 }}>
            {t('app.name')}
          </Typography.Text>
        </Flex>
        <LanguageSwitch />
      </Flex>
      <Flex vertical align="center" justify="center" style={{ flex: 1, padding: '24px 16px 80px' }}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 24, textAlign: 'center', maxWidth: 520 }}>
          {t('auth.slogan')}
        </Typography.Paragraph>
        <Card style={{ width: '100%', maxWidth: 400, boxShadow: '0 4px 16px rgba(0,0,0,0.06)' }}>
          <Typography.Title level={4} style={{ marginTop: 0, marginBottom: 24 }}>
            {title}
          </Typography.Title>
          {children}
          <div style={{ textAlign: 'center', marginTop: 8 }}>{footer}</div>
        </Card>
      </Flex>
    </Flex>
  );
}

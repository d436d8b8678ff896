import { Button, Flex, Layout, Typography } from 'antd';
import { Suspense } from 'react';
import { Link, Outlet, useLocation } from 'react-router-dom';
import { useT } from '../i18n';
import { LanguageSwitch } from './language-switch';
import { ProductMark } from './product-mark';
import { FullPageSpin } from './require-auth';
import { useScreens } from './use-screens';

/** The frame of the pages anyone may open without signing in (验真, 合同常见问题). */
export function PublicLayout() {
  const t = useT();
  const isFaq = useLocation().pathname.startsWith('/faq');
  const isCompact = useScreens().md === false;
  return (
    <Layout style={{ minHeight: '100vh', background: 'linear-gradient(180deg, #eef3fb 0%, #f5f6f7 40%)' }}>
      <Flex justify="space-between" align="center" gap={8} style={{ padding: isCompact ? '8px 12px' : '12px 24px', borderBottom: '1px solid #e8e8e8', background: '#fff' }}>
        <Link to={isFaq ? '/faq' : '/verify'} style={{ color: 'inherit' }}>
          <Flex align="center" gap={10}>
            <ProductMark />
            <Typography.Text strong style={{ fontSize: 18 }}>
              {t('app.name')}
            </Typography.Text>
            {!isCompact && (
              <>
                <Typography.Text type="secondary" aria-hidden>
                  |
                </Typography.Text>
                <Typography.Text>{t(isFaq ? 'nav.faq' : 'nav.verify')}</Typography.Text>
              </>
            )}
          </Flex>
        </Link>
        <Flex align="center" gap={8}>
          <LanguageSwitch isCompact={isCompact} />
          <Link to="/login">
            <Button type="link">{t('public.login')}</Button>
          </Link>
        </Flex>
      </Flex>
      <Layout.Content style={{ padding: '24px 16px 48px' }}>
        <main style={{ maxWidth: 1040, margin: '0 auto' }}>
          <Suspense fallback={<FullPageSpin />}>
            <Outlet />
          </Suspense>
        </main>
      </Layout.Content>
      {!isFaq && (
        <Typography.Text type="secondary" style={{ textAlign: 'center', padding: '0 16px 24px', fontSize: 12 }}>
          {t('public.footer')} · <Link to="/terms">{t('legal.terms')}</Link> · <Link to="/privacy">{t('legal.privacy')}</Link>
        </Typography.Text>
      )}
    </Layout>
  );
}

import { Checkbox, Form } from 'antd';
import { Link } from 'react-router-dom';
import { useLocale, useT } from '../i18n';

/** The 用户协议 and 隐私政策 a new login agrees to (registration, or joining by invitation). */
export function TermsConsentItem({ testId }: { testId: string }) {
  const t = useT();
  const { errorText } = useLocale();
  return (
    <Form.Item
      name="acceptTerms"
      valuePropName="checked"
      rules={[
        {
          validator: async (_rule, value: boolean | undefined) => {
            if (!value) throw new Error(errorText('terms_required'));
          },
        },
      ]}
    >
      <Checkbox data-testid={testId}>
        {t('auth.register.acceptTerms')}{' '}
        <Link to="/terms" target="_blank">
          《{t('legal.terms')}》
        </Link>{' '}
        {t('auth.register.and')}{' '}
        <Link to="/privacy" target="_blank">
          《{t('legal.privacy')}》
        </Link>
      </Checkbox>
    </Form.Item>
  );
}

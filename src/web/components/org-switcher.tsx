import { SwapOutlined } from '@ant-design/icons';
import { App, Select } from 'antd';
import { switchOrganisation } from '../api/org';
import { useMe, useSession } from '../api/session';
import { useT } from '../i18n';
import { useErrorText } from './use-error-text';

/** The organisation the session works in; shown when the user belongs to more than one. */
export function OrgSwitcher() {
  const t = useT();
  const me = useMe();
  const { refresh } = useSession();
  const errorText = useErrorText();
  const { message } = App.useApp();
  if (!me.account || me.organisations.length < 2) return null;
  return (
    <Select
      size="small"
      variant="borderless"
      suffixIcon={<SwapOutlined style={{ color: 'rgba(255,255,255,0.65)' }} />}
      style={{ minWidth: 180, color: '#fff' }}
      value={me.account.id}
      aria-label={t('org.switch')}
      data-testid="org-switcher"
      options={me.organisations.map((o) => ({ value: o.id, label: `${o.name ?? t('org.unnamed')} · ${o.role}` }))}
      onChange={async (accountId) => {
        try {
          await switchOrganisation(accountId);
          // Every page reloads for the new organisation.
          window.location.assign('/');
        } catch (error) {
          message.error(errorText(error));
          await refresh();
        }
      }}
    />
  );
}

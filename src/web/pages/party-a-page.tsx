import { Card, Flex } from 'antd';
import { ApiError } from '../api/client';
import { fetchPartyA } from '../api/party-a';
import { useMe } from '../api/session';
import { LoadError } from '../components/load-error';
import { PageHeader } from '../components/page-header';
import { PartyAContactForm, PartyAIdentityCard } from '../components/party-a-form';
import { useLoad } from '../components/use-load';
import { queryKeys } from '../api/query';
import { VerificationGate } from '../components/verification-gate';
import { useT } from '../i18n';

export function PartyAPage() {
  const t = useT();
  const me = useMe();
  const status = me.account?.verificationStatus ?? 'unverified';
  const isVerified = status === 'verified';
  const { data, error, loading, reload, setData } = useLoad([...queryKeys.partyA, isVerified], (signal) => (isVerified ? fetchPartyA(signal) : Promise.resolve(null)));

  const header = (
    <PageHeader breadcrumb={[t('nav.billing'), { title: t('nav.contractManagement'), to: '/contracts' }, t('nav.partyA')]} title={t('partyA.title')} subtitle={t('partyA.subtitle')} />
  );
  const gated = !isVerified || (error instanceof ApiError && error.code === 'verification_required');

  return (
    <>
      {header}
      {gated ? (
        <VerificationGate status={status === 'verified' ? 'unverified' : status} />
      ) : error ? (
        <LoadError error={error} onRetry={reload} />
      ) : loading || !data ? (
        <Card loading />
      ) : (
        <Flex vertical gap={16}>
          <PartyAIdentityCard partyA={data} />
          <PartyAContactForm partyA={data} onSaved={setData} />
        </Flex>
      )}
    </>
  );
}

import { QuestionCircleOutlined } from '@ant-design/icons';
import { Card, Collapse, Flex, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { PageHeader } from '../components/page-header';
import { TrustAnchorCard } from '../components/trust-anchor-card';
import { type MessageKey, useT } from '../i18n';

/** Topics and their questions; the words live in the catalogues (faq.<topic>.<question>.q / .a). */
const topics = [
  { key: 'kinds', questions: ['which', 'icp', 'orders', 'relation'] },
  { key: 'verification', questions: ['why', 'partyA'] },
  { key: 'legal', questions: ['effective', 'signatures', 'fingerprint', 'verify'] },
  { key: 'stamping', questions: ['how', 'duration', 'track'] },
  { key: 'changes', questions: ['change', 'attachment', 'blocked', 'framework'] },
  { key: 'partyA', questions: ['contact', 'identity'] },
] as const;

type Topic = (typeof topics)[number];
type QuestionId = `${Topic['key']}.${Topic['questions'][number]}`;

/** Pages an answer points to, shown under it. */
const related: Partial<Record<QuestionId, { to: string; label: MessageKey }[]>> = {
  'kinds.which': [{ to: '/contracts', label: 'nav.contracts' }],
  'verification.why': [{ to: '/verification', label: 'nav.verification' }],
  'verification.partyA': [{ to: '/party-a', label: 'nav.partyA' }],
  'legal.verify': [{ to: '/verify', label: 'nav.verify' }],
  'partyA.contact': [{ to: '/party-a', label: 'nav.partyA' }],
  'partyA.identity': [{ to: '/verification', label: 'nav.verification' }],
};

function Answer({ text, links }: { text: string; links?: { to: string; label: MessageKey }[] }) {
  const t = useT();
  return (
    <div data-testid="faq-answer">
      {text.split('\n').map((paragraph) => (
        <Typography.Paragraph key={paragraph} style={{ marginBottom: 8 }}>
          {paragraph}
        </Typography.Paragraph>
      ))}
      {links && (
        <Space size={16}>
          {links.map((link) => (
            <Link key={link.to} to={link.to}>
              {t('faq.goTo', { page: t(link.label) })}
            </Link>
          ))}
        </Space>
      )}
    </div>
  );
}

/** 合同常见问题: open to anyone, in the console for a signed-in user. */
export function FaqPage() {
  const t = useT();
  const [q, setQ] = useState('');
  const needle = q.trim().toLowerCase();

  const groups = topics
    .map((topic) => {
      const items = topic.questions
        .map((question) => {
          const id = `${topic.key}.${question}` as QuestionId;
          const title = t(`faq.${id}.q` as MessageKey);
          const text = t(`faq.${id}.a` as MessageKey);
          return { id, title, text };
        })
        .filter((item) => !needle || item.title.toLowerCase().includes(needle) || item.text.toLowerCase().includes(needle));
      return { topic, items };
    })
    .filter((group) => group.items.length > 0);

  return (
    <>
      <PageHeader
        breadcrumb={[t('nav.billing'), { title: t('nav.contractManagement'), to: '/contracts' }, t('nav.faq')]}
        title={t('faq.title')}
        subtitle={t('faq.subtitle')}
        extra={
          <Input.Search allowClear placeholder={t('faq.search')} onChange={(e) => setQ(e.target.value)} style={{ width: 260 }} data-testid="faq-search" />
        }
      />
      <Flex vertical gap={16} data-testid="faq">
        {groups.map(({ topic, items }) => (
          <Card
            key={topic.key}
            title={
              <Space>
                <QuestionCircleOutlined style={{ color: '#1668dc' }} />
                {t(`faq.topic.${topic.key}`)}
              </Space>
            }
            styles={{ body: { paddingTop: 8 } }}
            data-testid={`faq-topic-${topic.key}`}
          >
            <Collapse
              ghost
              defaultActiveKey={needle ? items.map((item) => item.id) : undefined}
              key={needle ? `search-${needle}` : 'all'}
              items={items.map((item) => ({
                key: item.id,
                label: <Typography.Text strong>{item.title}</Typography.Text>,
                children: <Answer text={item.text} links={related[item.id]} />,
              }))}
            />
          </Card>
        ))}
        {groups.length === 0 && (
          <Card>
            <Typography.Text type="secondary">{t('faq.noMatch')}</Typography.Text>
          </Card>
        )}
        <TrustAnchorCard />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('faq.footer')}
        </Typography.Text>
      </Flex>
    </>
  );
}

import { Steps, type StepsProps, Typography } from 'antd';
import { type Carrier, carriers } from '../../shared/ids';
import type { StampingRequest, StampingStatus } from '../api/stamping';
import { type Translate, useT } from '../i18n';
import { formatDateTime } from './format';
import { carrierName, courierText } from './stamping-status-tag';

type Entry = StampingRequest['history'][number];

/** The way a request goes when nothing goes wrong; 驳回 and 取消 end it on the way. */
const mainPath: StampingStatus[] = ['awaiting_shipment', 'submitted', 'received', 'stamped', 'returned', 'completed'];
const knownActors = ['customer', 'operator', 'system', 'integration'] as const;

function actorText(role: string, t: Translate): string {
  return (knownActors as readonly string[]).includes(role) ? t(`actor.${role as (typeof knownActors)[number]}`) : role;
}

/** The server notes a courier as `SF SF1234…`; the carrier is shown by its name. */
function noteText(note: string | null, t: Translate): string | null {
  const match = note ? /^([A-Z]+) (\S+)$/.exec(note) : null;
  if (match && (carriers as readonly string[]).includes(match[1]!)) return `${carrierName(match[1] as Carrier, t)} ${match[2]}`;
  return note;
}

function StepContent({ entry, request, corrections = [] }: { entry: Entry; request: StampingRequest; corrections?: Entry[] }) {
  const t = useT();
  // The return step names the provider's courier; a rejection its reason; other notes as written.
  const note =
    entry.status === 'returned' && request.returnCourier
      ? t('stamping.timeline.returnCourier', { courier: courierText(request.returnCourier, t) })
      : entry.status === 'rejected'
        ? t('stamping.timeline.rejectReason', { reason: entry.note ?? request.rejectReason ?? '—' })
        : noteText(entry.note, t);
  return (
    <div style={{ fontSize: 12, lineHeight: '20px' }}>
      <div>{formatDateTime(entry.at)}</div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {actorText(entry.actorRole, t)}
      </Typography.Text>
      {note && (
        <div>
          <Typography.Text type={entry.status === 'rejected' ? 'danger' : undefined} style={{ fontSize: 12, wordBreak: 'break-all' }}>
            {note}
          </Typography.Text>
        </div>
      )}
      {corrections.map((c) => (
        <div key={c.at} data-testid="courier-correction">
          <Typography.Text type="warning" style={{ fontSize: 12, wordBreak: 'break-all' }}>
            {t('stamping.timeline.courierChanged', { change: (c.note ?? '').split(' → ').map((part) => noteText(part, t)).join(' → ') })}
          </Typography.Text>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(c.at)} · {c.actorEmail ?? actorText(c.actorRole, t)}
            </Typography.Text>
          </div>
        </div>
      ))}
    </div>
  );
}

/**
 * 提交 → 签收 → 盖章 → 寄回 → 完成, each reached step with its time and who took it, the next
 * one with what it waits for; a rejected or cancelled request ends in a red step with the reason.
 */
export function StampingTimeline({ request }: { request: StampingRequest }) {
  const t = useT();
  const steps = request.history.filter((e) => e.kind === 'status');
  const corrections = request.history.filter((e) => e.kind === 'courier_changed');
  const reached = new Map(steps.map((e) => [e.status, e]));
  const ended = request.status === 'rejected' || request.status === 'cancelled' ? request.status : null;
  // A request created with its courier never awaited shipment: that step is not shown.
  const fullPath = reached.has('awaiting_shipment') ? mainPath : mainPath.slice(1);
  const lastIndex = Math.max(...fullPath.map((s, i) => (reached.has(s) ? i : -1)));
  const path = ended ? fullPath.slice(0, lastIndex + 1) : fullPath;

  const items: NonNullable<StepsProps['items']> = path.map((status, index) => {
    const entry = reached.get(status);
    if (entry) return { key: status, title: t(`stamping.step.${status}`), status: 'finish', content: <StepContent entry={entry} request={request} corrections={status === 'submitted' ? corrections : []} /> };
    const isNext = index === lastIndex + 1;
    return {
      key: status,
      title: t(`stamping.step.${status}`),
      status: isNext ? 'process' : 'wait',
      content: isNext ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t(`stamping.timeline.waiting.${status as Exclude<StampingStatus, 'awaiting_shipment' | 'rejected' | 'cancelled'>}`)}
        </Typography.Text>
      ) : undefined,
    };
  });
  if (ended) {
    const entry = reached.get(ended);
    items.push({ key: ended, title: t(`stamping.step.${ended}`), status: 'error', content: entry ? <StepContent entry={entry} request={request} /> : undefined });
  }

  // The step in progress is the active one; for an ended request, its last step.
  const waiting = items.findIndex((item) => item.status === 'process');
  return <Steps current={waiting >= 0 ? waiting : items.length - 1} items={items} titlePlacement="vertical" size="small" responsive data-testid="stamping-timeline" />;
}

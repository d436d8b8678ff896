import { z } from 'zod';
import { icpFilingNumberPattern } from '../ids.js';
import { humanText } from './text.js';

// What an upstream system can mean by a payment or approval time, and what every layer can
// hold: year 0 or a time past 9999 after its offset parses in JavaScript but not in PostgreSQL.
const earliestTime = Date.UTC(1970, 0, 1);
const latestTime = Date.UTC(9999, 11, 31, 23, 59, 59);
const isoTime = z.iso.datetime({ offset: true }).refine(
  (s) => {
    const t = Date.parse(s);
    return Number.isFinite(t) && t >= earliestTime && t <= latestTime;
  },
  { message: 'must lie between 1970-01-01 and 9999-12-31 (UTC)' },
);

export const orderPushBody = z.strictObject({
  product: humanText({ max: 100 }),
  spec: humanText({ max: 200 }),
  quantity: z.number().int().min(1).max(1_000_000),
  amountFen: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  paidAt: isoTime,
  status: z.enum(['paid', 'refunded']),
});
export type OrderPushBody = z.infer<typeof orderPushBody>;

export const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9\u00a1-\uffff]([a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+[a-z\u00a1-\uffff]{2,63}$/u, 'not a domain name');

export const icpFilingPushBody = z.strictObject({
  siteName: humanText({ max: 100 }),
  domains: z.array(domainName).min(1).max(50),
  entityName: humanText({ max: 100, kind: 'name' }),
  status: z.enum(['active', 'cancelled']),
  approvedAt: isoTime,
});
export type IcpFilingPushBody = z.infer<typeof icpFilingPushBody>;

export const orderNoParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'order numbers are 1–64 letters, digits, - or _');
export const filingNumberParam = z.string().regex(icpFilingNumberPattern, 'not an ICP filing number like 京ICP备12345678号-1');

export const unselectableReason = z
  .enum(['refunded', 'cancelled', 'entity_mismatch', 'already_covered', 'not_reissuable'])
  .describe('`not_reissuable`: listed for a renewal not yet in force (`frameworkId`), the item is in no attachment in force of the agreement it renews.');
export type UnselectableReason = z.infer<typeof unselectableReason>;

const coverage = {
  selectable: z.boolean(),
  reason: unselectableReason.optional(),
  coveredBy: z.object({ contractId: z.string(), number: z.string() }).optional(),
};

export const order = z.object({
  id: z.string(),
  orderNo: z.string(),
  product: z.string(),
  spec: z.string(),
  quantity: z.number().int(),
  amountFen: z.number().int(),
  paidAt: z.string(),
  status: z.enum(['paid', 'refunded']),
  ...coverage,
});
export type Order = z.infer<typeof order>;

export const icpFiling = z.object({
  id: z.string(),
  filingNumber: z.string(),
  siteName: z.string(),
  domains: z.array(z.string()),
  entityName: z.string(),
  status: z.enum(['active', 'cancelled']),
  approvedAt: z.string(),
  ...coverage,
});
export type IcpFiling = z.infer<typeof icpFiling>;

/** Listing for an attachment under a given framework agreement: under a scheduled renewal, a re-issue. */
const forFramework = z
  .uuid()
  .optional()
  .describe(
    'Whether each item can be chosen for an attachment under this framework agreement. For a renewal not yet in force (`scheduled`), only the items in attachments in force of the agreement it renews can be re-issued under it (重新签发), once; without it, or for the agreement in force, the usual rule: items in no attachment in force.',
  );

export const orderListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  frameworkId: forFramework,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional().describe('The nextCursor of the previous page; anything else answers 400 invalid_cursor.'),
});
export const orderList = z.object({ items: z.array(order), nextCursor: z.string().nullable() });
export const icpFilingListQuery = z.object({
  frameworkId: forFramework,
  // An account has a handful of filings: the default page holds them all.
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
  cursor: z.string().max(200).optional().describe('The nextCursor of the previous page; anything else answers 400 invalid_cursor.'),
});
export const icpFilingList = z.object({
  items: z.array(icpFiling),
  nextCursor: z.string().nullable().describe('Opaque; pass it as `cursor` for the next page. null on the last page.'),
});

export const maxAttachmentItems = 5000;
/** Above this many items an attachment is generated in the background: 202 with a job. */
export const backgroundAttachmentItems = 200;

export const createAttachmentBody = z.strictObject({
  kind: z.enum(['icp_attachment', 'order_attachment']),
  // Length is checked by the operation so that 5,001 items get their own code, too_many_items.
  itemIds: z.array(z.uuid()).min(1).max(10_000),
  accept: z.boolean(),
});
export type CreateAttachmentBody = z.infer<typeof createAttachmentBody>;

import { z } from 'zod';
import { carriers, mobilePhonePattern } from '../ids.js';
import { humanText } from './text.js';

export const carrier = z.enum(carriers);

export const courier = z.strictObject({
  carrier,
  // Checked against the carrier's format by the operation: invalid_tracking_number.
  trackingNumber: z.string().max(40),
});
export type Courier = z.infer<typeof courier>;

export const returnAddress = z.strictObject({
  recipient: humanText({ max: 50, kind: 'name' }),
  phone: z.string().trim().regex(mobilePhonePattern, 'a mainland mobile number'),
  province: humanText({ max: 20 }),
  city: humanText({ max: 30 }),
  district: humanText({ max: 30 }),
  street: humanText({ max: 200 }),
  postalCode: z.string().trim().regex(/^\d{6}$/, '6 digits'),
});
export type ReturnAddress = z.infer<typeof returnAddress>;

export const submitStampingBody = z.strictObject({
  contractIds: z.array(z.uuid()).min(1).max(20),
  // Absent: the request awaits shipment, so that the printed cover carries its number.
  courier: courier.optional(),
  returnAddress,
});
export type SubmitStampingBody = z.infer<typeof submitStampingBody>;

// returnAddress is accepted by the schema only to be refused with its own code.
export const shipStampingBody = z.strictObject({ courier });

export const patchStampingBody = z.strictObject({ courier: courier.optional(), returnAddress: z.unknown().optional() });

export const stampingStatus = z.enum(['awaiting_shipment', 'submitted', 'received', 'stamped', 'returned', 'completed', 'rejected', 'cancelled']);
export type StampingStatus = z.infer<typeof stampingStatus>;
export const openStampingStatuses: StampingStatus[] = ['awaiting_shipment', 'submitted', 'received', 'stamped', 'returned'];

export const stampingRequest = z.object({
  id: z.string(),
  number: z.string(),
  status: stampingStatus,
  accountId: z.string(),
  partyAName: z.string(),
  contracts: z.array(z.object({ id: z.string(), number: z.string(), kind: z.string(), copies: z.number().int() })),
  courier: z.object({ carrier, trackingNumber: z.string() }).nullable().describe('null while awaiting shipment'),
  returnCourier: z.object({ carrier, trackingNumber: z.string() }).nullable(),
  returnAddress: z.object({
    recipient: z.string(),
    phone: z.string(),
    province: z.string(),
    city: z.string(),
    district: z.string(),
    street: z.string(),
    postalCode: z.string(),
  }),
  rejectReason: z.string().nullable(),
  history: z.array(
    z.object({
      status: stampingStatus,
      kind: z.enum(['status', 'courier_changed']).describe('courier_changed: a corrected tracking number, the note reads old → new'),
      at: z.string(),
      actorRole: z.string(),
      actorEmail: z.string().nullable(),
      note: z.string().nullable(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StampingRequest = z.infer<typeof stampingRequest>;

export const stampingEnvelope = z.object({ request: stampingRequest });
export const stampingList = z.object({
  items: z.array(stampingRequest),
  counts: z.record(z.string(), z.number()),
  nextCursor: z.string().nullable().describe('Opaque; pass it as `cursor` for the next page. null on the last page.'),
});
export const stampingListQuery = z.object({
  status: stampingStatus.optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(200),
  cursor: z.string().max(200).optional().describe('The nextCursor of the previous page; anything else answers 400 invalid_cursor.'),
});

export const destination = z.object({ recipient: z.string(), phone: z.string(), address: z.string(), postalCode: z.string() });

import { z } from 'zod';
import { humanText } from './text.js';

export const subjectType = z.enum(['personal', 'enterprise']);
export type SubjectType = z.infer<typeof subjectType>;

// The check characters are verified by the operation (422 invalid_id_number / invalid_credit_code),
// not here, so that a well-formed request with a wrong check character gets its own code.
export const personalVerificationBody = z.strictObject({
  subjectType: z.literal('personal'),
  name: humanText({ max: 50, kind: 'name' }),
  idNumber: z.string().trim().max(18).toUpperCase(),
});

export const enterpriseVerificationBody = z.strictObject({
  subjectType: z.literal('enterprise'),
  name: humanText({ max: 100, kind: 'name' }),
  creditCode: z.string().trim().max(18).toUpperCase(),
  legalRepresentative: humanText({ max: 50, kind: 'name' }),
});

export const verificationBody = z.discriminatedUnion('subjectType', [personalVerificationBody, enterpriseVerificationBody]);
export type VerificationBody = z.infer<typeof verificationBody>;

export const verificationState = z.enum(['pending', 'verified', 'rejected']);

export const verification = z.object({
  id: z.string(),
  subjectType,
  name: z.string(),
  /** Full to its owner on GET /verification, masked everywhere else. */
  idNumber: z.string().optional(),
  creditCode: z.string().optional(),
  legalRepresentative: z.string().optional(),
  status: verificationState,
  rejectReason: z.string().optional(),
  createdAt: z.string(),
  decidedAt: z.string().optional(),
});
export type Verification = z.infer<typeof verification>;

export const verificationResponse = z.object({ verification: verification.nullable() });

export const adminVerification = verification.extend({ accountId: z.string(), email: z.string() });
export type AdminVerification = z.infer<typeof adminVerification>;

export const adminVerificationList = z.object({
  items: z.array(adminVerification),
  nextCursor: z.string().nullable().describe('Opaque; pass it as `cursor` for the next page. null on the last page.'),
});

export const adminVerificationQuery = z.object({
  status: z.enum(['pending', 'verified', 'rejected']).default('pending'),
  limit: z.coerce.number().int().min(1).max(200).default(200),
  cursor: z.string().max(200).optional().describe('The nextCursor of the previous page; anything else answers 400 invalid_cursor.'),
});

export const rejectBody = z.strictObject({ reason: humanText({ min: 2, max: 500 }) });

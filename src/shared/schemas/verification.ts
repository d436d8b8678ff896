import { z } from 'zod';
import { humanText } from './text.js';

export const subjectType = z.enum(['personal', 'enterprise']);
export type SubjectType = z.infer<typeof subjectType>;

// The check characters are verified by the operation (422 invalid_id_number / invalid_credit_code),
// not here, so that a well-formed request with a wrong check character gets its own code.
/** The version of the consent text (个人信息处理授权) the verification form shows. */
export const consentVersion = '2026-12-01';

// Checked by the operation, so that a missing consent or licence gets its own code (422).
const verificationExtras = {
  consent: z.strictObject({ version: z.string().trim().min(1).max(40) }).optional(),
  /** Ids from POST /verification/documents: the business licence, or the ID card's two sides. */
  documents: z.array(z.uuid()).max(4).optional(),
  /** Claims an identity another account holds: manual review with the evidence attached. */
  appeal: z.boolean().optional(),
};

export const personalVerificationBody = z.strictObject({
  subjectType: z.literal('personal'),
  name: humanText({ max: 50, kind: 'name' }),
  idNumber: z.string().trim().max(18).toUpperCase(),
  ...verificationExtras,
});

export const enterpriseVerificationBody = z.strictObject({
  subjectType: z.literal('enterprise'),
  name: humanText({ max: 100, kind: 'name' }),
  creditCode: z.string().trim().max(18).toUpperCase(),
  legalRepresentative: humanText({ max: 50, kind: 'name' }),
  ...verificationExtras,
});

export const verificationBody = z.discriminatedUnion('subjectType', [personalVerificationBody, enterpriseVerificationBody]);
export type VerificationBody = z.infer<typeof verificationBody>;

export const verificationState = z
  .enum(['pending', 'verified', 'rejected', 'superseded'])
  .describe('`superseded`: a verified name replaced by the verified re-verification of the company’s new name (rename, same credit code).');

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
  isAppeal: z.boolean().optional(),
  /** A re-verification of the company's new name under the same credit code. */
  isRename: z.boolean().optional(),
});
export type Verification = z.infer<typeof verification>;

export const verificationResponse = z.object({
  verification: verification.nullable(),
  /** A re-verification of a new company name not in force yet (pending or rejected); the account stays verified meanwhile. */
  rename: verification.nullable().optional(),
});

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

export const verificationDocument = z.object({ id: z.string(), sha256: z.string(), type: z.enum(['image/png', 'image/jpeg', 'application/pdf']) });
export const documentResponse = z.object({ document: verificationDocument });

/** The reviewer's view: every field in full, the consent, and the evidence beside them. */
export const adminVerificationDetail = adminVerification.extend({
  consent: z.object({ version: z.string(), at: z.string() }).nullable(),
  documents: z.array(verificationDocument.extend({ size: z.number() })),
});

import { z } from 'zod';
import { partyA } from './party-a.js';
import { carrier, stampingStatus } from './stamping.js';
import { humanText } from './text.js';

export const contractKind = z.enum(['framework', 'icp_attachment', 'order_attachment', 'supplement']);
export type ContractKind = z.infer<typeof contractKind>;
export const contractStatus = z.enum(['scheduled', 'effective', 'expired', 'voided', 'terminated']);
export type ContractStatus = z.infer<typeof contractStatus>;

/** A party as printed on a contract: Party A's shape, frozen when the contract was generated. */
export const partySnapshot = partyA.omit({ isComplete: true });

export const signatureRecord = z.object({
  role: z.enum(['party_a', 'party_b']),
  signer: z.string(),
  signedAt: z.string(),
  certificateSubject: z.string(),
  certificateSerial: z.string(),
  certificateIssuer: z.string(),
  /** Party A's: who held the private key (absent on contracts from before signings). */
  keyCustody: z.enum(['signer', 'platform']).optional(),
});

export const contractItem = z.object({
  id: z.string(),
  label: z.string(),
  amountFen: z.number().int().optional(),
});

const courierShown = z.object({ carrier, trackingNumber: z.string() });

/** The scan of a paper original stamped by both parties (纸质合同已归档), with its seal record. */
export const stampedScan = z.object({
  sha256: z.string(),
  uploadedAt: z.string(),
  sealRecord: z.object({
    requestId: z.string(),
    requestNumber: z.string(),
    partyASubmittedAt: z.string().nullable().describe('When Party A mailed its stamped originals'),
    partyBStampedAt: z.string().nullable().describe('When Party B stamped them'),
    courier: courierShown.nullable(),
    returnCourier: courierShown.nullable(),
  }),
});
export type StampedScan = z.infer<typeof stampedScan>;

export const contract = z.object({
  id: z.string(),
  number: z.string(),
  kind: contractKind,
  status: contractStatus,
  frameworkId: z.string().optional(),
  copies: z.number().int(),
  termYears: z.number().int().optional(),
  effectiveAt: z.string(),
  expiresAt: z.string(),
  partyA: partySnapshot,
  partyB: partySnapshot,
  templateVersion: z.string(),
  sha256: z.string(),
  signatures: z.array(signatureRecord),
  statusReason: z.string().optional(),
  statusChangedAt: z.string().optional(),
  items: z.array(z.unknown()).optional(),
  stampingStatus: stampingStatus.optional(),
  stampedScan: stampedScan.optional(),
  /** The framework agreement this one renews. */
  renewsId: z.string().optional(),
  renewedBy: z
    .object({ id: z.string(), number: z.string(), status: contractStatus })
    .optional()
    .describe('A framework agreement’s successor (续签), when it has one: while it is `scheduled`, the attachments in force can be re-issued under it.'),
  remark: z.string().optional(),
  hidden: z.boolean().optional(),
  createdAt: z.string(),
});
export type Contract = z.infer<typeof contract>;

export const contractEnvelope = z.object({ contract });

export const frameworkTerms = z.strictObject({
  termYears: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  copies: z.union([z.literal(2), z.literal(3)]),
});

export const applyFrameworkBody = frameworkTerms.extend({
  // The route answers acceptance_required for false, so it is not a schema error.
  accept: z.boolean(),
  /** Renew this framework agreement (as POST /contracts/{id}/renew). */
  renews: z.uuid().optional(),
});
export type ApplyFrameworkBody = z.infer<typeof applyFrameworkBody>;

/** A calendar day as people in China name it: YYYY-MM-DD, a real date. */
const chinaDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
  .refine((d) => {
    const date = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(d) && d >= '2000-01-01' && d <= '2999-12-31';
  }, 'not a calendar day');

export const contractListQuery = z.object({
  kind: contractKind.optional(),
  hidden: z.enum(['exclude', 'include']).default('exclude').describe('Hidden (voided or terminated) contracts are left out unless `include`.'),
  status: contractStatus.optional(),
  q: z.string().trim().max(100).optional(),
  frameworkId: z.uuid().optional(),
  from: chinaDay.optional().describe('Signed on or after this day (China time, YYYY-MM-DD).'),
  to: chinaDay.optional().describe('Signed on or before this day (China time, YYYY-MM-DD).'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional().describe('The nextCursor of the previous page; anything else answers 400 invalid_cursor.'),
}).refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'the range ends before it starts' });
export type ContractListQuery = z.infer<typeof contractListQuery>;

/**
 * A row of a contract list: what the list shows. The snapshots of both parties, the
 * signatures and the hash are in the detail (`GET /contracts/{id}`) only.
 */
export const contractListItem = z
  .object({
    id: z.string(),
    number: z.string(),
    kind: contractKind,
    status: contractStatus,
    frameworkId: z.string().optional(),
    copies: z.number().int(),
    partyAName: z.string(),
    effectiveAt: z.string(),
    expiresAt: z.string(),
    statusReason: z.string().optional(),
    stampingStatus: stampingStatus.optional(),
    remark: z.string().optional(),
    hidden: z.boolean().optional(),
    createdAt: z.string(),
  })
  .describe('A contract as a list shows it; the full contract is GET /contracts/{id}.');
export type ContractListItem = z.infer<typeof contractListItem>;

/** Counted up to this many; a desk list of a million contracts says "10,000+" rather than scan them all. */
export const contractCountLimit = 10_000;

export const contractList = z.object({
  items: z.array(contractListItem),
  nextCursor: z.string().nullable().describe('Opaque; pass it as `cursor` for the next page. null on the last page.'),
  total: z
    .object({ count: z.number().int(), atLeast: z.boolean().describe(`true when more than ${contractCountLimit} match: count is then ${contractCountLimit}.`) })
    .optional()
    .describe('How many contracts match the filters; on the first page only (without cursor).'),
});
export type ContractList = z.infer<typeof contractList>;

export const renewBody = frameworkTerms;
export type RenewBody = z.infer<typeof renewBody>;

export const patchContractBody = z
  .strictObject({
    // An empty string clears the remark.
    remark: z.string().trim().max(200).optional(),
    hidden: z.boolean().optional(),
  })
  .refine((b) => b.remark !== undefined || b.hidden !== undefined, { message: 'remark or hidden is required' });
export type PatchContractBody = z.infer<typeof patchContractBody>;

export const eligibilityKind = z.enum(['framework', 'icp_attachment', 'order_attachment', 'renewal']);
export const eligibilityReason = z.enum([
  'verification_required',
  'party_a_incomplete',
  'framework_exists',
  'framework_not_effective',
  'renewal_exists',
  'renewal_not_open',
  'daily_limit_reached',
]);
export type EligibilityReason = z.infer<typeof eligibilityReason>;
export const eligibilityResponse = z.object({
  kinds: z.array(z.object({ kind: eligibilityKind, allowed: z.boolean(), reasons: z.array(eligibilityReason) })),
});
export type EligibilityResponse = z.infer<typeof eligibilityResponse>;

export const reasonBody = z.strictObject({ reason: humanText({ min: 2, max: 500 }) });

export const auditEvent = z.object({
  seq: z.number().int(),
  action: z.string(),
  actor: z.object({ role: z.string(), userId: z.string().nullable(), email: z.string().nullable(), apiKeyId: z.string().nullable() }),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export const auditResponse = z.object({ events: z.array(auditEvent), chainValid: z.boolean() });

export const padesLevel = z.enum(['PAdES-B-B', 'PAdES-B-T', 'PAdES-B-LT', 'PAdES-B-LTA']);

/**
 * With an evidence report as the body, the SHA-256 (hex) of the contract file to check it
 * against: the console hashes the file the user picks next to the report, so the contract
 * itself need not be uploaded.
 */
export const verifyQuery = z.strictObject({
  contractSha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .transform((v) => v.toLowerCase())
    .optional(),
});

export const verifyResponse = z.object({
  authentic: z.boolean(),
  known: z.boolean(),
  contract: z.object({ number: z.string(), kind: contractKind, status: contractStatus }).nullable(),
  /** The lowest PAdES baseline level over the signatures; null if one is not even B-B. */
  level: padesLevel.nullable(),
  signatures: z.array(
    z.object({
      /** party_a, party_b, document_timestamp or unknown. */
      role: z.string(),
      signer: z.string(),
      /** The time the signature timestamp proves, else the signer's claim. */
      signedAt: z.string().nullable(),
      timestamp: z.object({ time: z.string(), tsa: z.string() }).nullable(),
      keyCustody: z.enum(['platform', 'signer']).nullable(),
      valid: z.boolean(),
      coversWholeDocument: z.boolean(),
      level: padesLevel.nullable(),
      problems: z.array(z.string()),
    }),
  ),
  /** What each incremental update changed, and whether the certification allows it. */
  revisions: z.array(z.object({ index: z.number().int(), changes: z.array(z.string()), allowed: z.boolean() })),
  problems: z.array(z.string()),
  /**
   * Set when the file is an evidence report (出证报告) this platform issued: the contract it
   * attests, that contract file's SHA-256 as the report states it, and whether it matches the
   * `contractSha256` the request named (null when none was named).
   */
  evidence: z
    .object({ contractNumber: z.string(), contractSha256: z.string(), contractMatches: z.boolean().nullable() })
    .nullable(),
});
export type VerifyResponse = z.infer<typeof verifyResponse>;

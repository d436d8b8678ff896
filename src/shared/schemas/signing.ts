import { z } from 'zod';
import { frameworkTerms } from './contract.js';

export const signingKind = z.enum(['framework', 'renewal', 'icp_attachment', 'order_attachment']);

/** POST /signings: what Party A is about to sign, the same terms as the direct routes took. */
export const startSigningBody = z.discriminatedUnion('kind', [
  frameworkTerms.extend({ kind: z.literal('framework') }),
  // The successor of a framework agreement in force (as POST /contracts/{id}/renew took).
  frameworkTerms.extend({ kind: z.literal('renewal'), frameworkId: z.uuid() }),
  z.strictObject({
    kind: z.enum(['icp_attachment', 'order_attachment']),
    frameworkId: z.uuid(),
    // Length is checked by the operation so that 501 items get their own code, too_many_items.
    itemIds: z.array(z.uuid()).min(1).max(10_000).describe('At most 5,000 chosen; up to 10,000 answer 422 too_many_items.'),
  }),
]);
export type StartSigningBody = z.infer<typeof startSigningBody>;

/** An EC P-256 public key as WebCrypto exports it (JWK, RFC 7518 6.2.1). */
export const p256PublicJwk = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  y: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  ext: z.boolean().optional(),
  key_ops: z.array(z.string()).optional(),
});

const code = z.string().regex(/^[0-9]{6}$/, 'six digits');

export const confirmSigningBody = z.union([
  z.strictObject({ code, publicKey: p256PublicJwk }),
  z.strictObject({ code, keyCustody: z.literal('platform') }),
]);
export type ConfirmSigningBody = z.infer<typeof confirmSigningBody>;

export const completeSigningBody = z.strictObject({
  /** Base64 of the WebCrypto ECDSA-SHA256 output: r ‖ s, 64 bytes (IEEE P1363). */
  signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/).max(200),
});

export const signing = z.object({
  id: z.string(),
  kind: signingKind,
  status: z
    .enum(['awaiting_code', 'preparing', 'awaiting_signature', 'completed', 'ended'])
    .describe("`preparing`: confirmed, its contract job (an attachment above 200 items) still rendering; `awaiting_signature` with `toBeSigned` once it is prepared."),
  draftSha256: z.string(),
  confirmation: z.object({
    channel: z.enum(['email', 'email+sms']),
    destination: z.string(),
    expiresAt: z.string(),
  }),
  expiresAt: z.string(),
  number: z.string().optional(),
  keyCustody: z.enum(['signer', 'platform']).optional(),
  certificatePem: z.string().optional(),
  /** Base64 DER of the CMS signed attributes (SET OF Attribute) Party A's key signs. */
  toBeSigned: z.string().optional(),
  contractId: z.string().optional(),
});
export type Signing = z.infer<typeof signing>;
export const signingEnvelope = z.object({ signing });

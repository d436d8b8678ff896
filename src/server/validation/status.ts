/**
 * What the verifier answers. Every problem is a stable code that the API returns as is and
 * the console translates; a test asserts each one.
 */

export const verificationProblems = [
  // The file as a whole
  'not_a_pdf',
  'truncated_file',
  'malformed_pdf',
  /** Encrypted, or a stream filter the verifier does not decode. */
  'unsupported_pdf',
  'file_too_complex',
  'verification_timeout',
  'no_signature',
  'modified_after_signing',
  'modification_not_permitted',
  'party_a_signature_missing',
  'party_b_signature_missing',
  // One signature
  'malformed_signature',
  'byte_range_not_at_start',
  'byte_range_overlap',
  'byte_range_gap',
  'byte_range_beyond_eof',
  'signature_not_at_revision_end',
  'digest_mismatch',
  'signature_invalid',
  'unsupported_algorithm',
  'signing_certificate_mismatch',
  'untrusted_certificate',
  'certificate_not_valid_at_signing_time',
  'certificate_not_for_signing',
  'certificate_revoked',
  'timestamp_invalid',
  'timestamp_untrusted',
] as const;

export type VerificationProblem = (typeof verificationProblems)[number];

export type SignatureRole = 'party_a' | 'party_b' | 'document_timestamp' | 'unknown';

export type PadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

export type TimestampReport = { time: string; tsa: string };

export type SignatureReport = {
  role: SignatureRole;
  signer: string;
  /** The time a valid signature timestamp proves, else the signer's claim (/M). */
  signedAt: string | null;
  timestamp: TimestampReport | null;
  /** Who held the key: the platform for Party A's event keys (for now), unknown otherwise. */
  keyCustody: 'platform' | 'signer' | null;
  /** The signing certificate (the TSA's for a document timestamp), as the file carries it. */
  certificate: CertificateFacts | null;
  valid: boolean;
  coversWholeDocument: boolean;
  /** The PAdES baseline level this signature reaches, null if not even B-B. */
  level: PadesLevel | null;
  problems: VerificationProblem[];
};

export type CertificateFacts = { subject: string; serial: string; issuer: string; sha256: string };

export type RevisionReport = { index: number; changes: string[]; allowed: boolean };

export type VerificationResult = {
  authentic: boolean;
  /** The lowest level over the document's signatures; null if any is not even B-B. */
  level: PadesLevel | null;
  signatures: SignatureReport[];
  revisions: RevisionReport[];
  problems: VerificationProblem[];
};

export const padesOrder: PadesLevel[] = ['B-B', 'B-T', 'B-LT', 'B-LTA'];

export function lowestLevel(levels: (PadesLevel | null)[]): PadesLevel | null {
  if (levels.length === 0 || levels.some((l) => l === null)) return null;
  return padesOrder[Math.min(...levels.map((l) => padesOrder.indexOf(l as PadesLevel)))] ?? null;
}

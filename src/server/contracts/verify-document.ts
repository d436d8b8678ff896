import { eq } from 'drizzle-orm';
import { maskName } from '../../shared/ids.js';
import type { VerifyResponse } from '../../shared/schemas/contract.js';
import type { AppContext } from '../context.js';
import { contractDocuments, contracts, evidenceReports } from '../db/schema/index.js';
import { readEvidenceClaim } from '../evidence/read-evidence-claim.js';
import type { VerificationResult } from '../validation/status.js';
import { currentStatus } from './present-contract.js';

const contractColumns = { number: contracts.number, kind: contracts.kind, status: contracts.status, expiresAt: contracts.expiresAt, effectiveAt: contracts.effectiveAt };

/**
 * Signed by Party B alone, validly, and nothing else wrong: the shape of an evidence report
 * (a contract always carries Party A's signature too).
 */
function signedByPartyBAlone(result: VerificationResult): boolean {
  const signatures = result.signatures.filter((s) => s.role !== 'document_timestamp');
  return (
    signatures.length === 1 &&
    signatures[0]!.role === 'party_b' &&
    signatures[0]!.valid &&
    result.problems.every((p) => p === 'party_a_signature_missing')
  );
}

/**
 * 验真: is this file one we issued, unchanged, with valid signatures that chain to the
 * platform root, and is the contract still in force? An evidence report is recognised too:
 * Party B's valid signature over the contract hash it states, and stored here; with
 * `contractSha256` the answer says whether the report belongs to that contract file. Fails
 * closed; names are masked.
 */
export async function verifyDocument(ctx: AppContext, bytes: Buffer, options: { contractSha256?: string } = {}): Promise<VerifyResponse> {
  // The verifier's worker hashes the file too, off the request thread.
  const { result, sha256 } = await ctx.pdfVerifier.verify(bytes);
  const [known] = sha256
    ? await ctx.db.select(contractColumns).from(contractDocuments).innerJoin(contracts, eq(contracts.id, contractDocuments.contractId)).where(eq(contractDocuments.sha256, sha256))
    : [];

  let problems: string[] = [...result.problems];
  let evidence: VerifyResponse['evidence'] = null;
  let attested: typeof known | undefined;
  if (!known && sha256 && signedByPartyBAlone(result)) {
    const claim = readEvidenceClaim(bytes);
    const [stored] = claim
      ? await ctx.db
          .select({ ...contractColumns, contractSha256: evidenceReports.contractSha256 })
          .from(evidenceReports)
          .innerJoin(contracts, eq(contracts.id, evidenceReports.contractId))
          .where(eq(evidenceReports.sha256, sha256))
      : [];
    if (claim && stored && stored.contractSha256 === claim.contractSha256 && stored.number === claim.contractNumber) {
      attested = stored;
      problems = problems.filter((p) => p !== 'party_a_signature_missing');
      evidence = {
        contractNumber: claim.contractNumber,
        contractSha256: claim.contractSha256,
        contractMatches: options.contractSha256 === undefined ? null : options.contractSha256 === claim.contractSha256,
      };
    }
  }
  const issued = known ?? attested;
  // Every file this service signs is stored: valid signatures on unknown bytes mean a file we
  // never issued, so it is not authentic either.
  if (!issued && result.authentic) problems.push('not_issued_here');
  return {
    authentic: (result.authentic && Boolean(known)) || Boolean(attested),
    known: Boolean(issued),
    contract: issued ? { number: issued.number, kind: issued.kind, status: currentStatus(issued) } : null,
    level: pades(result.level),
    signatures: result.signatures.map((s) => ({
      role: s.role,
      signer: maskName(s.signer),
      signedAt: s.signedAt,
      timestamp: s.timestamp,
      keyCustody: s.keyCustody,
      valid: s.valid,
      coversWholeDocument: s.coversWholeDocument,
      level: pades(s.level),
      problems: s.problems,
    })),
    revisions: result.revisions,
    problems: [...new Set(problems)],
    evidence,
  };
}

/** The API names levels as ETSI EN 319 142-1 does. */
function pades<L extends string>(level: L | null): `PAdES-${L}` | null {
  return level ? `PAdES-${level}` : null;
}

import { eq } from 'drizzle-orm';
import { maskName } from '../../shared/ids.js';
import type { VerifyResponse } from '../../shared/schemas/contract.js';
import type { AppContext } from '../context.js';
import { contractDocuments, contracts } from '../db/schema/index.js';
import { currentStatus } from './present-contract.js';

/**
 * 验真: is this file one we issued, unchanged, with valid signatures that chain to the
 * platform root, and is the contract still in force? Fails closed; names are masked.
 */
export async function verifyDocument(ctx: AppContext, bytes: Buffer): Promise<VerifyResponse> {
  // The verifier's worker hashes the file too, off the request thread.
  const { result, sha256 } = await ctx.pdfVerifier.verify(bytes);
  const [known] = sha256
    ? await ctx.db
        .select({ number: contracts.number, kind: contracts.kind, status: contracts.status, expiresAt: contracts.expiresAt })
        .from(contractDocuments)
        .innerJoin(contracts, eq(contracts.id, contractDocuments.contractId))
        .where(eq(contractDocuments.sha256, sha256))
    : [];

  const problems: string[] = [...result.problems];
  // Every file this service signs is stored: valid signatures on unknown bytes mean a file we
  // never issued, so it is not authentic either.
  if (!known && result.authentic) problems.push('not_issued_here');
  return {
    authentic: result.authentic && Boolean(known),
    known: Boolean(known),
    contract: known ? { number: known.number, kind: known.kind, status: currentStatus(known) } : null,
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
  };
}

/** The API names levels as ETSI EN 319 142-1 does. */
function pades<L extends string>(level: L | null): `PAdES-${L}` | null {
  return level ? `PAdES-${level}` : null;
}

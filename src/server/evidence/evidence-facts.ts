import { eq } from 'drizzle-orm';
import { readChain } from '../audit/read-chain.js';
import type { AppContext } from '../context.js';
import { readDocument } from '../contracts/contract-document.js';
import { type contracts, signings } from '../db/schema/index.js';
import type { EvidenceEvent, EvidenceReportInput, EvidenceSignature } from '../pdf/render-evidence-report.js';
import type { SignatureReport } from '../validation/status.js';

type ContractRow = typeof contracts.$inferSelect;

/**
 * Who held the signing key. The verifier reads it from the certificate (its policy OIDs);
 * a Party A signature it cannot place counts as platform-held, never silently as the
 * signer's. The one place to adjust when custody policies change.
 */
export function keyCustodyOf(s: Pick<SignatureReport, 'role' | 'keyCustody'>): EvidenceSignature['keyCustody'] {
  if (s.role === 'party_a') return s.keyCustody ?? 'platform';
  if (s.role === 'party_b') return 'platform';
  return null;
}

function details(e: { action: string; ip: string | null; userAgent: string | null; data: unknown }): string {
  const data = e.data && typeof e.data === 'object' ? Object.entries(e.data as Record<string, unknown>) : [];
  const parts = data.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  // A confirmation's network origin is part of what it proves.
  if (e.action.startsWith('signing.')) {
    if (e.ip) parts.push(`ip=${e.ip}`);
    if (e.userAgent) parts.push(`userAgent=${e.userAgent}`);
  }
  return parts.join('; ');
}

const hex = (fingerprint: string) => fingerprint.replaceAll(':', '').toLowerCase();

/**
 * What an evidence report states about a contract: the stored file's hash and its signatures
 * as the verifier reads them from the file itself, and the contract's audit events.
 */
export async function evidenceFacts(ctx: AppContext, contract: ContractRow): Promise<{ input: EvidenceReportInput; lastEventSeq: number }> {
  const bytes = await readDocument(ctx.db, contract.id);
  const [{ result }, chain, signing] = await Promise.all([
    ctx.pdfVerifier.verify(bytes),
    readChain(ctx.db, contract.accountId),
    ctx.db.select({ id: signings.id }).from(signings).where(eq(signings.contractId, contract.id)),
  ]);
  // The contract's own events, and those of the signing (意愿认证) it completed.
  const signingIds = new Set(signing.map((s) => s.id));
  const events = chain.events.filter(
    (e) => (e.subjectType === 'contract' && e.subjectId === contract.id) || (e.subjectType === 'signing' && signingIds.has(e.subjectId)),
  );
  const listed: EvidenceEvent[] = events.map((e) => ({
    seq: e.seq,
    action: e.action,
    actorRole: e.actorRole,
    at: e.at.toISOString(),
    hash: e.hash,
    details: details(e),
  }));
  const signatures: EvidenceSignature[] = result.signatures.map((s) => ({
    role: s.role,
    signer: s.signer,
    certificate: s.certificate,
    timestamp: s.timestamp,
    keyCustody: keyCustodyOf(s),
    valid: s.valid,
  }));
  return {
    input: {
      contract: {
        number: contract.number,
        kind: contract.kind,
        partyA: contract.partyA.name,
        partyB: contract.partyB.name,
        effectiveAt: contract.effectiveAt.toISOString(),
        expiresAt: contract.expiresAt.toISOString(),
        sha256: contract.sha256,
        bytes: bytes.length,
      },
      signatures,
      events: listed,
      chainValid: chain.chainValid,
      rootSha256: hex(ctx.pki.root.cert.fingerprint256),
      verifyUrl: `${ctx.config.publicUrl}/verify`,
      generatedAt: new Date().toISOString(),
    },
    lastEventSeq: events.at(-1)?.seq ?? 0,
  };
}

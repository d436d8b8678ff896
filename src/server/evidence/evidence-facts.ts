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

const channelText: Record<string, string> = { email: '邮件 e-mail', 'email+sms': '邮件和短信 e-mail and SMS' };

/** A willingness confirmation as the report states it: where the code went, when, from where. */
function confirmationDetails(data: Record<string, unknown>, e: { ip: string | null; userAgent: string | null }): string[] {
  const d = data.destinations as { email?: string; sms?: string } | undefined;
  return [
    typeof data.channel === 'string' ? `渠道=${channelText[data.channel] ?? data.channel}` : null,
    d ? `发送至=${[d.email, d.sms].filter(Boolean).join('、')}` : null,
    typeof data.confirmedAt === 'string' ? `确认时间=${data.confirmedAt}` : null,
    typeof data.keyCustody === 'string' ? `密钥保管=${data.keyCustody === 'signer' ? '签署人持有' : '托管密钥（平台持有）'}` : null,
    typeof data.number === 'string' ? `合同编号=${data.number}` : null,
    typeof data.draftSha256 === 'string' ? `待签文件SHA-256=${data.draftSha256}` : null,
    `IP=${e.ip ?? '—'}`,
    `UA=${e.userAgent ?? '—'}`,
  ].filter((p): p is string => p !== null);
}

function details(e: { action: string; ip: string | null; userAgent: string | null; data: unknown }): string {
  const data = e.data && typeof e.data === 'object' ? (e.data as Record<string, unknown>) : {};
  // A confirmation's network origin is part of what it proves.
  if (e.action === 'signing.confirmed') return confirmationDetails(data, e).join('; ');
  const parts = Object.entries(data).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  if (e.action.startsWith('signing.')) {
    if (e.ip) parts.push(`IP=${e.ip}`);
    if (e.userAgent) parts.push(`UA=${e.userAgent}`);
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

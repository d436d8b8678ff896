import type { SessionUser } from '../auth/sessions.js';
import type { Database } from '../db/client.js';
import { readChain } from '../audit/read-chain.js';
import { loadContract } from './load-contract.js';

/** The contract's own events, and whether its account's whole chain is intact. */
export async function contractAudit(db: Database, options: { contractId: string; viewer: Pick<SessionUser, 'role' | 'accountId'> }) {
  const contract = await loadContract(db, options.contractId, options.viewer);
  const { events, chainValid } = await readChain(db, contract.accountId);
  return {
    chainValid,
    events: events
      .filter((e) => e.subjectType === 'contract' && e.subjectId === contract.id)
      .map((e) => ({
        seq: e.seq,
        action: e.action,
        actor: { role: e.actorRole, userId: e.actorUserId, email: e.actorEmail, apiKeyId: e.actorApiKeyId },
        at: e.at.toISOString(),
        data: e.data as Record<string, unknown>,
        prevHash: e.prevHash,
        hash: e.hash,
      })),
  };
}


import { asc, eq, inArray } from 'drizzle-orm';
import type { StampingRequest } from '../../shared/schemas/stamping.js';
import type { Carrier } from '../../shared/ids.js';
import type { Database } from '../db/client.js';
import { contracts, stampingHistory, stampingRequestContracts, stampingRequests, stampingReturnAddresses, users } from '../db/schema/index.js';

type RequestRow = typeof stampingRequests.$inferSelect;

/** The requests with their contracts, return address and history, in as many queries as tables. */
export async function presentRequests(db: Database, rows: RequestRow[]): Promise<StampingRequest[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [links, addresses, history] = await Promise.all([
    db
      .select({
        requestId: stampingRequestContracts.requestId,
        copies: stampingRequestContracts.copies,
        // The columns shown, not the row: its JSONB snapshots cost more to decode than the rest.
        contract: { id: contracts.id, number: contracts.number, kind: contracts.kind, partyAName: contracts.partyAName },
      })
      .from(stampingRequestContracts)
      .innerJoin(contracts, eq(contracts.id, stampingRequestContracts.contractId))
      .where(inArray(stampingRequestContracts.requestId, ids))
      .orderBy(asc(contracts.number)),
    db.select().from(stampingReturnAddresses).where(inArray(stampingReturnAddresses.requestId, ids)),
    db
      .select({ history: stampingHistory, actorEmail: users.email })
      .from(stampingHistory)
      .leftJoin(users, eq(users.id, stampingHistory.actorUserId))
      .where(inArray(stampingHistory.requestId, ids))
      .orderBy(asc(stampingHistory.at)),
  ]);
  return rows.map((r) => {
    const own = links.filter((l) => l.requestId === r.id);
    const { requestId: _, ...address } = addresses.find((a) => a.requestId === r.id)!;
    return {
      id: r.id,
      number: r.number,
      status: r.status,
      accountId: r.accountId,
      partyAName: own[0]?.contract.partyAName ?? '',
      contracts: own.map((l) => ({ id: l.contract.id, number: l.contract.number, kind: l.contract.kind, copies: l.copies })),
      courier: r.carrier && r.trackingNumber ? { carrier: r.carrier as Carrier, trackingNumber: r.trackingNumber } : null,
      returnCourier: r.returnCarrier && r.returnTrackingNumber ? { carrier: r.returnCarrier as Carrier, trackingNumber: r.returnTrackingNumber } : null,
      returnAddress: address,
      rejectReason: r.rejectReason,
      history: history
        .filter(({ history: h }) => h.requestId === r.id)
        .map(({ history: h, actorEmail }) => ({
          status: h.status as StampingRequest['status'],
          kind: h.kind,
          at: h.at.toISOString(),
          actorRole: h.actorRole,
          // Staff are shown by role only: their addresses are not the customer's to see.
          actorEmail: h.actorRole === 'customer' ? actorEmail : null,
          note: h.note,
        })),
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  });
}

export async function presentRequest(db: Database, row: RequestRow): Promise<StampingRequest> {
  return (await presentRequests(db, [row]))[0]!;
}

/** The request if the caller may see it: its own account's, or any for an operator; else 404. */
export async function loadRequest(db: Database, id: string, viewer: { role: string; accountId: string | null }) {
  const [row] = await db.select().from(stampingRequests).where(eq(stampingRequests.id, id));
  if (!row || (viewer.role !== 'operator' && row.accountId !== viewer.accountId)) return null;
  return row;
}

import { and, eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { maskIdNumber } from '../../shared/ids.js';
import type { PartyA } from '../../shared/schemas/party-a.js';
import type { Database } from '../db/client.js';
import { partyAProfiles, verifications } from '../db/schema/index.js';

type Identity = typeof verifications.$inferSelect;
type Profile = typeof partyAProfiles.$inferSelect;

export function presentPartyA(identity: Identity, profile: Profile | undefined): PartyA {
  const p = profile;
  return {
    subjectType: identity.subjectType,
    name: identity.name,
    idCode: identity.creditCode ?? maskIdNumber(identity.idNumber ?? ''),
    legalRepresentative: identity.legalRepresentative,
    address: p?.address ?? null,
    contactName: p?.contactName ?? null,
    contactPhone: p?.contactPhone ?? null,
    contactEmail: p?.contactEmail ?? null,
    bankName: p?.bankName ?? null,
    bankAccount: p?.bankAccount ?? null,
    isComplete: Boolean(p?.address && p.contactName && p.contactPhone && p.contactEmail),
  };
}

/** Party A as it stands: identity from the verification, contact details from the profile. */
export async function getPartyA(db: Database, accountId: string) {
  // One query: every contract application starts here.
  const [row] = await db
    .select({ identity: verifications, profile: partyAProfiles })
    .from(verifications)
    .leftJoin(partyAProfiles, eq(partyAProfiles.accountId, verifications.accountId))
    .where(and(eq(verifications.accountId, accountId), eq(verifications.status, 'verified')))
    .limit(1);
  if (!row) throw new AppError('verification_required');
  const profile = row.profile ?? undefined;
  return { identity: row.identity, profile, partyA: presentPartyA(row.identity, profile) };
}

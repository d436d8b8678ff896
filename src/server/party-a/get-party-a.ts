import { eq } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { maskIdNumber } from '../../shared/ids.js';
import type { PartyA } from '../../shared/schemas/party-a.js';
import type { Database } from '../db/client.js';
import { partyAProfiles, type verifications } from '../db/schema/index.js';
import { getVerifiedIdentity } from '../verification/get-verification.js';

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
  const identity = await getVerifiedIdentity(db, accountId);
  if (!identity) throw new AppError('verification_required');
  const [profile] = await db.select().from(partyAProfiles).where(eq(partyAProfiles.accountId, accountId));
  return { identity, profile, partyA: presentPartyA(identity, profile) };
}

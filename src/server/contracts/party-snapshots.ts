import type { PartyB } from '../config.js';
import type { PartySnapshot } from './types.js';

export function partyBSnapshot(b: PartyB): PartySnapshot {
  return {
    subjectType: 'enterprise',
    name: b.name,
    idCode: b.creditCode,
    legalRepresentative: b.legalRepresentative,
    address: b.address,
    contactName: b.contactName,
    contactPhone: b.contactPhone,
    contactEmail: b.contactEmail,
    bankName: b.bankName,
    bankAccount: b.bankAccount,
  };
}

/** The printable Party A: every field present once Party A information is complete. */
export function printablePartyA(a: PartySnapshot) {
  return {
    ...a,
    address: a.address ?? '',
    contactName: a.contactName ?? '',
    contactPhone: a.contactPhone ?? '',
    contactEmail: a.contactEmail ?? '',
  };
}

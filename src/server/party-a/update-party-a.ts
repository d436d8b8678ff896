import { AppError } from '../../shared/errors.js';
import { normalizeText } from '../../shared/ids.js';
import type { PartyAUpdateBody } from '../../shared/schemas/party-a.js';
import { appendEvent } from '../audit/append-event.js';
import type { Actor } from '../audit/events.js';
import type { AppContext } from '../context.js';
import { partyAProfiles } from '../db/schema/index.js';
import { getPartyA, presentPartyA } from './get-party-a.js';

const editableFields = ['address', 'contactName', 'contactPhone', 'contactEmail', 'bankName', 'bankAccount'] as const;

export async function updatePartyA(ctx: AppContext, options: { accountId: string; body: PartyAUpdateBody; actor: Actor }) {
  const { body, accountId } = options;
  const { identity, profile } = await getPartyA(ctx.db, accountId);

  // Party A's identity is the verified one; a request may repeat it but never change it.
  const mismatches: string[] = [];
  if (body.name !== undefined && normalizeText(body.name) !== identity.name) mismatches.push('name');
  if (body.creditCode !== undefined && body.creditCode !== identity.creditCode) mismatches.push('creditCode');
  if (body.idNumber !== undefined && body.idNumber !== identity.idNumber) mismatches.push('idNumber');
  if (mismatches.length)
    throw new AppError('party_a_mismatch', undefined, {
      errors: mismatches.map((path) => ({ path, message: 'must equal the verified identity' })),
    });

  const values = {
    address: body.address,
    contactName: body.contactName,
    contactPhone: body.contactPhone.replace(/\s+/g, ''),
    contactEmail: body.contactEmail.toLowerCase(),
    bankName: body.bankName || null,
    bankAccount: body.bankAccount?.replace(/[\s-]/g, '') || null,
  };
  const changed = editableFields.filter((f) => (profile?.[f] ?? null) !== values[f]);

  const saved = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(partyAProfiles)
      .values({ accountId, ...values, updatedAt: new Date() })
      .onConflictDoUpdate({ target: partyAProfiles.accountId, set: { ...values, updatedAt: new Date() } })
      .returning();
    if (changed.length)
      await appendEvent(tx, {
        accountId,
        actor: options.actor,
        action: 'party_a.updated',
        subject: { type: 'party_a', id: accountId },
        data: { fields: changed },
      });
    return row!;
  });
  return presentPartyA(identity, saved);
}

import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { memberships, orgRoles } from '../db/schema/index.js';
import { builtInRoleNames, organisationName } from './roles.js';

/** The organisations a user belongs to, with the role held in each (the top bar's switcher). */
export async function listOrganisations(db: Database, userId: string) {
  const rows = await db
    .select({ accountId: memberships.accountId, role: memberships.role, customName: orgRoles.name })
    .from(memberships)
    .leftJoin(orgRoles, eq(orgRoles.id, memberships.customRoleId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt));
  return Promise.all(
    rows.map(async (r) => ({
      id: r.accountId,
      name: await organisationName(db, r.accountId),
      role: r.role ? builtInRoleNames[r.role] : (r.customName ?? ''),
    })),
  );
}

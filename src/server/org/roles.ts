import { and, desc, eq, inArray } from 'drizzle-orm';
import { AppError } from '../../shared/errors.js';
import { type BuiltInRole, builtInRolePermissions, builtInRoles, type CustomerAction, isCustomerAction } from '../../shared/permissions.js';
import type { RoleInfo } from '../../shared/schemas/org.js';
import type { Database } from '../db/client.js';
import { orgRoles, verifications } from '../db/schema/index.js';

export const builtInRoleNames: Record<BuiltInRole, string> = { owner: '所有者', admin: '管理员', finance: '财务', legal: '法务', viewer: '只读' };

const isBuiltIn = (r: string): r is BuiltInRole => (builtInRoles as readonly string[]).includes(r);

export const builtInRoleInfo = (r: BuiltInRole): RoleInfo => ({ id: r, name: builtInRoleNames[r], isBuiltIn: true, permissions: [...builtInRolePermissions[r]] });

/** The built-in roles and the organisation's custom ones. */
export async function listRoles(db: Database, accountId: string): Promise<RoleInfo[]> {
  const custom = await db.select().from(orgRoles).where(eq(orgRoles.accountId, accountId)).orderBy(orgRoles.createdAt);
  return [
    ...builtInRoles.map(builtInRoleInfo),
    ...custom.map((c) => ({ id: c.id, name: c.name, isBuiltIn: false, permissions: c.permissions.filter(isCustomerAction) })),
  ];
}

/** Resolves a role reference of a request (a built-in name or a custom role's id) within the organisation. */
export async function resolveRole(
  db: Database,
  accountId: string,
  ref: string,
): Promise<{ role: BuiltInRole | null; customRoleId: string | null; info: RoleInfo }> {
  if (isBuiltIn(ref)) return { role: ref, customRoleId: null, info: builtInRoleInfo(ref) };
  const [row] = await db
    .select()
    .from(orgRoles)
    .where(and(eq(orgRoles.id, ref), eq(orgRoles.accountId, accountId)))
    .limit(1);
  if (!row) throw new AppError('validation_failed', 'No such role in this organisation', { errors: [{ path: 'role', message: 'unknown role' }] });
  return { role: null, customRoleId: row.id, info: { id: row.id, name: row.name, isBuiltIn: false, permissions: row.permissions.filter(isCustomerAction) } };
}

/** RoleInfo of stored (role, customRoleId) pairs, custom roles read in one query. */
export async function roleInfos(db: Database, rows: { role: string | null; customRoleId: string | null }[]): Promise<(r: { role: string | null; customRoleId: string | null }) => RoleInfo> {
  const ids = [...new Set(rows.map((r) => r.customRoleId).filter((id): id is string => Boolean(id)))];
  const custom = ids.length ? await db.select().from(orgRoles).where(inArray(orgRoles.id, ids)) : [];
  const byId = new Map(custom.map((c) => [c.id, { id: c.id, name: c.name, isBuiltIn: false, permissions: c.permissions.filter(isCustomerAction) }]));
  return (r) => (r.role && isBuiltIn(r.role) ? builtInRoleInfo(r.role) : (byId.get(r.customRoleId ?? '') ?? { id: '', name: '', isBuiltIn: false, permissions: [] }));
}

/** Refuses to hand out actions the acting member does not hold itself. */
export function assertWithin(granted: readonly CustomerAction[], held: readonly string[]) {
  const beyond = granted.filter((a) => !held.includes(a));
  if (beyond.length) throw new AppError('permission_denied', `You cannot grant what your role does not allow: ${beyond.join(', ')}`);
}

/** The organisation's display name: the verified (or latest submitted) Party A name. */
export async function organisationName(db: Database, accountId: string): Promise<string | null> {
  const [row] = await db
    .select({ name: verifications.name })
    .from(verifications)
    .where(eq(verifications.accountId, accountId))
    .orderBy(desc(verifications.createdAt))
    .limit(1);
  return row?.name ?? null;
}

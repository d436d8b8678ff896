import { z } from 'zod';
import { allActions, builtInRoles, customerActions, operatorRoles } from '../permissions.js';
import { emailSchema, registerBody } from './auth.js';

export const action = z.enum(allActions as [string, ...string[]]);
export const customerAction = z.enum(customerActions);

/** A built-in role's name, or a custom role's id. */
export const roleRef = z.union([z.enum(builtInRoles), z.uuid()]);

export const roleInfo = z.object({
  /** The built-in name, or the custom role's id. */
  id: z.string(),
  name: z.string(),
  isBuiltIn: z.boolean(),
  permissions: z.array(customerAction),
});
export type RoleInfo = z.infer<typeof roleInfo>;

export const organisationSummary = z.object({ id: z.string(), name: z.string().nullable(), role: z.string() });
export type OrganisationSummary = z.infer<typeof organisationSummary>;

export const orgResponse = z.object({
  org: z.object({ id: z.string(), name: z.string().nullable() }),
  role: z.string(),
  permissions: z.array(action),
});

export const member = z.object({
  userId: z.string(),
  email: z.string(),
  role: roleInfo,
  joinedAt: z.string(),
});
export type Member = z.infer<typeof member>;

export const invitation = z.object({
  id: z.string(),
  email: z.string(),
  role: roleInfo,
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type Invitation = z.infer<typeof invitation>;

export const membersResponse = z.object({ items: z.array(member), invitations: z.array(invitation) });

export const inviteBody = z.strictObject({ email: emailSchema, role: roleRef });
export const inviteResponse = z.object({ invitation });

export const acceptInvitationBody = z.strictObject({
  password: z.string().min(10).max(128).optional(),
  acceptTerms: z.boolean().optional().describe('A new login (with `password`) agrees to the user agreement and the privacy policy, as registration does; else 422 terms_required.'),
});

export const changeRoleBody = z.strictObject({ role: roleRef });
export const memberEnvelope = z.object({ member });

export const rolesResponse = z.object({ items: z.array(roleInfo) });
export const createRoleBody = z.strictObject({
  name: z.string().trim().min(1).max(40),
  permissions: z.array(customerAction).min(1).max(customerActions.length),
});
export const roleEnvelope = z.object({ role: roleInfo });

export const apiKeyInfo = z.object({
  id: z.string(),
  name: z.string(),
  permissions: z.array(customerAction),
  createdAt: z.string(),
  createdBy: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type ApiKeyInfo = z.infer<typeof apiKeyInfo>;
export const apiKeysResponse = z.object({ items: z.array(apiKeyInfo) });
export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(60),
  permissions: z.array(customerAction).min(1).max(customerActions.length),
});
export const createApiKeyResponse = z.object({ key: apiKeyInfo, secret: z.string() });

export const switchOrgBody = z.strictObject({ accountId: z.uuid() });

export const operatorInfo = z.object({ userId: z.string(), email: z.string(), roles: z.array(z.string()) });
export const operatorsResponse = z.object({ items: z.array(operatorInfo) });
export const operatorRolesBody = z.strictObject({ roles: z.array(z.enum(operatorRoles)).max(operatorRoles.length) });
export const operatorEnvelope = z.object({ operator: operatorInfo });
export const createOperatorBody = registerBody.extend({ roles: z.array(z.enum(operatorRoles)).min(1).max(operatorRoles.length) });

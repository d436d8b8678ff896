// The actions a member, an operator or an API key may be allowed, and the built-in roles as
// sets of them. The server checks a route's declared action against these (request-context.ts);
// the console reads the same sets (GET /me) to hide or disable what a member may not do.

export const customerActions = [
  'contracts.view',
  'contracts.download',
  'framework.apply',
  'attachments.apply',
  'contracts.void',
  'stamping.request',
  'party_a.edit',
  'verification.submit',
  'members.manage',
  'api_keys.manage',
  'notifications.receive',
] as const;
export type CustomerAction = (typeof customerActions)[number];

export const operatorActions = ['verification.review', 'stamping.desk', 'contracts.admin', 'operators.manage'] as const;
export type OperatorAction = (typeof operatorActions)[number];

export type Action = CustomerAction | OperatorAction;
export const allActions: readonly Action[] = [...customerActions, ...operatorActions];

export const builtInRoles = ['owner', 'admin', 'finance', 'legal', 'viewer'] as const;
export type BuiltInRole = (typeof builtInRoles)[number];

export const builtInRolePermissions: Record<BuiltInRole, readonly CustomerAction[]> = {
  owner: customerActions,
  admin: customerActions,
  // Finance staff apply for contracts, download them and send them for stamping.
  finance: ['contracts.view', 'contracts.download', 'framework.apply', 'attachments.apply', 'stamping.request', 'notifications.receive'],
  // Legal staff keep Party A and the verification right and decide what is voided.
  legal: ['contracts.view', 'contracts.download', 'contracts.void', 'party_a.edit', 'verification.submit', 'notifications.receive'],
  viewer: ['contracts.view'],
};

export const operatorRoles = ['verification_reviewer', 'stamping_desk', 'contract_admin', 'operator_admin'] as const;
export type OperatorRole = (typeof operatorRoles)[number];

// Every operator reads any account's contracts; contracts.view/download are theirs through
// whichever role they hold.
export const operatorRolePermissions: Record<OperatorRole, readonly Action[]> = {
  verification_reviewer: ['verification.review', 'contracts.view'],
  stamping_desk: ['stamping.desk', 'contracts.view', 'contracts.download'],
  contract_admin: ['contracts.admin', 'contracts.view', 'contracts.download'],
  operator_admin: ['operators.manage', 'contracts.view'],
};

export function permissionsOfOperator(roles: readonly string[]): Action[] {
  const set = new Set<Action>();
  for (const r of roles) for (const a of operatorRolePermissions[r as OperatorRole] ?? []) set.add(a);
  return allActions.filter((a) => set.has(a));
}

export const isCustomerAction = (a: string): a is CustomerAction => (customerActions as readonly string[]).includes(a);
export const isAction = (a: string): a is Action => (allActions as readonly string[]).includes(a);

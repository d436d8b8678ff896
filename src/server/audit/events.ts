/** Every kind of state change the audit trail records. */
export type AuditAction =
  | 'user.registered'
  | 'user.logged_in'
  | 'user.logged_out'
  | 'user.password_reset_requested'
  | 'user.password_reset'
  | 'user.password_changed'
  | 'user.session_ended'
  | 'user.totp_enabled'
  | 'operator.created'
  | 'verification.submitted'
  | 'verification.approved'
  | 'verification.rejected'
  | 'verification.viewed'
  | 'party_a.updated'
  | 'contract.generated'
  | 'signing.started'
  | 'signing.code_resent'
  | 'signing.confirmed'
  | 'signing.ended'
  | 'contract.voided'
  | 'contract.terminated'
  | 'contract.expired'
  | 'contract.activated'
  | 'contract.updated'
  | 'integration.order_created'
  | 'integration.order_updated'
  | 'integration.icp_filing_created'
  | 'integration.icp_filing_updated'
  | 'certificate.revoked'
  | 'org.switched'
  | 'member.invited'
  | 'member.invitation_withdrawn'
  | 'member.joined'
  | 'member.role_changed'
  | 'member.removed'
  | 'role.created'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'operator.roles_changed'
  | `stamping.${'awaiting_shipment' | 'submitted' | 'received' | 'stamped' | 'returned' | 'completed' | 'rejected' | 'cancelled' | 'courier_changed' | 'scan_uploaded'}`;

export type Actor = {
  userId: string | null;
  /** The member's e-mail, recorded with the event: the user may later leave the organisation. */
  email?: string | null;
  /** The API key that made the request, when one did (userId is then the key's creator). */
  apiKeyId?: string | null;
  role: 'customer' | 'operator' | 'integration' | 'system';
  ip?: string | null;
  userAgent?: string | null;
};

export const systemActor: Actor = { userId: null, role: 'system' };

export type AuditEventInput = {
  /** The account whose chain the event joins; null for the platform chain. */
  accountId: string | null;
  actor: Actor;
  action: AuditAction;
  subject: { type: string; id: string };
  data?: Record<string, unknown>;
};

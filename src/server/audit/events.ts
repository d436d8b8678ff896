/** Every kind of state change the audit trail records. */
export type AuditAction =
  | 'user.registered'
  | 'user.logged_in'
  | 'user.logged_out'
  | 'operator.created'
  | 'verification.submitted'
  | 'verification.approved'
  | 'verification.rejected'
  | 'party_a.updated'
  | 'contract.generated'
  | 'signing.started'
  | 'signing.code_resent'
  | 'signing.confirmed'
  | 'signing.ended'
  | 'contract.voided'
  | 'contract.terminated'
  | 'contract.expired'
  | 'integration.order_created'
  | 'integration.order_updated'
  | 'integration.icp_filing_created'
  | 'integration.icp_filing_updated'
  | 'certificate.revoked'
  | `stamping.${'awaiting_shipment' | 'submitted' | 'received' | 'stamped' | 'returned' | 'completed' | 'rejected' | 'cancelled' | 'courier_changed' | 'scan_uploaded'}`;

export type Actor = {
  userId: string | null;
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

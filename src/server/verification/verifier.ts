import type { VerificationBody } from '../../shared/schemas/verification.js';

export type VerifierDecision = { status: 'verified' } | { status: 'pending' } | { status: 'rejected'; reason: string };

/**
 * Decides a submission whose format and check characters already passed. A third-party
 * identity service plugs in here.
 */
export type Verifier = {
  name: string;
  decide(submission: VerificationBody): Promise<VerifierDecision>;
};

/** The embedded demo's default: a well-formed identity is taken at its word. */
export const autoVerifier: Verifier = { name: 'auto', decide: async () => ({ status: 'verified' }) };

/** Every submission waits in the operator's review queue. */
export const manualVerifier: Verifier = { name: 'manual', decide: async () => ({ status: 'pending' }) };

export function verifierFor(mode: 'auto' | 'manual'): Verifier {
  return mode === 'auto' ? autoVerifier : manualVerifier;
}

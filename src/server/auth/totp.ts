import { generateSecret, generateURI, verifySync } from 'otplib';

const issuer = '契约 Qiyue';

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, email: string): string {
  return generateURI({ issuer, label: email, secret });
}

/**
 * The time step a code matches (one step of clock drift either way), or null. The caller
 * refuses a step not after the last one accepted, so that a code cannot be used twice.
 */
export function matchTotp(secret: string, code: string): number | null {
  const result = verifySync({ secret, token: code, epochTolerance: 30 });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

import { createHash, createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { mobilePhonePattern } from '../../shared/ids.js';

/** A one-time code lives 10 minutes; a prepared signature 15; 5 wrong tries end a signing. */
export const codeLifetimeMs = 10 * 60_000;
export const preparedLifetimeMs = 15 * 60_000;
export const maxWrongTries = 5;
/** A new code no sooner than a minute after the last one. */
export const resendIntervalMs = 60_000;

export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** What a code is bound to: entered anywhere else, its HMAC differs. */
export type CodeBinding = { signingId: string; accountId: string; userId: string; draftSha256: string; terms: unknown };

/**
 * HMAC-SHA256 under a key derived from the server secret (QIYUE_KEY), not argon2: a 6-digit code
 * has 20 bits, which no slow hash protects against whoever reads the table; the secret does, and
 * the 5-try limit protects against guessing through the API.
 */
export function codeHash(secret: string, binding: CodeBinding, code: string): string {
  const key = createHash('sha256').update(`qiyue signing code\0${secret}`).digest();
  const bound = JSON.stringify([binding.signingId, binding.accountId, binding.userId, binding.draftSha256, canonical(binding.terms), code]);
  return createHmac('sha256', key).update(bound).digest('hex');
}

/** JSONB keeps its own key order: the terms are hashed with their keys sorted. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}

export function isCodeRight(secret: string, binding: CodeBinding, code: string, storedHash: string): boolean {
  const a = Buffer.from(codeHash(secret, binding, code), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Where a code can go by SMS: a mainland mobile number; a landline gets the e-mail only. */
export const smsNumberOf = (phone: string | null | undefined): string | null => {
  const digits = phone?.replace(/[\s-]+/g, '') ?? '';
  return mobilePhonePattern.test(digits) ? digits : null;
};

/** The masked destinations a code went to, as the signing and its audit events record them. */
export const destinationsOf = (to: { email: string; phone: string | null }) => {
  const sms = smsNumberOf(to.phone);
  return { email: maskEmail(to.email), ...(sms ? { sms: maskPhone(sms) } : {}) };
};

/** z***@example.com */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** 138****0000 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s+/g, '');
  if (digits.length < 7) return '****';
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

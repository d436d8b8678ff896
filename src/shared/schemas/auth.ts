import { z } from 'zod';

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((e) => e.toLowerCase());

export const newPassword = z.string().min(10).max(128);

export const registerBody = z.strictObject({
  email: emailSchema,
  password: newPassword,
  // Checked by the operation (422 terms_required), so that a missing tick gets its own code.
  acceptTerms: z.boolean().optional(),
});
export type RegisterBody = z.infer<typeof registerBody>;

export const totpCode = z.string().trim().regex(/^\d{6}$/);

export const loginBody = z.strictObject({
  email: emailSchema,
  password: z.string().min(1).max(128),
  /** The second factor, once enrolled: the first call without it answers 401 totp_required. */
  totp: totpCode.optional(),
});

export const role = z.enum(['customer', 'operator']);
export type Role = z.infer<typeof role>;

export const user = z.object({ id: z.string(), email: z.string(), role });

export const authResponse = z.object({
  user,
  accountId: z.string().nullable(),
  csrfToken: z.string(),
  /** An operator without a second factor: the console sends them to enrol first. */
  totpEnrolmentRequired: z.boolean(),
});
export type AuthResponse = z.infer<typeof authResponse>;

export const verificationStatus = z.enum(['unverified', 'pending', 'verified', 'rejected']);
export type VerificationStatus = z.infer<typeof verificationStatus>;

export const meResponse = z.object({
  user: user.extend({ hasTotp: z.boolean() }),
  totpEnrolmentRequired: z.boolean(),
  account: z.object({ id: z.string(), verificationStatus }).nullable(),
  /** The member's role in the current organisation (built-in name or custom role's name); null for operators. */
  memberRole: z.string().nullable(),
  /** What the caller may do (src/shared/permissions.ts); the console hides or disables the rest. */
  permissions: z.array(z.string()),
  /** An operator's roles; empty for customers. */
  operatorRoles: z.array(z.string()),
  /** The organisations the user belongs to, for the switcher in the top bar. */
  organisations: z.array(z.object({ id: z.string(), name: z.string().nullable(), role: z.string() })),
  csrfToken: z.string(),
});
export type MeResponse = z.infer<typeof meResponse>;

export const passwordResetBody = z.strictObject({ email: emailSchema });
export const passwordResetCompleteBody = z.strictObject({ token: z.string().min(20).max(200), password: newPassword });
export const passwordChangeBody = z.strictObject({ currentPassword: z.string().min(1).max(128), newPassword });

export const sessionItem = z.object({
  id: z.string(),
  device: z.string(),
  ip: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  isCurrent: z.boolean(),
});
export type SessionItem = z.infer<typeof sessionItem>;
export const sessionList = z.object({ items: z.array(sessionItem) });

export const totpEnrolment = z.object({ secret: z.string(), otpauthUri: z.string(), qrDataUrl: z.string() });
export const totpConfirmBody = z.strictObject({ code: totpCode });

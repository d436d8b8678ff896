import { z } from 'zod';

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((e) => e.toLowerCase());

export const registerBody = z.strictObject({
  email: emailSchema,
  password: z.string().min(10).max(128),
});
export type RegisterBody = z.infer<typeof registerBody>;

export const loginBody = z.strictObject({
  email: emailSchema,
  password: z.string().min(1).max(128),
});

export const role = z.enum(['customer', 'operator']);
export type Role = z.infer<typeof role>;

export const user = z.object({ id: z.string(), email: z.string(), role });

export const authResponse = z.object({
  user,
  accountId: z.string().nullable(),
  csrfToken: z.string(),
});
export type AuthResponse = z.infer<typeof authResponse>;

export const verificationStatus = z.enum(['unverified', 'pending', 'verified', 'rejected']);
export type VerificationStatus = z.infer<typeof verificationStatus>;

export const meResponse = z.object({
  user,
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

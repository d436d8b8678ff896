import { z } from 'zod';
import { isValidContactPhone } from '../ids.js';
import { subjectType } from './verification.js';
import { humanText } from './text.js';

export const partyAUpdateBody = z.strictObject({
  address: humanText({ max: 200 }),
  contactName: humanText({ max: 50, kind: 'name' }),
  contactPhone: z
    .string()
    .trim()
    .max(30)
    .refine(isValidContactPhone, { message: 'mainland mobile (1[3-9] + 9 digits) or landline with area code' }),
  contactEmail: z.string().trim().max(254).pipe(z.email()),
  bankName: humanText({ min: 0, max: 100 }).optional(),
  bankAccount: z
    .string()
    .trim()
    .regex(/^[0-9 -]{0,40}$/, { message: 'digits only' })
    .optional(),
  // Identity fields come from the verification; a request may repeat them, but only unchanged.
  name: humanText({ max: 100, kind: 'name' }).optional(),
  creditCode: z.string().trim().max(18).toUpperCase().optional(),
  idNumber: z.string().trim().max(18).toUpperCase().optional(),
});
export type PartyAUpdateBody = z.infer<typeof partyAUpdateBody>;

export const partyA = z.object({
  subjectType,
  name: z.string(),
  /** Enterprise: the credit code; personal: the masked ID number. */
  idCode: z.string(),
  legalRepresentative: z.string().nullable(),
  address: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  contactEmail: z.string().nullable(),
  bankName: z.string().nullable(),
  bankAccount: z.string().nullable(),
  isComplete: z.boolean(),
});
export type PartyA = z.infer<typeof partyA>;

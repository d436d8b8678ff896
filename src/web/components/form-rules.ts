import type { FormInstance, FormRule as Rule } from 'antd';
import type { z } from 'zod';
import { checkCreditCode, checkResidentIdNumber } from '../../shared/ids';
import { ApiError } from '../api/client';
import type { MessageKey, Translate } from '../i18n';

// Form rules that reuse the shared zod schemas, so the console refuses what the API refuses,
// with messages from our own catalogue instead of zod's English.

function issueMessage(issue: z.core.$ZodIssue, t: Translate, customMessage?: MessageKey): string {
  switch (issue.code) {
    case 'too_small':
      return Number(issue.minimum) <= 1 ? t('validation.required') : t('validation.minLength', { min: Number(issue.minimum) });
    case 'too_big':
      return t('validation.maxLength', { max: Number(issue.maximum) });
    case 'invalid_format':
      return issue.format === 'email' ? t('validation.email') : t(customMessage ?? 'validation.invalid');
    case 'custom':
      // The only refinement of the shared text fields is the ban of invisible characters.
      return t(customMessage ?? 'validation.forbiddenChars');
    default:
      return t('validation.invalid');
  }
}

/**
 * Validates a non-empty value with a shared schema; emptiness is the `required` rule's job.
 * The schema may come from a loader, so that a page's first download (the login page's) need
 * not carry zod: it arrives with the first check.
 */
export function zodRule(schema: z.ZodType | (() => Promise<z.ZodType>), t: Translate, customMessage?: MessageKey): Rule {
  return {
    validator: async (_rule, value: unknown) => {
      if (value === undefined || value === null || value === '') return;
      const resolved = typeof schema === 'function' ? await schema() : schema;
      const result = resolved.safeParse(value);
      const issue = result.success ? undefined : result.error.issues[0];
      if (issue) throw new Error(issueMessage(issue, t, customMessage));
    },
  };
}

export const requiredRule = (t: Translate): Rule => ({ required: true, whitespace: true, message: t('validation.required') });

/** Upper-case and without blanks, as an ID number or credit code is written. */
export const normalizeCode = (value: string | undefined) => (value ?? '').replace(/\s+/g, '').toUpperCase();

/**
 * Resident ID number (GB 11643): while typing, only wrong characters are flagged; the check
 * character and birth date as soon as all 18 characters are there; the length on blur.
 */
export function idNumberRules(t: Translate): Rule[] {
  return [
    requiredRule(t),
    {
      validateTrigger: ['onChange', 'onBlur'],
      validator: async (_rule, value: string | undefined) => {
        const id = value ?? '';
        if (!/^\d{0,17}$|^\d{17}[\dX]$/.test(id)) {
          throw new Error(t(id.length > 18 ? 'validation.idNumberFormat' : 'validation.idNumberChars'));
        }
        if (id.length !== 18) return;
        const check = checkResidentIdNumber(id);
        if (!check.valid) {
          throw new Error(t(check.reason === 'birth_date' ? 'validation.idNumberBirthDate' : check.reason === 'check_char' ? 'validation.checkChar' : 'validation.idNumberFormat'));
        }
      },
    },
    {
      validateTrigger: 'onBlur',
      validator: async (_rule, value: string | undefined) => {
        if (value && value.length < 18) throw new Error(t('validation.idNumberFormat'));
      },
    },
  ];
}

/** Unified social credit code (GB 32100), checked the same way as the ID number. */
export function creditCodeRules(t: Translate): Rule[] {
  return [
    requiredRule(t),
    {
      validateTrigger: ['onChange', 'onBlur'],
      validator: async (_rule, value: string | undefined) => {
        const code = value ?? '';
        if (!/^[0-9A-HJ-NP-RTUWXY]*$/.test(code)) throw new Error(t('validation.creditCodeChars'));
        if (code.length > 18) throw new Error(t('validation.creditCodeFormat'));
        if (code.length !== 18) return;
        const check = checkCreditCode(code);
        if (!check.valid) throw new Error(t(check.reason === 'check_char' ? 'validation.checkChar' : 'validation.creditCodeFormat'));
      },
    },
    {
      validateTrigger: 'onBlur',
      validator: async (_rule, value: string | undefined) => {
        if (value && value.length < 18) throw new Error(t('validation.creditCodeFormat'));
      },
    },
  ];
}

/**
 * Shows a 400's field errors under the fields they name (paths like `/address`, `body.address`
 * or `address`); `fields` maps the API's field names to the form's. Answers whether any field
 * matched, so that the caller can fall back to a general message.
 */
export function applyFieldErrors(form: FormInstance, error: unknown, t: Translate, fields: Record<string, string>): boolean {
  if (!(error instanceof ApiError)) return false;
  const matched = error.fieldErrors
    .map((e) => fields[e.path.replace(/^\/+|^body[./]/g, '').split(/[./]/)[0] ?? ''])
    .filter((name): name is string => name !== undefined);
  if (matched.length === 0) return false;
  form.setFields([...new Set(matched)].map((name) => ({ name, errors: [t('validation.invalid')] })));
  return true;
}

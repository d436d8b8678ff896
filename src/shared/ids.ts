// Pure checks of Chinese identifiers, shared by the server and the console's forms.

const residentIdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const residentIdCheckChars = '10X98765432';

/** GB 11643-1999 check character for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * residentIdWeights[i]!;
  return residentIdCheckChars[sum % 11]!;
}

/** The birth date inside an 18-digit ID number, or null when it is not a real date. */
export function residentIdBirthDate(idNumber: string): Date | null {
  const y = Number(idNumber.slice(6, 10));
  const m = Number(idNumber.slice(10, 12));
  const d = Number(idNumber.slice(12, 14));
  if (y < 1900 || m < 1 || m > 12 || d < 1) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date;
}

export type IdCheck = { valid: true } | { valid: false; reason: 'format' | 'check_char' | 'birth_date' };

export function checkResidentIdNumber(raw: string, now: Date = new Date()): IdCheck {
  const idNumber = raw.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(idNumber)) return { valid: false, reason: 'format' };
  const birth = residentIdBirthDate(idNumber);
  if (!birth || birth.getTime() > now.getTime()) return { valid: false, reason: 'birth_date' };
  if (residentIdCheckChar(idNumber.slice(0, 17)) !== idNumber[17]) return { valid: false, reason: 'check_char' };
  return { valid: true };
}

export const isValidResidentIdNumber = (raw: string, now?: Date) => checkResidentIdNumber(raw, now).valid;

const creditCodeAlphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const creditCodeWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100-2015 check character for the first 17 characters. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += creditCodeAlphabet.indexOf(first17[i]!) * creditCodeWeights[i]!;
  return creditCodeAlphabet[(31 - (sum % 31)) % 31]!;
}

export function checkCreditCode(raw: string): IdCheck {
  const code = raw.toUpperCase();
  if (!/^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$/.test(code)) return { valid: false, reason: 'format' };
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return { valid: false, reason: 'check_char' };
  return { valid: true };
}

export const isValidCreditCode = (raw: string) => checkCreditCode(raw).valid;

/** `11010519491231002X` → `1101**********002X`: ID numbers are personal data. */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 8) return '*'.repeat(idNumber.length);
  return idNumber.slice(0, 4) + '*'.repeat(idNumber.length - 8) + idNumber.slice(-4);
}

/** `张三` → `张*`, `北京示例科技有限公司` → `北京**********司`: names shown to the public. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${chars[1]}${'*'.repeat(chars.length - 3)}${chars[chars.length - 1]}`;
}

// C0/C1 controls, zero-width characters and bidirectional overrides/isolates: they let a name
// look like another on screen and in the PDF.
const forbiddenTextChars = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A NUL byte or an unpaired surrogate: no field of any kind may store one. */
export const hasUnstorableChars = (text: string) => text.includes('\u0000') || loneSurrogate.test(text);

export function hasForbiddenChars(text: string, options: { allowNewlines?: boolean } = {}): boolean {
  const t = options.allowNewlines ? text.replace(/\r?\n/g, '') : text;
  return forbiddenTextChars.test(t) || loneSurrogate.test(t);
}

/** NFKC and trimmed, so that full-width and half-width spellings of a name compare equal. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').trim();
}

export const mobilePhonePattern = /^1[3-9]\d{9}$/;
// Area code 010, 02x or 0xxx, then 7–8 digits, optional extension.
export const landlinePattern = /^0\d{2,3}-?\d{7,8}(-\d{1,6})?$/;

export function isValidContactPhone(phone: string): boolean {
  const p = phone.replace(/\s+/g, '');
  return mobilePhonePattern.test(p) || landlinePattern.test(p);
}

// 省级简称 + ICP备 + serial + 号, and an optional site suffix: 京ICP备12345678号-1.
export const icpFilingNumberPattern = /^[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新]ICP备\d{4,10}号(-\d{1,3})?$/;

export const isValidIcpFilingNumber = (s: string) => icpFilingNumberPattern.test(s);

export const carriers = ['SF', 'EMS', 'JD', 'ZTO', 'YTO', 'STO', 'YUNDA', 'OTHER'] as const;
export type Carrier = (typeof carriers)[number];

const s10Weights = [8, 6, 4, 2, 3, 5, 9, 7];

/** UPU S10 check digit of the 8-digit serial: 11 − (Σ dᵢwᵢ mod 11), with 10 → 0 and 11 → 5. */
export function s10CheckDigit(serial: string): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(serial[i]) * s10Weights[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 0 : c === 11 ? 5 : c;
}

// Formats as the couriers publish them; `OTHER` accepts any plausible waybill.
const trackingFormats: Record<Exclude<Carrier, 'EMS'>, RegExp> = {
  SF: /^SF\d{12,13}$/,
  JD: /^JD[0-9A-Z]{11,13}$/,
  ZTO: /^(\d{12}|\d{14})$/,
  YTO: /^YT\d{13}$/,
  STO: /^[1-9]\d{11,12}$/,
  YUNDA: /^(\d{13}|\d{15})$/,
  OTHER: /^[0-9A-Z]{6,30}$/,
};

/** Trimmed, without inner spaces, upper case: how tracking numbers are stored and compared. */
export function normalizeTrackingNumber(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

export function isValidTrackingNumber(carrier: Carrier, raw: string): boolean {
  const n = normalizeTrackingNumber(raw);
  if (carrier === 'EMS') {
    if (/^\d{13}$/.test(n)) return true;
    const s10 = /^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$/.exec(n);
    return Boolean(s10 && s10CheckDigit(s10[1]!) === Number(s10[2]));
  }
  return trackingFormats[carrier].test(n);
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkCreditCode,
  checkResidentIdNumber,
  creditCodeCheckChar,
  hasForbiddenChars,
  isValidContactPhone,
  maskIdNumber,
  maskName,
  residentIdCheckChar,
} from '../../src/shared/ids.js';

const creditAlphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const digit = fc.constantFrom(...'0123456789');
const creditChar = fc.constantFrom(...creditAlphabet);

/** A real past birth date as YYYYMMDD. */
const birthDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2020-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));

const validIdNumber = fc
  .tuple(fc.array(digit, { minLength: 6, maxLength: 6 }), birthDate, fc.array(digit, { minLength: 3, maxLength: 3 }))
  .map(([area, birth, seq]) => {
    const first17 = area.join('') + birth + seq.join('');
    return first17 + residentIdCheckChar(first17);
  });

const validCreditCode = fc
  .tuple(fc.array(creditChar, { minLength: 2, maxLength: 2 }), fc.array(digit, { minLength: 6, maxLength: 6 }), fc.array(creditChar, { minLength: 9, maxLength: 9 }))
  .map(([head, region, body]) => {
    const first17 = head.join('') + region.join('') + body.join('');
    return first17 + creditCodeCheckChar(first17);
  });

describe('resident ID number (GB 11643-1999)', () => {
  it('accepts the published example', () => {
    expect(checkResidentIdNumber('11010519491231002X')).toEqual({ valid: true });
    expect(checkResidentIdNumber('11010519491231002x')).toEqual({ valid: true });
  });

  it('refuses a wrong check character, a bad format and impossible or future birth dates', () => {
    expect(checkResidentIdNumber('110105194912310021')).toEqual({ valid: false, reason: 'check_char' });
    expect(checkResidentIdNumber('11010519491231002')).toEqual({ valid: false, reason: 'format' });
    expect(checkResidentIdNumber('1101051949123100ZX')).toEqual({ valid: false, reason: 'format' });
    const feb30 = '11010519490230002';
    expect(checkResidentIdNumber(feb30 + residentIdCheckChar(feb30))).toEqual({ valid: false, reason: 'birth_date' });
    const future = '11010520991231002';
    expect(checkResidentIdNumber(future + residentIdCheckChar(future), new Date('2026-11-26'))).toEqual({ valid: false, reason: 'birth_date' });
  });

  it('accepts every number built with its check character', () => {
    fc.assert(fc.property(validIdNumber, (id) => checkResidentIdNumber(id).valid));
  });

  it('refuses every single-character change of the check character', () => {
    fc.assert(
      fc.property(validIdNumber, fc.constantFrom(...'0123456789X'), (id, c) => {
        fc.pre(c !== id[17]);
        return checkResidentIdNumber(id.slice(0, 17) + c).valid === false;
      }),
    );
  });

  it('detects any single changed digit among the first 17', () => {
    fc.assert(
      fc.property(validIdNumber, fc.integer({ min: 0, max: 16 }), digit, (id, pos, d) => {
        fc.pre(id[pos] !== d);
        const changed = id.slice(0, pos) + d + id.slice(pos + 1);
        return checkResidentIdNumber(changed).valid === false;
      }),
    );
  });
});

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts the published example', () => {
    expect(checkCreditCode('91350100M000100Y43')).toEqual({ valid: true });
  });

  it('refuses a wrong check character and letters outside the alphabet', () => {
    expect(checkCreditCode('91350100M000100Y44')).toEqual({ valid: false, reason: 'check_char' });
    expect(checkCreditCode('91350100M000100I43')).toEqual({ valid: false, reason: 'format' });
    expect(checkCreditCode('9135')).toEqual({ valid: false, reason: 'format' });
  });

  it('accepts every code built with its check character and refuses any other check character', () => {
    fc.assert(fc.property(validCreditCode, (code) => checkCreditCode(code).valid));
    fc.assert(
      fc.property(validCreditCode, creditChar, (code, c) => {
        fc.pre(c !== code[17]);
        return !checkCreditCode(code.slice(0, 17) + c).valid;
      }),
    );
  });
});

describe('masking and text hygiene', () => {
  it('masks ID numbers and names', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('福州示例云计算有限公司')).toBe('福州********司');
  });

  it('finds control, zero-width and bidi characters', () => {
    expect(hasForbiddenChars('福州示例公司')).toBe(false);
    expect(hasForbiddenChars('福州\u200b示例')).toBe(true);
    expect(hasForbiddenChars('abc\u202edef')).toBe(true);
    expect(hasForbiddenChars('a\u0000b')).toBe(true);
    expect(hasForbiddenChars('\ud800x')).toBe(true);
  });

  it('accepts mainland mobiles and landlines with area code only', () => {
    expect(isValidContactPhone('13800138000')).toBe(true);
    expect(isValidContactPhone('010-12345678')).toBe(true);
    expect(isValidContactPhone('0591-87654321-123')).toBe(true);
    expect(isValidContactPhone('12800138000')).toBe(false);
    expect(isValidContactPhone('12345678')).toBe(false);
  });
});

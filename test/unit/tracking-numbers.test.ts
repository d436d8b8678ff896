import { describe, expect, it } from 'vitest';
import { isValidTrackingNumber, normalizeTrackingNumber, s10CheckDigit } from '../../src/shared/ids.js';

describe('tracking numbers per courier', () => {
  it('computes the UPU S10 check digit (weights 8 6 4 2 3 5 9 7)', () => {
    // RR473124829GB is the example in UPU S10: serial 47312482, check digit 9.
    expect(s10CheckDigit('47312482')).toBe(9);
    expect(isValidTrackingNumber('EMS', 'RR473124829GB')).toBe(true);
    expect(isValidTrackingNumber('EMS', 'RR473124828GB')).toBe(false);
    expect(isValidTrackingNumber('EMS', '1234567890123')).toBe(true);
  });

  it('normalises before checking', () => {
    expect(normalizeTrackingNumber('  sf 1234 5678 9012 ')).toBe('SF123456789012');
    expect(isValidTrackingNumber('SF', ' sf123456789012 ')).toBe(true);
  });

  it.each([
    ['SF', 'SF123456789012', true],
    ['SF', 'SF1234567890123', true],
    ['SF', 'SF12345', false],
    ['SF', '123456789012', false],
    ['JD', 'JDVB12345678901', true],
    ['JD', 'JD123', false],
    ['ZTO', '731234567890', true],
    ['ZTO', '73123456789012', true],
    ['ZTO', '7312345678901', false],
    ['YTO', 'YT1234567890123', true],
    ['YTO', 'YT123', false],
    ['STO', '773012345678', true],
    ['STO', '012345678901', false],
    ['YUNDA', '4312345678901', true],
    ['YUNDA', '431234567890123', true],
    ['YUNDA', '43123456789012', false],
    ['OTHER', 'ABC123', true],
    ['OTHER', 'AB-12', false],
  ] as const)('%s %s → %s', (carrier, number, valid) => {
    expect(isValidTrackingNumber(carrier, number)).toBe(valid);
  });
});

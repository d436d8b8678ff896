import { describe, expect, it } from 'vitest';
import { amountInChineseCapitals, formatYuan } from '../../src/shared/money.js';

describe('amountInChineseCapitals', () => {
  it.each([
    [0, '零元整'],
    [123450, '壹仟贰佰叁拾肆元伍角整'],
    [100000000, '壹佰万元整'],
    [100405, '壹仟零肆元零伍分'],
    [1000, '壹拾元整'],
    [50, '伍角整'],
    [5, '伍分'],
    [15, '壹角伍分'],
    [10000100, '壹拾万零壹元整'],
    [1001000000, '壹仟零壹万元整'],
    [10000000100, '壹亿零壹元整'],
    [123456789012, '壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分'],
    [-250, '负贰元伍角整'],
  ])('%i fen → %s', (fen, text) => {
    expect(amountInChineseCapitals(fen)).toBe(text);
  });

  it('accepts bigint and refuses fractional fen', () => {
    expect(amountInChineseCapitals(100n)).toBe('壹元整');
    expect(() => amountInChineseCapitals(1.5)).toThrow(RangeError);
  });
});

describe('formatYuan', () => {
  it('groups thousands and keeps two decimals', () => {
    expect(formatYuan(123456789)).toBe('¥1,234,567.89');
    expect(formatYuan(5)).toBe('¥0.05');
    expect(formatYuan(-250)).toBe('-¥2.50');
  });
});

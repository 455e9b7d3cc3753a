import { describe, expect, it } from 'vitest';
import { isSeveralValues, parseDecimal } from '../../src/domain/decimal.js';

describe('one number per field: separators only as thousands grouping', () => {
  it('reads plain and grouped numbers', () => {
    expect(parseDecimal('1200.5')!.toString()).toBe('1200.5');
    expect(parseDecimal(' 1,234,567.25 ')!.toString()).toBe('1234567.25');
    // spaces are not a grouping separator (a row pasted from a sheet looks the same): refused
    expect(parseDecimal('1 234')).toBeUndefined();
    expect(parseDecimal('-3e2')!.toString()).toBe('-300');
  });
  it('never glues several values into one number', () => {
    // a column copied from Excel: 1200.5, 1500, 900 — formerly read as 1200.51500900 = 1200.515009
    expect(parseDecimal('1200.5\n1500\n900')).toBeUndefined();
    expect(parseDecimal('1200.5\t1500')).toBeUndefined();
    expect(parseDecimal('1200.5 1500')).toBeUndefined();
    // a decimal comma is not a thousands separator: refused rather than read as 12345
    expect(parseDecimal('1234,5')).toBeUndefined();
    expect(parseDecimal('12,34')).toBeUndefined();
    expect(isSeveralValues('1200.5\r\n1500')).toBe(true);
    expect(isSeveralValues(' 1200.5\n')).toBe(false);
  });
});

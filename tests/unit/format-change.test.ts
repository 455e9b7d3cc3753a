import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/domain/decimal.js';
import { formatChange } from '../../src/report/format.js';

// A change that is not zero must never read "0.00 亿元" beside a rate or a "down" colour.
describe('formatChange', () => {
  it('keeps the display unit when the change shows in it', () => {
    // 352,000,000 元 / 10⁸ = 3.52 亿元
    expect(formatChange(new Dec('352000000'), 'yi_yuan')).toBe('+3.52 亿元');
    expect(formatChange(new Dec('-16000000'), 'yi_yuan', 'en')).toBe('−0.16 10⁸ yuan');
  });

  it('falls back to 万元, then 元, when the change rounds to nothing in 亿元', () => {
    // −430,000 元: −0.0043 亿元 shows as 0.00 亿元; in 万元 it is −430,000 / 10⁴ = −43.00 万元
    expect(formatChange(new Dec('-430000'), 'yi_yuan')).toBe('−43.00 万元');
    // +40 元: 0.00 亿元 and 0.00 万元 (0.004 万元); 40.00 元
    expect(formatChange(new Dec('40'), 'yi_yuan', 'en')).toBe('+40.00 yuan');
  });

  it('adds decimals in the finest unit, up to 6', () => {
    // a rate of −0.00002 is −0.002 %: 0.00 % at two decimals, −0.002 % at three
    expect(formatChange(new Dec('-0.00002'), 'percent')).toBe('−0.002%');
    // 0.001 元 needs three decimals
    expect(formatChange(new Dec('0.001'), 'yi_yuan')).toBe('+0.001 元');
    // 10⁻⁹ 元 still rounds to nothing at 6 decimals: shown as zero, without a sign
    expect(formatChange(new Dec('1e-9'), 'yi_yuan')).toBe('0.000000 元');
  });

  it('writes zero in the display unit, unsigned', () => {
    expect(formatChange(new Dec(0), 'yi_yuan')).toBe('0.00 亿元');
    expect(formatChange(new Dec(0), 'percent')).toBe('0.00%');
    expect(formatChange(undefined, 'yi_yuan')).toBe('—');
  });
});

/**
 * Units with exact rational scales: conversions are checked as arithmetic on exact ratios and on
 * decimals, never as floating-point approximations.
 */
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/domain/decimal.js';
import {
  UnitError,
  conversionFactor,
  convertValue,
  divideUnits,
  formatUnit,
  isDimensionless,
  multiplyUnits,
  parseUnit,
  powerUnit,
  ratio,
  ratioFromDecimal,
  sameDimension,
  sameUnit,
  type Ratio,
} from '../../src/domain/units.js';

/** How many `to` one `from` is, as "num/den" (or "num" when the ratio is whole). */
const factor = (from: string, to: string): string => {
  const r: Ratio = conversionFactor(parseUnit(from), parseUnit(to));
  return r.den === 1n ? r.num.toString() : `${r.num}/${r.den}`;
};

/** Converts a decimal written as text; the result as decimal text. */
const convert = (value: string, from: string, to: string): string =>
  convertValue(new Dec(value), parseUnit(from), parseUnit(to)).toString();

describe('exact ratios', () => {
  it('reduces fractions and keeps the sign in the numerator', () => {
    expect(ratio(10000n, 15n)).toEqual({ num: 2000n, den: 3n });
    expect(ratio(3n, -6n)).toEqual({ num: -1n, den: 2n });
    expect(() => ratio(1n, 0n)).toThrow(UnitError);
  });

  it('reads decimal scales exactly', () => {
    expect(ratioFromDecimal('3.6e6')).toEqual({ num: 3600000n, den: 1n });
    expect(ratioFromDecimal('1e-3')).toEqual({ num: 1n, den: 1000n });
    expect(ratioFromDecimal('0.5')).toEqual({ num: 1n, den: 2n });
    expect(() => ratioFromDecimal('abc')).toThrow(UnitError);
  });
});

describe('area: 亩, hm², km²', () => {
  it('15 亩 = 1 hm² exactly', () => {
    expect(factor('亩', 'hm2')).toBe('1/15');
    expect(factor('hm2', '亩')).toBe('15');
    expect(convert('15', '亩', 'hm2')).toBe('1');
    expect(convert('1', 'hm2', '亩')).toBe('15');
    // 亩 = 10000/15 m² = 2000/3 m², not a rounded 666.67
    expect(factor('亩', 'm2')).toBe('2000/3');
    expect(convert('3', '亩', 'm2')).toBe('2000');
  });

  it('mu is the ASCII spelling of 亩', () => {
    expect(sameUnit(parseUnit('mu'), parseUnit('亩'))).toBe(true);
  });

  it('1 km² = 100 hm² = 1,500 亩', () => {
    expect(factor('km2', 'hm2')).toBe('100');
    expect(factor('km2', '亩')).toBe('1500');
    expect(convert('1', 'km2', 'hm2')).toBe('100');
    expect(convert('1', 'km2', '亩')).toBe('1500');
    expect(convert('1500', '亩', 'km2')).toBe('1');
    expect(convert('100', 'hm2', 'km2')).toBe('1');
  });

  it('hm² = ha = 10,000 m², written with ² or 2', () => {
    expect(sameUnit(parseUnit('hm2'), parseUnit('ha'))).toBe(true);
    expect(sameUnit(parseUnit('hm²'), parseUnit('hm2'))).toBe(true);
    expect(sameUnit(parseUnit('km²'), parseUnit('km2'))).toBe(true);
    expect(factor('hm2', 'm2')).toBe('10000');
    expect(factor('km2', 'm2')).toBe('1000000');
  });
});

describe('Chinese multipliers 万 and 亿', () => {
  it('3 万t = 30,000 t', () => {
    expect(factor('万t', 't')).toBe('10000');
    expect(convert('3', '万t', 't')).toBe('30000');
    expect(convert('30000', 't', '万t')).toBe('3');
  });

  it('2 亿m³ = 2×10⁸ m³', () => {
    expect(factor('亿m³', 'm3')).toBe('100000000');
    expect(convert('2', '亿m³', 'm3')).toBe('200000000');
    expect(convert('2', '亿m3', '万m3')).toBe('20000');
  });

  it('万元 and 亿元 are money with a scale', () => {
    expect(convert('1.5', '亿元', '万元')).toBe('15000');
    expect(convert('1', '万元', '元')).toBe('10000');
    expect(sameDimension(parseUnit('万元'), parseUnit('元'))).toBe(true);
  });

  it('a bare multiplier is not a unit', () => {
    expect(() => parseUnit('万')).toThrow(UnitError);
    expect(() => parseUnit('亿')).toThrow(UnitError);
  });
});

describe('energy, volume, mass', () => {
  it('1 kWh = 3.6 MJ', () => {
    expect(convert('1', 'kWh', 'MJ')).toBe('3.6');
    expect(convert('3.6', 'MJ', 'kWh')).toBe('1');
    expect(factor('kWh', 'J')).toBe('3600000');
    expect(factor('Wh', 'kJ')).toBe('18/5');
  });

  it('1 mm × 1 km² = 1000 m³', () => {
    const mmKm2 = multiplyUnits(parseUnit('mm'), parseUnit('km2'));
    expect(sameDimension(mmKm2, parseUnit('m3'))).toBe(true);
    expect(conversionFactor(mmKm2, parseUnit('m3'))).toEqual({ num: 1000n, den: 1n });
    expect(convertValue(new Dec(1), mmKm2, parseUnit('m3')).toString()).toBe('1000');
    // and mm × hm² = 10 m³
    expect(factor('mm*hm2', 'm3')).toBe('10');
  });

  it('1 m³ = 1000 L; 1 t = 1000 kg = 10⁶ g', () => {
    expect(factor('m3', 'L')).toBe('1000');
    expect(factor('t', 'kg')).toBe('1000');
    expect(factor('t', 'g')).toBe('1000000');
  });

  it('a density times a volume is a mass', () => {
    const mass = multiplyUnits(parseUnit('t/m3'), parseUnit('万m3'));
    expect(sameDimension(mass, parseUnit('t'))).toBe(true);
    expect(conversionFactor(mass, parseUnit('t'))).toEqual({ num: 10000n, den: 1n });
  });
});

describe('carbon and CO₂ are separate dimensions', () => {
  it('t C cannot be converted to t CO₂ (or back)', () => {
    expect(sameDimension(parseUnit('tC'), parseUnit('tCO2'))).toBe(false);
    expect(() => conversionFactor(parseUnit('tC'), parseUnit('tCO2'))).toThrow(UnitError);
    expect(() => conversionFactor(parseUnit('tC'), parseUnit('tCO2'))).toThrow(/different dimensions/);
    expect(() => convertValue(new Dec(1), parseUnit('tCO2'), parseUnit('tC'))).toThrow(UnitError);
  });

  it('neither is a plain mass', () => {
    expect(() => conversionFactor(parseUnit('tC'), parseUnit('t'))).toThrow(UnitError);
    expect(() => conversionFactor(parseUnit('tCO2'), parseUnit('t'))).toThrow(UnitError);
  });

  it('within a dimension the scales convert: 1 tC = 1000 kgC, 1 tCO₂ = 1000 kgCO₂', () => {
    expect(factor('tC', 'kgC')).toBe('1000');
    expect(factor('tCO2', 'kgCO2')).toBe('1000');
    expect(sameUnit(parseUnit('tCO₂'), parseUnit('tCO2'))).toBe(true);
  });

  it('the ratio 44/12 needs the unit tCO2/tC: t C × tCO2/tC = t CO₂', () => {
    const co2 = multiplyUnits(parseUnit('tC'), parseUnit('tCO2/tC'));
    expect(sameUnit(co2, parseUnit('tCO2'))).toBe(true);
  });

  it('a price per t C times t CO₂ is not money', () => {
    const v = multiplyUnits(parseUnit('元/tC'), parseUnit('tCO2'));
    expect(sameDimension(v, parseUnit('元'))).toBe(false);
  });
});

describe('the year a has scale 1', () => {
  it('kg/hm2/a equals kg/hm2', () => {
    expect(sameUnit(parseUnit('kg/hm2/a'), parseUnit('kg/hm2'))).toBe(true);
    expect(factor('kg/hm2/a', 'kg/hm2')).toBe('1');
    expect(factor('kg/hm2/a', 't/km2')).toBe('1/10');
  });

  it('a is dimensionless: t/(hm2*a) = t/hm2/a = t/hm2', () => {
    expect(isDimensionless(parseUnit('a'))).toBe(true);
    expect(sameUnit(parseUnit('t/(hm2*a)'), parseUnit('t/hm2/a'))).toBe(true);
    expect(sameUnit(parseUnit('t/(hm2*a)'), parseUnit('t/hm2'))).toBe(true);
  });
});

describe('dimensionless scales', () => {
  it('% is 1/100 and ‰ is 1/1000 of 1', () => {
    expect(factor('%', '1')).toBe('1/100');
    expect(factor('‰', '%')).toBe('1/10');
    expect(isDimensionless(parseUnit('%'))).toBe(true);
    expect(sameUnit(parseUnit('%'), parseUnit('1'))).toBe(false);
  });
});

describe('parsing', () => {
  it('reads products, quotients, parentheses and powers', () => {
    const r = parseUnit('MJ*mm/(hm2*h*a)');
    expect(r.dims).toEqual({ mass: 1, length: 1, time: -3 });
    expect(sameUnit(parseUnit('kJ/m²/d'), parseUnit('kJ/(m2*d)'))).toBe(true);
    expect(sameUnit(parseUnit('m^2'), parseUnit('m2'))).toBe(true);
    expect(sameUnit(parseUnit('m^-1'), divideUnits(parseUnit('1'), parseUnit('m')))).toBe(true);
    expect(sameUnit(powerUnit(parseUnit('km'), 2), parseUnit('km2'))).toBe(true);
    expect(sameUnit(parseUnit('元·m^-1'), parseUnit('元/m'))).toBe(true);
  });

  it('refuses unknown units, naming them', () => {
    expect(() => parseUnit('foo')).toThrow(UnitError);
    expect(() => parseUnit('foo')).toThrow(/unknown unit "foo"/);
    expect(() => parseUnit('元/furlong')).toThrow(/unknown unit "furlong"/);
    expect(() => parseUnit('ha2')).toThrow(UnitError); // only lengths take a 2/3 suffix
    expect(() => parseUnit('t CO2')).toThrow(UnitError);
  });

  it('refuses bad syntax', () => {
    for (const bad of ['', '   ', 'kg//m', '(kg', 'kg)', 'kg*', '/kg', 'm^x', 'kg^2.5', 'm^']) {
      expect(() => parseUnit(bad), bad).toThrow(UnitError);
    }
    expect(() => parseUnit('(kg')).toThrow(/missing "\)"/);
    expect(() => parseUnit('m^x')).toThrow(/exponent must be an integer/);
    expect(() => parseUnit('')).toThrow(/empty unit/);
  });
});

describe('formatUnit', () => {
  it('shows products with · and powers with superscripts', () => {
    expect(formatUnit(multiplyUnits(parseUnit('mm'), parseUnit('km2')))).toBe('mm·km²');
    expect(formatUnit(parseUnit('mm*hm2'))).toBe('mm·hm²');
    expect(formatUnit(parseUnit('m3'))).toBe('m³');
  });

  it('shows quotients with one slash, the denominator grouped', () => {
    expect(formatUnit(parseUnit('元/t'))).toBe('元/t');
    expect(formatUnit(parseUnit('t/(hm2*a)'))).toBe('t/(hm²·a)');
    expect(formatUnit(parseUnit('m^-1'))).toBe('1/m');
    expect(formatUnit(parseUnit('1'))).toBe('1');
  });

  it('cancels symbols that divide out', () => {
    expect(formatUnit(divideUnits(parseUnit('元*t'), parseUnit('t')))).toBe('元');
  });

  it('keeps the 2 of CO2 a subscript, not a square', () => {
    // tCO2 is t of CO₂, not t·CO squared: "tCO²" would misread as a power
    expect(formatUnit(parseUnit('tCO2'))).toMatch(/^tCO[2₂]$/);
    expect(formatUnit(parseUnit('元/tCO2'))).toMatch(/^元\/tCO[2₂]$/);
    expect(formatUnit(parseUnit('kgCO2/tC'))).toMatch(/^kgCO[2₂]\/tC$/);
  });
});

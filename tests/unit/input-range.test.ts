/**
 * Range checks of survey values (src/domain/inputs.ts): plain decimal text in the input's own unit is found within
 * the range by its form when it can be (no minus sign against a lower bound ≤ 0; fewer integer digits than the upper
 * bound has), else by comparing decimals. Either way a value is refused exactly when it is outside [lower, upper].
 */
import { describe, expect, it } from 'vitest';
import { validateRecords } from '../../src/domain/inputs.js';
import { loadSet } from '../../src/methods/resolve.js';
import { set } from './fixtures.js';

/** The fields refused when each value is given alone for `input` (a draft: other inputs may be missing). */
const refused = (s: typeof set, input: string, values: readonly string[]) =>
  values.filter(
    (v) =>
      validateRecords(s, [{ township: 'T1', year: 2021, values: { [input]: v } }], undefined, {
        allowMissing: true,
      }).issues.length > 0,
  );

describe('survey values against the input range', () => {
  it('hot_days in [0, 366] d: 366 and 0 pass, 366.0001 and 367 and −0.001 do not', () => {
    // 99.5 has 2 integer digits < 3 = the digits of 366: in range by its form; 366 and 367 are compared
    const given = ['0', '-0', '000', '7', '99.5', '0366', '366', '366.0001', '367', '1000', '-0.001', '-1'];
    expect(refused(set, 'hot_days', given)).toEqual(['366.0001', '367', '1000', '-0.001', '-1']);
  });

  it('soil_erodibility in [0, 1]: 0.9999 and 1 pass, 1.0000001 and 01.5 do not', () => {
    const given = ['0.9999', '0', '1', '1.0', '0001', '1.0000001', '01.5', '10'];
    expect(refused(set, 'soil_erodibility', given)).toEqual(['1.0000001', '01.5', '10']);
  });

  it('a range whose lower bound is above 0 compares every value: water resources in [1, 100000000] 万m³', () => {
    const minhou = loadSet('coefficients', 'minhou-2021', '2.0.0');
    const given = ['0.5', '0.999999', '1', '00000001', '5', '100000000', '100000000.000000001', '0'];
    expect(refused(minhou, 'water_resources_total', given)).toEqual([
      '0.5',
      '0.999999',
      '100000000.000000001',
      '0',
    ]);
  });

  it('a value given in another unit is converted before it is compared: 500001 hm² is refused, 5000 km² is not', () => {
    // land_area in [0, 500000] hm²; 1 km² = 100 hm², so 5000 km² = 500000 hm² (the bound) and 5000.01 km² is over
    const one = (v: string, unit?: string) =>
      validateRecords(
        set,
        [
          {
            township: 'T1',
            year: 2021,
            values: { land_area: { bare: v } },
            units: unit ? { 'land_area.bare': unit } : undefined,
          },
        ],
        undefined,
        { allowMissing: true },
      ).issues.map((i) => i.message.en);
    expect(one('500001')).toEqual(['value 500001 hm² is outside the valid range [0, 500000]']);
    expect(one('5000', 'km2')).toEqual([]);
    expect(one('5000.01', 'km2')).toEqual(['value 500001 hm² is outside the valid range [0, 500000]']);
  });
});

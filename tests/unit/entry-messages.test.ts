import { describe, expect, it } from 'vitest';
import { validateRecords } from '../../src/domain/inputs.js';
import { displayUnit } from '../../src/domain/units.js';
import { baseRawRecord, set } from './fixtures.js';

describe('validation messages name what people know', () => {
  it('a missing land class is named by its label, with the input it belongs to', () => {
    const raw = baseRawRecord();
    const areas = { ...(raw.values.land_area as Record<string, string>) };
    delete areas.forest_coniferous;
    const { issues } = validateRecords(set, [{ ...raw, values: { ...raw.values, land_area: areas } }]);
    const missing = issues.find((i) => i.field === 'land_area.forest_coniferous')!;
    expect(missing.message.zh).toBe('地类面积：缺少"针叶林"的数值（无则填 0）');
    expect(missing.message.en).toBe(
      'Area by land class: missing value for "Coniferous forest" (enter 0 if none)',
    );
    expect(missing.message.zh).not.toContain('forest_coniferous');
  });

  it('an out-of-range value gives its unit as people write it (hm², not hm2)', () => {
    const raw = baseRawRecord();
    // land_area's range is [0, 500000] hm²: 600000 hm² is out of it
    const areas = { ...(raw.values.land_area as Record<string, string>), bare: '600000' };
    const { issues } = validateRecords(set, [{ ...raw, values: { ...raw.values, land_area: areas } }]);
    const range = issues.find((i) => i.field === 'land_area.bare')!;
    expect(range.message.zh).toBe('数值 600000 hm² 超出合理范围 [0, 500000]');
  });

  it('a township is found by its Chinese or English name as well as its id', () => {
    const raw = { ...baseRawRecord('祥谦镇'), values: { gdp: '1' } };
    const towns = [{ id: 'xiangqian', names: ['祥谦镇', 'Xiangqian Town'] }];
    const { records, issues } = validateRecords(set, [raw], towns, { allowMissing: true });
    expect(issues).toEqual([]);
    expect(records[0]!.township).toBe('xiangqian');
    const unknown = validateRecords(set, [{ ...raw, township: '火星镇' }], towns, { allowMissing: true });
    expect(unknown.issues[0]!.message.zh).toBe('未知乡镇"火星镇"（可填乡镇名称或代号）');
  });

  it('units are written as people write them', () => {
    expect(displayUnit('hm2')).toBe('hm²');
    expect(displayUnit('万m3')).toBe('万m³');
    expect(displayUnit('t/(hm2*a)')).toBe('t/(hm²·a)');
    expect(displayUnit('MJ*mm/(hm2*h*a)')).toBe('MJ·mm/(hm²·h·a)');
    expect(displayUnit('tCO2')).toBe('tCO₂');
    // a chained division is written with one slash: kg/hm2/a → kg/(hm²·a)
    expect(displayUnit('kg/hm2/a')).toBe('kg/(hm²·a)');
  });

  it('in English, Chinese unit words and scales become English (never 万m³ or 人次 on an English page)', () => {
    expect(displayUnit('万m3', 'en')).toBe('10⁴ m³');
    expect(displayUnit('亿kWh', 'en')).toBe('10⁸ kWh');
    expect(displayUnit('人次', 'en')).toBe('visits');
    expect(displayUnit('万人次', 'en')).toBe('10⁴ visits');
    // per one: the denominator in the singular
    expect(displayUnit('元/人次', 'en')).toBe('yuan/visit');
    expect(displayUnit('万元/km2', 'en')).toBe('10⁴ yuan/km²');
    expect(displayUnit('亩', 'en')).toBe('mu');
    // units without Chinese are the same in both languages
    expect(displayUnit('MJ*mm/(hm2*h*a)', 'en')).toBe('MJ·mm/(hm²·h·a)');
    expect(displayUnit('tC/hm2/a', 'en')).toBe('tC/(hm²·a)');
  });
});

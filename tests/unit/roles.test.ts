/**
 * Roles, not magic ids: GEEP, green GDP, GEP/GDP and the out-of-region deduction read the inputs that
 * declare the roles gdp, pollution_cost, ecological_damage_cost, out_of_region_value and population, and
 * convert them from the unit the set declares. A set that declares them in 亿元 or in 元 gives the same
 * figures as gep-functional (万元).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { accountTownship, aggregateRegion } from '../../src/domain/accounting.js';
import { formatIssue, validateRecords, type RawRecord } from '../../src/domain/inputs.js';
import type { CompiledSet } from '../../src/domain/model.js';
import { roleInput } from '../../src/domain/roles.js';
import { loadSet } from '../../src/methods/resolve.js';
import { geepRows } from '../../src/report/geep-table.js';
import { scopeFigures } from '../../src/report/scope-figures.js';
import { baseRawRecord, set as wanSet } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'gep-roles-'));
cpSync('coefficients', dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A set deriving from gep-functional that redeclares the four monetary inputs in `unit`. */
function derived(id: string, unit: string, body = ''): CompiledSet {
  const input = (iid: string, role: string) =>
    `  - { id: ${iid}, labels: { zh: ${iid}, en: ${iid} }, unit: ${unit}, range: [0, 1e15], department: { zh: 统计局, en: Statistics }, group: economy, role: ${role} }`;
  mkdirSync(join(dir, id), { recursive: true });
  writeFileSync(
    join(dir, id, '1.0.0.yaml'),
    [
      `id: ${id}`,
      'version: 1.0.0',
      'status: draft',
      `title: { zh: ${id}, en: ${id} }`,
      'extends: { id: gep-functional, version: 1.0.0 }',
      'inputs:',
      input('gdp', 'gdp'),
      input('pollution_cost', 'pollution_cost'),
      input('ecological_damage_cost', 'ecological_damage_cost'),
      input('out_of_region_value', 'out_of_region_value'),
      body,
    ].join('\n'),
  );
  return loadSet(dir, id);
}

/** The fixture record (万元: GDP 100,000; pollution 100; damage 50; out-of-region 100) in another unit. */
function record(values: Record<string, string>): RawRecord {
  const r = baseRawRecord('T1', 2021);
  return { ...r, values: { ...r.values, ...values } };
}

function geepOf(set: CompiledSet, raw: RawRecord) {
  const { records, issues } = validateRecords(set, [raw]);
  expect(issues.map((i) => formatIssue(i, 'en'))).toEqual([]);
  const region = aggregateRegion(records.map((r) => accountTownship(set, r, 'academic')));
  const rows = geepRows(set, region, records, (t) => t, 'total');
  return { region, county: rows.find((r) => r.isTotal)!, figures: scopeFigures(set, records) };
}

describe('GEEP and GEP/GDP do not depend on the unit a set declares its monetary inputs in', () => {
  const wan = geepOf(wanSet, record({}));
  const yi = geepOf(
    derived('units-yi', '亿元'),
    // 100,000 万元 = 10 亿元; 100 万元 = 0.01 亿元; 50 万元 = 0.005 亿元
    record({
      gdp: '10',
      pollution_cost: '0.01',
      ecological_damage_cost: '0.005',
      out_of_region_value: '0.01',
    }),
  );
  const yuan = geepOf(
    derived('units-yuan', '元'),
    record({
      gdp: '1000000000',
      pollution_cost: '1000000',
      ecological_damage_cost: '500000',
      out_of_region_value: '1000000',
    }),
  );

  it('GDP 1,000,000,000 元; green GDP = 1e9 − 1,000,000 − 500,000 = 998,500,000 元 in all three', () => {
    for (const r of [wan, yi, yuan]) {
      expect(r.county.gdp.toString()).toBe('1000000000');
      expect(r.county.pollutionCost.toString()).toBe('1000000');
      expect(r.county.ecologicalDamageCost.toString()).toBe('500000');
      expect(r.county.greenGdp.toString()).toBe('998500000');
    }
  });

  it('GEEP = green GDP + regulating value, identical; GEP/GDP = net GEP ÷ 1e9 元, identical', () => {
    const regulating = wan.region.categoryValues.regulating;
    expect(regulating.gt(0)).toBe(true);
    for (const r of [wan, yi, yuan]) {
      expect(r.county.geep.toString()).toBe(regulating.plus('998500000').toString());
      // on net GEP: the out-of-region value (a role too) converted from each unit the same
      expect(r.county.gepToGdp!.toString()).toBe(r.region.gepNet.div('1e9').toString());
      expect(r.region.gepNet.toString()).toBe(wan.region.gepNet.toString());
      expect(r.region.gep.toString()).toBe(wan.region.gep.toString());
    }
    // GEP/GDP is a ratio near 1, not in the thousands (the 亿元 set once gave GEP ÷ (10 × 10⁴))
    expect(yi.county.gepToGdp!.lt(100)).toBe(true);
  });

  it('the out-of-region deduction is 100 万元 = 0.01 亿元 = 1,000,000 元 in all three', () => {
    for (const r of [wan, yi, yuan]) {
      expect(r.region.outOfRegionDeduction.toString()).toBe('1000000');
      expect(r.region.gepNet.toString()).toBe(wan.region.gep.minus('1000000').toString());
    }
  });

  it('population (人) and area (km², from hm²) come from their roles: 50,000 人, 5,550 hm² = 55.5 km²', () => {
    for (const r of [wan, yi, yuan]) {
      expect(r.figures.population.toString()).toBe('50000');
      // 1000+800+600+500+400+300+200+700+300+100+200+400+50 = 5,550 hm²
      expect(r.figures.areaKm2.toString()).toBe('55.5');
    }
  });
});

describe('a role is checked when the set is loaded', () => {
  it('gep-functional declares the five roles on the inputs that play them', () => {
    expect(roleInput(wanSet, 'gdp')?.id).toBe('gdp');
    expect(roleInput(wanSet, 'population')?.id).toBe('resident_population');
    expect(roleInput(wanSet, 'out_of_region_value')?.id).toBe('out_of_region_value');
  });

  it('a monetary role on an input in t is refused, naming the input and the unit it needs', () => {
    mkdirSync(join(dir, 'bad-role'), { recursive: true });
    writeFileSync(
      join(dir, 'bad-role', '1.0.0.yaml'),
      [
        'id: bad-role',
        'version: 1.0.0',
        'status: draft',
        'title: { zh: 错误, en: bad }',
        'extends: { id: gep-functional, version: 1.0.0 }',
        'inputs:',
        '  - { id: gdp, labels: { zh: g, en: g }, unit: t, department: { zh: a, en: a }, group: economy, role: gdp }',
        '  - { id: gdp_again, labels: { zh: g, en: g }, unit: 元, department: { zh: a, en: a }, group: economy, role: pollution_cost }',
      ].join('\n'),
    );
    expect(() => loadSet(dir, 'bad-role')).toThrow(
      /inputs\.gdp\.role: the role "gdp" needs a unit convertible to 元/,
    );
    expect(() => loadSet(dir, 'bad-role')).toThrow(
      /the role "pollution_cost" is played by pollution_cost already/,
    );
  });
});

describe('monetary inputs accept 万亿元 (a province)', () => {
  it('GDP 0.001 万亿元 = 100,000 万元 = 1,000,000,000 元; every money input lists 元, 万元, 亿元 and 万亿元', () => {
    const gdp = wanSet.inputs.find((i) => i.id === 'gdp')!;
    expect(gdp.acceptUnits.map((u) => u.text)).toEqual(
      expect.arrayContaining(['万元', '亿元', '元', '万亿元']),
    );
    const r = record({ gdp: '0.001' });
    const { county } = geepOf(wanSet, { ...r, units: { gdp: '万亿元' } });
    expect(county.gdp.toString()).toBe('1000000000');
    expect(county.greenGdp.toString()).toBe('998500000');
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dec, ZERO, sum } from '../../src/domain/decimal.js';
import { accountEsv, landAreaFromRecord, rebasedEquivalentValue } from '../../src/domain/esv.js';
import { loadSet } from '../../src/methods/resolve.js';

const D = (x: string | number) => new Dec(x);
/** Exact decimal equality, with both figures in the failure message. */
const expectDec = (actual: Dec | undefined, expected: Dec | string) => {
  expect(actual, 'value missing').toBeDefined();
  expect(actual!.toString()).toBe(new Dec(expected).toString());
};

const esv = loadSet('coefficients', 'esv-xie-2015');
const ef = esv.equivalentFactor!;

const SERVICES = [
  'food',
  'raw_materials',
  'water_supply',
  'gas_regulation',
  'climate_regulation',
  'environmental_purification',
  'hydrological_regulation',
  'soil_conservation',
  'nutrient_cycling',
  'biodiversity',
  'aesthetic_landscape',
];

describe('Xie et al. 2015 equivalent-factor table (set esv-xie-2015)', () => {
  it('has 14 types × 11 services in 4 groups', () => {
    expect(ef.types).toHaveLength(14);
    expect(ef.services.map((s) => s.id)).toEqual(SERVICES);
    for (const t of ef.types) expect([...t.factors.keys()]).toEqual(SERVICES);
    const members = (g: string) => ef.services.filter((s) => s.group === g).map((s) => s.id);
    expect(members('supply')).toEqual(['food', 'raw_materials', 'water_supply']);
    expect(members('regulating')).toEqual([
      'gas_regulation',
      'climate_regulation',
      'environmental_purification',
      'hydrological_regulation',
    ]);
    expect(members('support')).toEqual(['soil_conservation', 'nutrient_cycling', 'biodiversity']);
    expect(members('cultural')).toEqual(['aesthetic_landscape']);
  });

  it('every row sums exactly to its printed Σ (no row differs by rounding)', () => {
    for (const t of ef.types) {
      expect(t.printedSum, `${t.id} has a printed Σ`).toBeDefined();
      const rowSum = sum(t.factors.values());
      expect(
        rowSum.eq(t.printedSum!),
        `${t.id}: Σ factors ${rowSum.toString()} vs printed ${t.printedSum!.toString()}`,
      ).toBe(true);
    }
    const printed = (id: string) => ef.types.find((t) => t.id === id)!.printedSum!;
    expectDec(printed('wetland'), '52.02');
    expectDec(printed('water_body'), '125.61');
    expectDec(printed('broadleaf'), '22.95');
    expectDec(printed('paddy'), '3.89');
  });

  it('keeps the printed signs: paddy water supply is −2.63', () => {
    const paddy = ef.types.find((t) => t.id === 'paddy')!;
    expectDec(paddy.factors.get('water_supply'), '-2.63');
    // 1.36 + 0.09 − 2.63 + 1.11 + 0.57 + 0.17 + 2.72 + 0.01 + 0.19 + 0.21 + 0.09 = 3.89
    expectDec(sum(paddy.factors.values()), '3.89');
  });

  it('maps all 13 land classes of set (a); built-up land to none', () => {
    expect(Object.fromEntries(ef.mapping)).toEqual({
      forest_broadleaf: 'broadleaf',
      forest_coniferous: 'coniferous',
      forest_mixed: 'mixed',
      bamboo: 'broadleaf',
      shrub: 'shrub',
      orchard_tea: 'shrub',
      grassland: 'shrub_grass',
      paddy: 'paddy',
      dry_farmland: 'dry_farmland',
      wetland: 'wetland',
      water: 'water_body',
      built_up: null,
      bare: 'bare_land',
    });
    expect(esv.landClasses.map((c) => c.id).sort()).toEqual([...ef.mapping.keys()].sort());
  });

  it('has the standard equivalent D = 3406.50 元/hm² (2010)', () => {
    expectDec(ef.standardValueEval([]), '3406.50');
    const p = esv.parameters.get('standard_equivalent')!;
    expect(p.unitText).toBe('元/hm2');
    expect(p.verified).toBe(true);
    expect(p.priceYear).toBe(2010);
  });
});

describe('rebased standard equivalent (1/7 of the grain value per hm²)', () => {
  it('reproduces the worked example 4600.89 × 2.28 ÷ 7 = 1498.5756 ≈ 1498.58 元/hm²', () => {
    // 4600.89 kg/hm² × 2.28 元/kg = 10490.0292 元/hm²; ÷ 7 = 1498.5756 元/hm² (exact)
    const v = rebasedEquivalentValue(D('4600.89'), D('2.28'), D(7));
    expectDec(v, D('4600.89').times('2.28').div(7));
    expectDec(v, '1498.5756');
    expect(v.toFixed(2, Dec.ROUND_HALF_UP)).toBe('1498.58');
  });

  it('refuses a zero divisor', () => {
    expect(() => rebasedEquivalentValue(D(1), D(1), ZERO)).toThrow(/divisor/);
  });

  it('set esv-xie-2015-grain computes D from its parameters, and keeps the parent table unchanged', () => {
    const grain = loadSet('coefficients', 'esv-xie-2015-grain');
    expect(grain.lineage.map((l) => l.id)).toEqual(['gep-functional', 'esv-xie-2015', 'esv-xie-2015-grain']);
    const gef = grain.equivalentFactor!;
    expect(gef.standardValue.text).toBe('grain_yield_per_hm2 * grain_price_per_kg / equivalent_divisor');
    expectDec(gef.standardValueEval([]), '1498.5756');
    // the child copies the section (the schema replaces it whole): guard against the copies drifting apart
    expect(gef.groups).toEqual(ef.groups);
    expect(gef.services).toEqual(ef.services);
    expect(gef.mapping).toEqual(ef.mapping);
    expect(gef.types.length).toBe(ef.types.length);
    gef.types.forEach((t, i) => {
      const p = ef.types[i]!;
      expect(t.id).toBe(p.id);
      expect(t.labels).toEqual(p.labels);
      expect(t.printedSum?.toString()).toBe(p.printedSum?.toString());
      expect([...t.factors].map(([k, v]) => [k, v.toString()])).toEqual(
        [...p.factors].map(([k, v]) => [k, v.toString()]),
      );
    });
  });
});

describe('accountEsv: a made-up township', () => {
  // 100 hm² broadleaf forest + 50 hm² paddy + 10 hm² water + 20 hm² built-up, D = 3406.50 元/hm²
  const areas = new Map([
    ['forest_broadleaf', D(100)],
    ['paddy', D(50)],
    ['water', D(10)],
    ['built_up', D(20)],
  ]);
  const r = accountEsv(esv, areas);
  const Dv = D('3406.50');

  it('uses D from the set', () => {
    expectDec(r.equivalentValue, Dv);
  });

  it('areas by type (in table order); built-up counted as unmapped', () => {
    expect([...r.byTypeArea.keys()]).toEqual(['paddy', 'broadleaf', 'water_body']);
    expectDec(r.byTypeArea.get('broadleaf'), '100');
    expectDec(r.byTypeArea.get('paddy'), '50');
    expectDec(r.byTypeArea.get('water_body'), '10');
    expectDec(r.unmappedAreaHm2, '20');
  });

  it('values by type: A × Σ_f E_f × D', () => {
    // broadleaf: Σ = 22.95 → 100 × 22.95 × 3406.50 = 2295 × 3406.50 = 7,817,917.5 元
    expectDec(r.byType.get('broadleaf'), D(100).times('22.95').times(Dv));
    expectDec(r.byType.get('broadleaf'), '7817917.5');
    // paddy: Σ = 3.89 → 50 × 3.89 × 3406.50 = 194.5 × 3406.50 = 662,564.25 元
    expectDec(r.byType.get('paddy'), D(50).times('3.89').times(Dv));
    expectDec(r.byType.get('paddy'), '662564.25');
    // water body: Σ = 125.61 → 10 × 125.61 × 3406.50 = 1256.1 × 3406.50 = 4,278,904.65 元
    expectDec(r.byType.get('water_body'), D(10).times('125.61').times(Dv));
    expectDec(r.byType.get('water_body'), '4278904.65');
    // built-up contributes nothing
    expect(r.byType.has('built_up')).toBe(false);
    expect([...r.byType.keys()]).toEqual(['paddy', 'broadleaf', 'water_body']);
  });

  it("paddy's water supply is a negative value", () => {
    // 50 × (−2.63) × 3406.50 = −131.5 × 3406.50 = −447,954.75 元
    const v = r.byTypeService.get('paddy')!.get('water_supply')!;
    expect(v.isNegative()).toBe(true);
    expectDec(v, D(50).times('-2.63').times(Dv));
    expectDec(v, '-447954.75');
    // a single service cell: broadleaf climate regulation 100 × 6.50 × 3406.50 = 2,214,225 元
    expectDec(r.byTypeService.get('broadleaf')!.get('climate_regulation'), '2214225');
  });

  it('total: (2295 + 194.5 + 1256.1) equivalents × 3406.50 = 3745.6 × 3406.50 = 12,759,386.4 元', () => {
    expectDec(r.total, D('2295').plus('194.5').plus('1256.1').times(Dv));
    expectDec(r.total, '12759386.4');
    expectDec(r.total, sum(r.byType.values()));
    expectDec(r.total, sum(r.byService.values()));
  });

  it('group totals add up to the total', () => {
    // supply F+R+W:   100 × 1.29 + 50 × (−1.18) + 10 × 9.32   = 129 − 59 + 93.2   = 163.2 eq → 555,940.8 元
    expectDec(r.byGroup.get('supply'), D('163.2').times(Dv));
    expectDec(r.byGroup.get('supply'), '555940.8');
    // regulating G+C+E+H: 100 × 15.34 + 50 × 4.57 + 10 × 110.85 = 1534 + 228.5 + 1108.5 = 2871 eq → 9,780,061.5 元
    expectDec(r.byGroup.get('regulating'), D('2871').times(Dv));
    expectDec(r.byGroup.get('regulating'), '9780061.5');
    // support S+N+B:  100 × 5.26 + 50 × 0.41 + 10 × 3.55 = 526 + 20.5 + 35.5 = 582 eq → 1,982,583 元
    expectDec(r.byGroup.get('support'), D('582').times(Dv));
    expectDec(r.byGroup.get('support'), '1982583');
    // cultural L:     100 × 1.06 + 50 × 0.09 + 10 × 1.89 = 106 + 4.5 + 18.9 = 129.4 eq → 440,801.1 元
    expectDec(r.byGroup.get('cultural'), D('129.4').times(Dv));
    expectDec(r.byGroup.get('cultural'), '440801.1');
    // 163.2 + 2871 + 582 + 129.4 = 3745.6 equivalents
    expectDec(sum(r.byGroup.values()), r.total);
    expect([...r.byGroup.keys()]).toEqual(['supply', 'regulating', 'support', 'cultural']);
  });

  it('per-type service values add up to the type value', () => {
    for (const [type, services] of r.byTypeService) expectDec(sum(services.values()), r.byType.get(type)!);
  });
});

describe('accountEsv: mapping edge cases', () => {
  it('two land classes mapped to one type add their areas', () => {
    // forest_broadleaf 100 + bamboo 30 → broadleaf 130 hm²; shrub 5 + orchard_tea 7 → shrub 12 hm²
    const r = accountEsv(
      esv,
      new Map([
        ['forest_broadleaf', D(100)],
        ['bamboo', D(30)],
        ['shrub', D(5)],
        ['orchard_tea', D(7)],
      ]),
    );
    expectDec(r.byTypeArea.get('broadleaf'), '130');
    expectDec(r.byTypeArea.get('shrub'), '12');
    // 130 × 22.95 × 3406.50 = 2983.5 × 3406.50 = 10,163,292.75 元
    expectDec(r.byType.get('broadleaf'), '10163292.75');
    // 12 × 15.22 × 3406.50 = 182.64 × 3406.50 = 622,163.16 元
    expectDec(r.byType.get('shrub'), '622163.16');
    expectDec(r.unmappedAreaHm2, '0');
  });

  it('only built-up land: everything 0, all area unmapped', () => {
    const r = accountEsv(esv, new Map([['built_up', D('12.5')]]));
    expectDec(r.total, '0');
    expect(r.byType.size).toBe(0);
    expectDec(r.unmappedAreaHm2, '12.5');
    for (const v of r.byGroup.values()) expectDec(v, '0');
  });

  it('refuses an unknown land class and a negative area', () => {
    expect(() => accountEsv(esv, new Map([['forest', D(1)]]))).toThrow(/land class "forest"/);
    expect(() => accountEsv(esv, new Map([['paddy', D(-1)]]))).toThrow(/negative area/);
  });

  it('throws a clear error for a set without an equivalentFactor section', () => {
    const functional = loadSet('coefficients', 'gep-functional');
    expect(() => accountEsv(functional, new Map([['paddy', D(1)]]))).toThrow(
      /gep-functional@2\.0\.0 has no equivalentFactor section/,
    );
  });

  it('reads land areas from an input record, converting to hm²', () => {
    const record = {
      township: '甘蔗街道',
      year: 2021,
      values: new Map([['land_area', new Map([['paddy', D(50)]])]]),
    };
    expectDec(landAreaFromRecord(esv, record).get('paddy'), '50');
    expect(() => landAreaFromRecord(esv, { ...record, values: new Map() })).toThrow(/no data for land_area/);
  });
});

describe('set minhou-2021', () => {
  // version 1.0.0: the sample prices CPI-adjusted by hand (2.0.0 lets the engine restate them, see prices.test.ts)
  const minhou = loadSet('coefficients', 'minhou-2021', '1.0.0');
  const overridden = [
    'grain_price',
    'vegetable_price',
    'fruit_price',
    'tea_price',
    'timber_price',
    'bamboo_price',
    'meat_price',
    'egg_price',
    'aquatic_price',
    'domestic_water_price',
    'industrial_water_price',
    'agricultural_water_price',
    'grid_electricity_price',
    'electricity_price',
    'reservoir_cost',
    'dredging_cost',
    'carbon_price',
    'oxygen_price',
    'travel_expense_per_visit',
    'time_cost_per_visit',
    'entry_fee_per_visit',
    'housing_price',
  ];

  it('loads, with lineage gep-functional → esv-xie-2015 → minhou-2021', () => {
    expect(minhou.id).toBe('minhou-2021');
    expect(minhou.status).toBe('draft');
    expect(minhou.title.zh).toBe('闽侯县2021年GEP核算参数集（示例）');
    expect(minhou.lineage).toEqual([
      { id: 'gep-functional', version: '1.0.0' },
      { id: 'esv-xie-2015', version: '1.0.0' },
      { id: 'minhou-2021', version: '1.0.0' },
    ]);
  });

  it('overridden parameters are defined in minhou-2021, as unverified 2021 samples, units unchanged', () => {
    const functional = loadSet('coefficients', 'gep-functional', '1.0.0');
    for (const id of overridden) {
      const p = minhou.parameters.get(id)!;
      expect(p, id).toBeDefined();
      expect(p.definedIn, id).toBe('minhou-2021@1.0.0');
      expect(p.verified, id).toBe(false);
      expect(p.priceYear, id).toBe(2021);
      expect(p.source, id).toContain('示例');
      expect(p.unitText, id).toBe(functional.parameters.get(id)!.unitText);
    }
    expectDec(minhou.parameters.get('electricity_price')!.value!, '0.4983');
    expectDec(minhou.parameters.get('grid_electricity_price')!.value!, '0.3932');
    expect(minhou.parameters.get('carbon_price')!.unitText).toBe('元/tC');
    // 7.06 × 692.7 / 536.1 = 9.1223 → 9.12
    expectDec(minhou.parameters.get('reservoir_cost')!.value!, '9.12');
    expect(D('7.06').times('692.7').div('536.1').toFixed(2, Dec.ROUND_HALF_UP)).toBe('9.12');
  });

  it('parameters it does not override keep their origin', () => {
    const so2 = minhou.parameters.get('so2_treatment_cost')!;
    expect(so2.definedIn).toBe('gep-functional@1.0.0');
    expect(so2.verified).toBe(true);
    expect(so2.priceYear).toBe(2010);
    expect(minhou.parameters.get('standard_equivalent')!.definedIn).toBe('esv-xie-2015@1.0.0');
  });

  it('inherits the equivalent-factor section (D = 3406.50)', () => {
    expectDec(minhou.equivalentFactor!.standardValueEval([]), '3406.50');
    expect(minhou.equivalentFactor!.types).toHaveLength(14);
  });
});

describe('a child set changes the class mapping without copying the table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gep-ef-'));
  cpSync('coefficients', dir, { recursive: true });
  const child = (body: string) => {
    mkdirSync(join(dir, 'county-esv'), { recursive: true });
    writeFileSync(
      join(dir, 'county-esv', '1.0.0.yaml'),
      `id: county-esv\nversion: 1.0.0\nstatus: draft\ntitle: { zh: 县级当量映射, en: County mapping }\n${body}`,
    );
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bamboo mapped to mixed forest instead of broadleaf: 100 hm² × 23.09 × 3406.50 元/hm²', () => {
    child(
      'extends: { id: esv-xie-2015, version: 1.0.0 }\nequivalentFactorOverrides:\n  mapping: { bamboo: mixed }\n',
    );
    const s = loadSet(dir, 'county-esv');
    expect(s.equivalentFactor!.mapping.get('bamboo')).toBe('mixed');
    expect(s.equivalentFactor!.mapping.get('forest_broadleaf')).toBe('broadleaf');
    const esv = accountEsv(s, new Map([['bamboo', new Dec(100)]]));
    // 100 × 23.09 × 3406.50 = 7,865,608.5 元
    expect(esv.total.toString()).toBe('7865608.5');
  });

  it('an override with nothing to override is refused', () => {
    child(
      'extends: { id: gep-functional, version: 1.0.0 }\nequivalentFactorOverrides:\n  mapping: { bamboo: mixed }\n',
    );
    expect(() => loadSet(dir, 'county-esv')).toThrow(/no inherited equivalentFactor/);
  });
});

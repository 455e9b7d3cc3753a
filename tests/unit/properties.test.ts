/**
 * Properties of the accounting that hold whatever the figures: proportionality to area, zero areas, the
 * county as the sum of its townships, the ledger identities, the out-of-region deduction, determinism.
 */
import { describe, expect, it } from 'vitest';
import { aggregateRegion, type TownshipAccount } from '../../src/domain/accounting.js';
import { sum } from '../../src/domain/decimal.js';
import { CATEGORIES } from '../../src/methods/schema.js';
import {
  BASE_AREAS,
  Dec,
  LAND_CLASSES,
  account,
  baseRawRecord,
  component,
  perClass,
  sig20,
  withValues,
  type LandClass,
} from './fixtures.js';

const str = (d: Dec | undefined) => {
  if (d === undefined) throw new Error('no figure');
  return d.toString();
};

/** Components whose quantity is a sum over classes of (something not depending on area) × A. */
const AREA_PROPORTIONAL = [
  'water_conservation',
  'carbon_sequestration',
  'oxygen_release',
  'pest_control',
  'climate_vegetation',
  'soil_retained',
  'flood_marshes',
];

const scaledAreas = (k: string) =>
  Object.fromEntries(LAND_CLASSES.map((c) => [c, new Dec(BASE_AREAS[c]!).times(k).toString()])) as Record<
    LandClass,
    string
  >;

describe('area proportionality', () => {
  const base = account(baseRawRecord());
  const doubled = account(withValues({ land_area: scaledAreas('2') }));

  // The fixed-point engine holds every component figure to 10⁻²⁴ of its unit: where a quotient enters (44/12 ×
  // NEP and 32/44 for carbon and oxygen, a ÷ for soil), 2 × round(x) and round(2x) may differ by one unit of
  // 10⁻²⁴ per class, so a total over n classes by n units, and a value by that times its price (here ≤ 10⁴ 元
  // per unit). Every figure is compared within 10⁻¹⁸ of its unit; the engine's stated bound is 10⁻⁶ 元.
  const close = (x: Dec | undefined, y: Dec, what: string) => {
    if (x === undefined) throw new Error('no figure');
    expect(x.minus(y).abs().lte('1e-18'), `${what}: ${x.toString()} vs ${y.toString()}`).toBe(true);
  };

  it.each(AREA_PROPORTIONAL)('doubling every land_area doubles %s (quantity, value, every class)', (id) => {
    const a = component(base, id);
    const b = component(doubled, id);
    expect(a.status).toBe('ok');
    close(b.quantity, a.quantity!.times(2), 'quantity');
    close(b.value, a.value!.times(2), 'value');
    for (const [cls, q] of a.quantityByClass!) close(b.quantityByClass!.get(cls), q.times(2), cls);
    for (const [cls, v] of a.valueByClass!) close(b.valueByClass!.get(cls), v.times(2), cls);
  });

  it('the base figures are not trivially zero', () => {
    for (const id of AREA_PROPORTIONAL) expect(component(base, id).value!.gt(0), id).toBe(true);
  });

  it('components that do not depend on area are unchanged by doubling it', () => {
    for (const id of [
      'grain',
      'flood_lakes',
      'flood_reservoirs',
      'sand_fixation',
      'recreation',
      'landscape_value',
    ])
      expect(str(component(doubled, id).value), id).toBe(str(component(base, id).value));
  });

  describe('all areas zero', () => {
    const zero = account(withValues({ land_area: perClass({}) }));
    it.each(AREA_PROPORTIONAL)('%s is zero', (id) => {
      const r = component(zero, id);
      expect(r.status).toBe('ok');
      expect(str(r.quantity)).toBe('0');
      expect(str(r.value)).toBe('0');
      for (const [cls, q] of r.quantityByClass!) expect(str(q), cls).toBe('0');
    });
    it('so are air and water purification, and the per-class parts of soil N and P', () => {
      for (const id of [
        'so2_absorbed',
        'nox_absorbed',
        'dust_retained',
        'cod_removed',
        'nh3n_removed',
        'tp_removed',
      ]) {
        expect(str(component(zero, id).quantity), id).toBe('0');
        expect(str(component(zero, id).value), id).toBe('0');
      }
      for (const id of ['nitrogen_retained', 'phosphorus_retained', 'climate_water_surface'])
        expect(str(component(zero, id).value), id).toBe('0');
    });
  });
});

/** Three townships that differ in land use, climate, emissions and output. */
function threeTownships(): TownshipAccount[] {
  const t1 = account(baseRawRecord('T1'));
  const t2 = account(
    withValues(
      {
        land_area: perClass({
          forest_coniferous: '2500',
          bamboo: '1200',
          paddy: '300',
          water: '50',
          built_up: '900',
        }),
        precipitation: '1450',
        hot_days: '160',
        so2_emission: '12.5', // binds: coniferous alone takes up 539 t
        grain_output: '345.6',
        tourist_visits: '123457',
        out_of_region_value: '37.5',
      },
      {},
      'T2',
    ),
  );
  const t3 = account(
    withValues(
      {
        land_area: perClass({
          forest_mixed: '333',
          shrub: '777',
          grassland: '99',
          wetland: '450',
          water: '610',
          bare: '12',
        }),
        lake_area: '3.7',
        cod_emission: '7', // binds
        wind_erosion_prevented: '0',
        landscape_housing_area: '250000',
        out_of_region_value: '0',
      },
      {},
      'T3',
    ),
  );
  return [t1, t2, t3];
}

describe('the county is the sum of its townships (aggregateRegion)', () => {
  const towns = threeTownships();
  const region = aggregateRegion(towns);

  it('GEP, gepNet and the out-of-region deduction', () => {
    expect(str(region.gep)).toBe(str(sum(towns.map((t) => t.gep))));
    expect(str(region.outOfRegionDeduction)).toBe(str(sum(towns.map((t) => t.outOfRegionDeduction))));
    expect(str(region.gepNet)).toBe(str(region.gep.minus(region.outOfRegionDeduction)));
    // 100 + 37.5 + 0 万元 = 137.5 万元 = 1,375,000 元
    expect(str(region.outOfRegionDeduction)).toBe('1375000');
  });

  it('each category', () => {
    for (const c of CATEGORIES)
      expect(str(region.categoryValues[c]), c).toBe(str(sum(towns.map((t) => t.categoryValues[c]))));
  });

  it('each component value and quantity', () => {
    const ids = new Set(towns.flatMap((t) => t.components.map((r) => r.component.id)));
    expect(ids.size).toBe(36);
    for (const id of ids) {
      const parts = towns.map((t) => component(t, id));
      if (parts.some((r) => r.value))
        expect(str(region.componentValues.get(id)), id).toBe(str(sum(parts.map((r) => r.value!))));
      else expect(region.componentValues.has(id), id).toBe(false);
      expect(str(region.componentQuantities.get(id)), id).toBe(str(sum(parts.map((r) => r.quantity!))));
    }
  });

  it('each product and each ecosystem type', () => {
    for (const [p, v] of region.productValues)
      expect(str(v), p).toBe(str(sum(towns.map((t) => t.productValues.get(p) ?? new Dec(0)))));
    for (const [e, v] of region.ecosystemValues)
      expect(str(v), e).toBe(str(sum(towns.map((t) => t.ecosystemValues.get(e) ?? new Dec(0)))));
  });

  it('the townships really differ (the test is not three copies of one record)', () => {
    expect(new Set(towns.map((t) => t.gep.toString())).size).toBe(3);
    expect(component(towns[1]!, 'so2_absorbed').uncapped).toBeDefined();
    expect(component(towns[2]!, 'cod_removed').uncapped).toBeDefined();
  });
});

describe('ledger identities: Σ categories = GEP = Σ products = Σ ecosystem types = Σ components', () => {
  // GEP (~10⁹–10¹⁰ 元) is held to 34 significant digits and the sums add the same parts in different groupings,
  // so they may differ at the 10⁻²⁴ 元 place: compared to 20 significant digits (and Σ categories exactly, since
  // GEP is defined as that sum).
  for (const t of threeTownships()) {
    it(`township ${t.township}`, () => {
      expect(str(sum(CATEGORIES.map((c) => t.categoryValues[c])))).toBe(str(t.gep));
      expect(sig20(sum(t.productValues.values()))).toBe(sig20(t.gep));
      expect(sig20(sum(t.ecosystemValues.values()))).toBe(sig20(t.gep));
      expect(sig20(sum(t.components.flatMap((r) => (r.value ? [r.value] : []))))).toBe(sig20(t.gep));
      expect(t.gep.gt(0)).toBe(true);
    });
  }

  it('per-class values are attributed to their land class’s ecosystem: forest = Σ forest-class values', () => {
    // broadleaf only: every per-class component's value lands in "forest", nothing in grassland
    const a = account(withValues({ land_area: perClass({ forest_broadleaf: '1000' }) }));
    expect(a.ecosystemValues.get('grassland')?.isZero() ?? true).toBe(true);
    let forestPerClass = new Dec(0);
    for (const r of a.components)
      if (r.valueByClass) forestPerClass = forestPerClass.plus(r.valueByClass.get('forest_broadleaf') ?? 0);
    let forestWhole = new Dec(0);
    for (const r of a.components)
      if (!r.valueByClass && r.value && r.component.ecosystem === 'forest')
        forestWhole = forestWhole.plus(r.value);
    expect(sig20(a.ecosystemValues.get('forest'))).toBe(sig20(forestPerClass.plus(forestWhole)));
  });
});

describe('net GEP', () => {
  it('gepNet = gep − out_of_region_value × 10⁴ (the input is in 万元): 100 万元 = 1,000,000 元', () => {
    const a = account(baseRawRecord());
    expect(str(a.outOfRegionDeduction)).toBe('1000000');
    expect(str(a.gepNet)).toBe(str(a.gep.minus('1000000')));
  });

  it('the same deduction given as 0.01 亿元', () => {
    const a = account(
      withValues({ out_of_region_value: '0.01' }, { units: { out_of_region_value: '亿元' } }),
    );
    expect(str(a.outOfRegionDeduction)).toBe('1000000');
    expect(str(a.gepNet)).toBe(str(a.gep.minus('1000000')));
  });

  it('no deduction: gepNet = gep', () => {
    const a = account(withValues({ out_of_region_value: '0' }));
    expect(str(a.gepNet)).toBe(str(a.gep));
  });
});

describe('determinism', () => {
  const figures = (a: TownshipAccount) =>
    JSON.stringify({
      gep: a.gep.toString(),
      gepNet: a.gepNet.toString(),
      categories: CATEGORIES.map((c) => a.categoryValues[c].toString()),
      products: [...a.productValues].map(([k, v]) => [k, v.toString()]),
      ecosystems: [...a.ecosystemValues].map(([k, v]) => [k, v.toString()]),
      components: a.components.map((r) => [
        r.component.id,
        r.status,
        r.quantity?.toString(),
        r.value?.toString(),
        r.uncapped?.toString(),
        [...(r.quantityByClass ?? [])].map(([k, v]) => [k, v.toString()]),
        [...(r.valueByClass ?? [])].map(([k, v]) => [k, v.toString()]),
      ]),
    });

  it('the same record accounted twice gives the same strings', () => {
    expect(figures(account(baseRawRecord()))).toBe(figures(account(baseRawRecord())));
    const [a, b] = [threeTownships(), threeTownships()];
    for (let i = 0; i < 3; i++) expect(figures(b[i]!)).toBe(figures(a[i]!));
  });
});

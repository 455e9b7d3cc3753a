/**
 * Every component of every product of set (a) (gep-functional 1.0.0), worked by hand from the reference
 * formula in /work/shared/domain/gep-methods.md §2 in its stated units, with the arithmetic in comments.
 *
 * Figures are compared exactly as strings. Where a division gives a repeating decimal (44/12, 32/44, ÷1.3,
 * ÷3600, an exp() or a non-integer power) the comparison is to 20 significant digits (sig20) and says so.
 */
import { describe, expect, it } from 'vitest';
import {
  Dec,
  account,
  baseRawRecord,
  component,
  perClass,
  set,
  sig20,
  withValues,
  type LandClass,
} from './fixtures.js';

/** The base record with only the given land classes having area (hm²), every other class 0. */
const onlyAreas = (areas: Partial<Record<LandClass, string>>, values: Record<string, unknown> = {}) =>
  withValues({ land_area: perClass(areas), ...values });

const str = (d: Dec | undefined) => {
  if (d === undefined) throw new Error('no figure');
  return d.toString();
};

describe('provisioning: market value, V = Q × P', () => {
  const acc = account(baseRawRecord());
  const cases: ReadonlyArray<[id: string, quantity: string, value: string, work: string]> = [
    ['grain', '1000', '2800000', '1000 t × 2800 元/t = 2,800,000 元'],
    ['vegetables', '2000', '6000000', '2000 t × 3000 元/t = 6,000,000 元'],
    ['fruit', '500', '2500000', '500 t × 5000 元/t = 2,500,000 元'],
    ['tea', '10', '600000', '10 t × 60,000 元/t = 600,000 元'],
    ['timber', '1000', '900000', '1000 m³ × 900 元/m³ = 900,000 元'],
    ['bamboo_material', '2000', '1200000', '2000 t × 600 元/t = 1,200,000 元'],
    ['meat', '300', '7500000', '300 t × 25,000 元/t = 7,500,000 元'],
    ['eggs', '100', '900000', '100 t × 9000 元/t = 900,000 元'],
    ['aquatic_products', '400', '6000000', '400 t × 15,000 元/t = 6,000,000 元'],
    ['water_domestic', '1000000', '2600000', '1,000,000 m³ × 2.6 元/m³ = 2,600,000 元'],
    ['water_industrial', '2000000', '7200000', '2,000,000 m³ × 3.6 元/m³ = 7,200,000 元'],
    ['water_agricultural', '5000000', '350000', '5,000,000 m³ × 0.07 元/m³ = 350,000 元'],
    ['hydropower', '10000000', '5300000', '10,000,000 kWh × 0.53 元/kWh = 5,300,000 元'],
    ['biomass_power', '1000000', '530000', '1,000,000 kWh × 0.53 元/kWh = 530,000 元'],
  ];
  it.each(cases)('%s: %s → %s 元 (%s)', (id, quantity, value) => {
    const r = component(acc, id);
    expect(r.status).toBe('ok');
    expect(str(r.quantity)).toBe(quantity);
    expect(str(r.value)).toBe(value);
    expect(r.quantityByClass).toBeUndefined();
  });

  it('product totals add their components: agricultural 2.8 + 6 + 2.5 + 0.6 = 11.9 million 元', () => {
    expect(str(acc.productValues.get('agricultural_products'))).toBe('11900000');
    // forestry 900,000 + 1,200,000; livestock 7,500,000 + 900,000; water supply 2.6 + 7.2 + 0.35 million
    expect(str(acc.productValues.get('forestry_products'))).toBe('2100000');
    expect(str(acc.productValues.get('livestock_products'))).toBe('8400000');
    expect(str(acc.productValues.get('fishery_products'))).toBe('6000000');
    expect(str(acc.productValues.get('water_supply'))).toBe('10150000');
    // hydropower 5,300,000 + biomass 530,000
    expect(str(acc.productValues.get('ecological_energy'))).toBe('5830000');
  });

  it('an output given in an accepted unit is converted: 0.1 万t of grain = 1000 t → 2,800,000 元', () => {
    const r = component(
      account(withValues({ grain_output: '0.1' }, { units: { grain_output: '万t' } })),
      'grain',
    );
    expect(str(r.quantity)).toBe('1000');
    expect(str(r.value)).toBe('2800000');
  });
});

describe('water conservation: Q = Σ (P − P·α − ET) × A, V = Q × reservoir cost', () => {
  it('broadleaf only, P 1600 mm, α 2.67 %, ET 800 mm, A 1000 hm²', () => {
    // R = 1600 mm × 2.67 % = 42.72 mm; P − R − ET = 1600 − 42.72 − 800 = 757.28 mm
    // A = 1000 hm² = 10⁷ m²; Q = 757.28 × 10⁻³ m × 10⁷ m² = 7,572,800 m³
    // V = 7,572,800 m³ × 7.06 元/m³ = 53,463,968 元
    const r = component(account(onlyAreas({ forest_broadleaf: '1000' })), 'water_conservation');
    expect(r.status).toBe('ok');
    expect(str(r.quantity)).toBe('7572800');
    expect(r.quantity!.eq(new Dec('757.28').times('1e-3').times('1e7'))).toBe(true);
    expect(str(r.value)).toBe('53463968');
  });

  it('per class: broadleaf 1000 hm² + grassland 200 hm²; paddy is not a listed class', () => {
    // broadleaf as above: 7,572,800 m³, 53,463,968 元
    // grassland: R = 1600 × 9.37 % = 149.92 mm; 1600 − 149.92 − 600 = 850.08 mm
    //   200 hm² = 2 × 10⁶ m²; Q = 0.85008 m × 2 × 10⁶ m² = 1,700,160 m³; V = 1,700,160 × 7.06 = 12,003,129.6 元
    // total Q = 9,272,960 m³; V = 9,272,960 × 7.06 = 65,467,097.6 元
    const r = component(
      account(onlyAreas({ forest_broadleaf: '1000', grassland: '200', paddy: '700' })),
      'water_conservation',
    );
    expect(str(r.quantity)).toBe('9272960');
    expect(str(r.value)).toBe('65467097.6');
    const q = r.quantityByClass!;
    const v = r.valueByClass!;
    expect([...q.keys()]).toEqual([
      'forest_broadleaf',
      'forest_coniferous',
      'forest_mixed',
      'bamboo',
      'shrub',
      'orchard_tea',
      'grassland',
    ]);
    expect(str(q.get('forest_broadleaf'))).toBe('7572800');
    expect(str(q.get('grassland'))).toBe('1700160');
    expect(str(q.get('forest_coniferous'))).toBe('0');
    expect(q.has('paddy')).toBe(false);
    expect(str(v.get('forest_broadleaf'))).toBe('53463968');
    expect(str(v.get('grassland'))).toBe('12003129.6');
    expect(r.uncapped).toBeUndefined();
  });

  it('override: an InVEST figure replaces the quantity; value = override × 7.06 元/m³', () => {
    // Q = 5,000,000 m³ (InVEST); V = 5,000,000 × 7.06 = 35,300,000 元
    const raw = withValues(
      {},
      { overrides: { water_conservation: { quantity: '5000000', source: 'InVEST' } } },
    );
    const r = component(account(raw), 'water_conservation');
    expect(r.status).toBe('ok');
    expect(str(r.quantity)).toBe('5000000');
    expect(str(r.value)).toBe('35300000');
    expect(r.override?.source).toBe('InVEST');
    expect(str(r.override?.quantity)).toBe('5000000');
  });

  it('override given in 万m³: 500 万m³ = 5,000,000 m³ → 35,300,000 元', () => {
    const raw = withValues(
      {},
      { overrides: { water_conservation: { quantity: '500', unit: '万m3', source: 'InVEST' } } },
    );
    const r = component(account(raw), 'water_conservation');
    expect(str(r.quantity)).toBe('5000000');
    expect(str(r.value)).toBe('35300000');
  });
});

describe('soil retention: RUSLE Q = R·K·LS·(1 − C·P)·A', () => {
  // R = 5000 MJ·mm/(hm²·h·a), K = 0.03 t·hm²·h/(hm²·MJ·mm) → R·K = 150 t/hm² per unit LS
  const acc = account(onlyAreas({ forest_broadleaf: '1000' }));

  it('soil retained, broadleaf 1000 hm², LS 2, C 0.006, P 1: 298,200 t; sediment value to 20 digits', () => {
    // Q = 150 × 2 × (1 − 0.006 × 1) × 1000 = 300 × 0.994 × 1000 = 298,200 t
    // V = λ × Q / ρ × c = 0.24 × 298,200 t ÷ 1.3 t/m³ × 15.58 元/m³ = 71,568 ÷ 1.3 × 15.58
    //   = 1,115,029.44 ÷ 1.3 = 55,751,472/65 = 857,714.953846153846… 元 (repeating: compared to 20 digits)
    const r = component(acc, 'soil_retained');
    expect(str(r.quantity)).toBe('298200');
    expect(sig20(r.value)).toBe('857714.95384615384615');
    expect(sig20(r.value)).toBe(sig20(new Dec('55751472').div('65')));
  });

  it('nitrogen retained: 298,200 t × 0.12 % = 357.84 t; × 875 元/t = 313,110 元', () => {
    const r = component(acc, 'nitrogen_retained');
    expect(str(r.quantity)).toBe('357.84');
    expect(str(r.value)).toBe('313110');
  });

  it('phosphorus retained: 298,200 t × 0.04 % = 119.28 t; × 2800 元/t = 333,984 元', () => {
    const r = component(acc, 'phosphorus_retained');
    expect(str(r.quantity)).toBe('119.28');
    expect(str(r.value)).toBe('333984');
  });

  it('the C·P factor per class: orchard/tea (C 0.1, P 0.5) and paddy (C 0.15, P 0.1)', () => {
    // orchard/tea 300 hm², LS 1: 150 × 1 × (1 − 0.1 × 0.5) × 300 = 150 × 0.95 × 300 = 42,750 t
    // paddy 700 hm², LS 0.5: 150 × 0.5 × (1 − 0.15 × 0.1) × 700 = 75 × 0.985 × 700 = 51,712.5 t
    // total 94,462.5 t; N = 94,462.5 × 0.0012 = 113.355 t → × 875 = 99,185.625 元
    const a = account(onlyAreas({ orchard_tea: '300', paddy: '700' }));
    const r = component(a, 'soil_retained');
    expect(str(r.quantityByClass!.get('orchard_tea'))).toBe('42750');
    expect(str(r.quantityByClass!.get('paddy'))).toBe('51712.5');
    expect(str(r.quantity)).toBe('94462.5');
    const n = component(a, 'nitrogen_retained');
    expect(str(n.quantity)).toBe('113.355');
    expect(str(n.value)).toBe('99185.625');
  });
});

describe('flood regulation: lakes + reservoirs + marshes, V = C × 7.06 元/m³', () => {
  it('lakes, A = 1 km²: C = e^6.636 × 1^0.678 × 1 万m³ (to 20 digits)', () => {
    // e^6.636 = 762.040725655043180444672… (1^0.678 = 1, T = 1) 万m³
    // C = 762.0407256550431804… × 10⁴ m³ = 7,620,407.2565504318044… m³
    // V = 7,620,407.25655043180444… × 7.06 = 53,800,075.231246048539… 元
    const r = component(account(baseRawRecord()), 'flood_lakes');
    expect(sig20(r.quantity)).toBe('7620407.2565504318044');
    expect(sig20(r.value)).toBe('53800075.231246048539');
  });

  it('lakes, A = 10 km² (and the same area given as 1000 hm²): C = e^6.636 × 10^0.678 万m³', () => {
    // 10^0.678 = 4.764309868054157017623…; e^6.636 × 10^0.678 = 3630.5981490974728416 万m³
    // C = 36,305,981.490974728416 m³ (20 digits); V = × 7.06 = 256,320,229.32628158261 元
    for (const raw of [
      withValues({ lake_area: '10' }),
      withValues({ lake_area: '1000' }, { units: { lake_area: 'hm2' } }),
    ]) {
      const r = component(account(raw), 'flood_lakes');
      expect(sig20(r.quantity)).toBe('36305981.490974728416');
      expect(sig20(r.value)).toBe('256320229.32628158261');
    }
  });

  it('reservoirs: 35 % × 1000 万m³ = 350 万m³ = 3,500,000 m³ → 24,710,000 元', () => {
    const r = component(account(baseRawRecord()), 'flood_reservoirs');
    expect(str(r.quantity)).toBe('3500000');
    expect(str(r.value)).toBe('24710000');
  });

  it('marshes: 0.3 m × 100 hm² (1 km² = 10⁶ m²) = 300,000 m³ → 2,118,000 元', () => {
    const r = component(account(onlyAreas({ wetland: '100' })), 'flood_marshes');
    expect(str(r.quantity)).toBe('300000');
    expect(str(r.value)).toBe('2118000');
    expect(str(r.quantityByClass!.get('wetland'))).toBe('300000');
  });
});

describe('windbreak and sand fixation: V = Q / (ρ × h) × c', () => {
  it('1280 t / (1.28 t/m³ × 0.1 m) = 10,000 m² × 3.75 元/m² = 37,500 元', () => {
    const r = component(account(baseRawRecord()), 'sand_fixation');
    expect(str(r.quantity)).toBe('1280');
    expect(str(r.value)).toBe('37500');
  });
});

describe('coastal protection: the seawall price is unset', () => {
  it('status not_valued: the quantity (1000 m) is still given, no value, nothing in GEP', () => {
    const acc = account(baseRawRecord());
    const r = component(acc, 'coastal_protection');
    expect(r.status).toBe('not_valued');
    expect(str(r.quantity)).toBe('1000');
    expect(r.value).toBeUndefined();
    expect(r.reason).toContain('seawall_cost');
    expect(acc.productValues.has('coastal_protection')).toBe(false);
  });
});

describe('air purification: Σ uptake × A, capped at emissions', () => {
  describe('cap not binding: broadleaf 1000 hm²', () => {
    const acc = account(onlyAreas({ forest_broadleaf: '1000' }));
    it('SO₂: 88.65 kg/hm² × 1000 hm² = 88,650 kg = 88.65 t (< 1000 t) × 1200 元/t = 106,380 元', () => {
      const r = component(acc, 'so2_absorbed');
      expect(str(r.quantity)).toBe('88.65');
      expect(str(r.value)).toBe('106380');
      expect(r.uncapped).toBeUndefined();
    });
    it('NOx: 6 kg/hm² × 1000 hm² = 6 t (< 100 t) × 630 元/t = 3,780 元', () => {
      const r = component(acc, 'nox_absorbed');
      expect(str(r.quantity)).toBe('6');
      expect(str(r.value)).toBe('3780');
      expect(r.uncapped).toBeUndefined();
    });
    it('dust: 10,110 kg/hm² × 1000 hm² = 10,110 t (< 100,000 t) × 150 元/t = 1,516,500 元', () => {
      const r = component(acc, 'dust_retained');
      expect(str(r.quantity)).toBe('10110');
      expect(str(r.value)).toBe('1516500');
      expect(r.uncapped).toBeUndefined();
    });
  });

  describe('cap binding: broadleaf 1000 hm² + coniferous 1000 hm²', () => {
    const acc = account(
      onlyAreas(
        { forest_broadleaf: '1000', forest_coniferous: '1000' },
        { so2_emission: '60.85', nox_emission: '3', dust_emission: '4331' },
      ),
    );
    it('SO₂: 88.65 + 215.6 = 304.25 t capped at 60.85 t (÷5): 17.73 + 43.12; 60.85 × 1200 = 73,020 元', () => {
      const r = component(acc, 'so2_absorbed');
      expect(str(r.uncapped)).toBe('304.25');
      expect(str(r.quantity)).toBe('60.85');
      expect(str(r.quantityByClass!.get('forest_broadleaf'))).toBe('17.73');
      expect(str(r.quantityByClass!.get('forest_coniferous'))).toBe('43.12');
      for (const cls of ['forest_mixed', 'bamboo', 'shrub'])
        expect(str(r.quantityByClass!.get(cls))).toBe('0');
      // 17.73 × 1200 = 21,276; 43.12 × 1200 = 51,744
      expect(str(r.valueByClass!.get('forest_broadleaf'))).toBe('21276');
      expect(str(r.valueByClass!.get('forest_coniferous'))).toBe('51744');
      expect(str(r.value)).toBe('73020');
    });
    it('NOx: 6 + 6 = 12 t capped at 3 t: 1.5 + 1.5; 3 × 630 = 1,890 元', () => {
      const r = component(acc, 'nox_absorbed');
      expect(str(r.uncapped)).toBe('12');
      expect(str(r.quantity)).toBe('3');
      expect(str(r.quantityByClass!.get('forest_broadleaf'))).toBe('1.5');
      expect(str(r.quantityByClass!.get('forest_coniferous'))).toBe('1.5');
      expect(str(r.value)).toBe('1890');
    });
    it('dust: 10,110 + 33,200 = 43,310 t capped at 4,331 t (÷10): 1,011 + 3,320; 4,331 × 150 = 649,650 元', () => {
      const r = component(acc, 'dust_retained');
      expect(str(r.uncapped)).toBe('43310');
      expect(str(r.quantity)).toBe('4331');
      expect(str(r.quantityByClass!.get('forest_broadleaf'))).toBe('1011');
      expect(str(r.quantityByClass!.get('forest_coniferous'))).toBe('3320');
      expect(str(r.value)).toBe('649650');
    });
  });

  it('cap with a repeating share: 304.25 t capped at 100 t; shares to 20 digits, exact sum, empty classes stay 0', () => {
    // broadleaf 88.65 × 100 / 304.25 = 29.137222678718159408… t; coniferous 215.6 × 100 / 304.25 = 70.862777321281840592… t
    // mixed, bamboo and shrub have no area: their uptake is 0, and 0 scaled is 0.
    const r = component(
      account(onlyAreas({ forest_broadleaf: '1000', forest_coniferous: '1000' }, { so2_emission: '100' })),
      'so2_absorbed',
    );
    const q = r.quantityByClass!;
    expect(str(r.uncapped)).toBe('304.25');
    expect(str(r.quantity)).toBe('100');
    expect(sig20(q.get('forest_broadleaf'))).toBe('29.137222678718159408');
    expect(sig20(q.get('forest_coniferous'))).toBe('70.862777321281840592');
    let total = new Dec(0);
    for (const x of q.values()) total = total.plus(x);
    expect(str(total)).toBe('100');
    for (const cls of ['forest_mixed', 'bamboo', 'shrub']) expect(str(q.get(cls))).toBe('0');
    // V = 100 t × 1200 元/t = 120,000 元 (a sum of repeating per-class values: 20 digits)
    expect(sig20(r.value)).toBe('120000');
  });

  it('cap with a rounding remainder: a class with no area keeps exactly 0 (no sliver, no negative figure)', () => {
    // broadleaf 114 hm² × 88.65 = 10.1061 t; coniferous 76 hm² × 215.6 = 16.3856 t; mixed 6 hm² × 152.1 = 0.9126 t
    // uncapped 27.4043 t, capped at 9 t: each share q × 9 / 27.4043 repeats and is rounded to 34 digits.
    // bamboo and shrub have no area, so no uptake: scaled, they must stay 0, and the shares must still add up to 9 t.
    const r = component(
      account(
        onlyAreas(
          { forest_broadleaf: '114', forest_coniferous: '76', forest_mixed: '6' },
          { so2_emission: '9' },
        ),
      ),
      'so2_absorbed',
    );
    const q = r.quantityByClass!;
    expect(str(r.uncapped)).toBe('27.4043');
    expect(str(r.quantity)).toBe('9');
    let total = new Dec(0);
    for (const x of q.values()) total = total.plus(x);
    expect(str(total)).toBe('9');
    // broadleaf 10.1061 × 9 / 27.4043 = 3.3190193509777662629… t (20 digits)
    expect(sig20(q.get('forest_broadleaf'))).toBe(sig20(new Dec('10.1061').times(9).div('27.4043')));
    for (const cls of ['bamboo', 'shrub']) {
      expect(str(q.get(cls)), `${cls} quantity`).toBe('0');
      expect(str(r.valueByClass!.get(cls)), `${cls} value`).toBe('0');
    }
    for (const x of q.values()) expect(x.isNegative() && !x.isZero()).toBe(false);
  });
});

describe('water purification: Σ capacity × A, capped at discharge', () => {
  // wetland 100 hm² = 1 km², water 200 hm² = 2 km²
  const acc = account(onlyAreas({ wetland: '100', water: '200' }));
  it('COD: 50 t/km² × 1 km² + 30 t/km² × 2 km² = 110 t (< 1000 t) × 700 元/t = 77,000 元', () => {
    const r = component(acc, 'cod_removed');
    expect(str(r.quantity)).toBe('110');
    expect(str(r.quantityByClass!.get('wetland'))).toBe('50');
    expect(str(r.quantityByClass!.get('water'))).toBe('60');
    expect(str(r.value)).toBe('77000');
    expect(r.uncapped).toBeUndefined();
  });
  it('NH₃-N: 5 × 1 + 3 × 2 = 11 t (< 100 t) × 875 元/t = 9,625 元', () => {
    const r = component(acc, 'nh3n_removed');
    expect(str(r.quantity)).toBe('11');
    expect(str(r.value)).toBe('9625');
  });
  it('TP: 1 × 1 + 0.5 × 2 = 2 t (< 20 t) × 2800 元/t = 5,600 元', () => {
    const r = component(acc, 'tp_removed');
    expect(str(r.quantity)).toBe('2');
    expect(str(r.value)).toBe('5600');
  });
  it('COD capped at 55 t: 110 t scaled by ½ → wetland 25, water 30; 55 × 700 = 38,500 元', () => {
    const r = component(
      account(onlyAreas({ wetland: '100', water: '200' }, { cod_emission: '55' })),
      'cod_removed',
    );
    expect(str(r.uncapped)).toBe('110');
    expect(str(r.quantity)).toBe('55');
    expect(str(r.quantityByClass!.get('wetland'))).toBe('25');
    expect(str(r.quantityByClass!.get('water'))).toBe('30');
    expect(str(r.value)).toBe('38500');
  });
});

describe('carbon sequestration and oxygen release (broadleaf 1000 hm², NEP 3.6 t C/hm²)', () => {
  const acc = account(onlyAreas({ forest_broadleaf: '1000' }));
  it('carbon: 3.6 × 1000 = 3600 t C × 44/12 = 13,200 t CO₂; V = 13,200 ÷ (44/12) × 1200 元/t C = 4,320,000 元 (20 digits)', () => {
    const r = component(acc, 'carbon_sequestration');
    expect(sig20(r.quantity)).toBe('13200');
    expect(sig20(r.value)).toBe('4320000');
    // the price is per t C, not per t CO₂: 13,200 × 1200 = 15,840,000 would be wrong
    expect(sig20(r.value)).not.toBe('15840000');
  });
  it('oxygen: 32/44 × 13,200 t CO₂ = 9600 t O₂ × 1000 元/t = 9,600,000 元 (20 digits)', () => {
    const r = component(acc, 'oxygen_release');
    expect(sig20(r.quantity)).toBe('9600');
    expect(sig20(r.value)).toBe('9600000');
  });
  it('a repeating class: wetland 100 hm² × 1 t C/hm² = 100 t C = 366.666… t CO₂ → 120,000 元 (20 digits)', () => {
    // 100 × 44/12 = 366.66666666666666667 t CO₂ (20 digits); V = 100 t C × 1200 = 120,000 元
    // O₂ = 32/44 × 366.666… = 266.666… t (= 100 × 32/12) → 266,666.666… 元
    const a = account(onlyAreas({ wetland: '100' }));
    expect(sig20(component(a, 'carbon_sequestration').quantity)).toBe('366.66666666666666667');
    expect(sig20(component(a, 'carbon_sequestration').value)).toBe('120000');
    expect(sig20(component(a, 'oxygen_release').quantity)).toBe('266.66666666666666667');
    expect(sig20(component(a, 'oxygen_release').value)).toBe('266666.66666666666667');
  });
  it('an external carbon figure (override) still gives oxygen = 32/44 × Q_CO2 (accounting must not throw)', () => {
    // carbon overridden to 13,200 t CO₂ (GIS); V = 13,200 ÷ (44/12) × 1200 = 4,320,000 元
    // oxygen by the reference: Q_O2 = 32/44 × 13,200 = 9600 t → 9,600,000 元
    const raw = withValues({}, { overrides: { carbon_sequestration: { quantity: '13200', source: 'GIS' } } });
    let a: ReturnType<typeof account> | undefined;
    expect(() => (a = account(raw))).not.toThrow();
    expect(sig20(component(a!, 'carbon_sequestration').value)).toBe('4320000');
    expect(sig20(component(a!, 'oxygen_release').quantity)).toBe('9600');
    expect(sig20(component(a!, 'oxygen_release').value)).toBe('9600000');
  });
});

describe('climate regulation: electricity replaced, × 0.53 元/kWh', () => {
  it('vegetation, broadleaf 1000 hm², EPP 9800 kJ/(m²·d), D 135 d, r 3: 1,225,000,000 kWh', () => {
    // E = EPP × S × D ÷ r = 9800 kJ/(m²·d) × 10⁷ m² × 135 d ÷ 3 = 4.41 × 10¹² kJ ÷ 3600 kJ/kWh = 1.225 × 10⁹ kWh
    // (reference form: 9800 × 10 km² × 135 × 10⁶ / (3600 × 3) = 1,225,000,000 kWh)
    // V = 1,225,000,000 × 0.53 = 649,250,000 元
    const r = component(account(onlyAreas({ forest_broadleaf: '1000' })), 'climate_vegetation');
    expect(str(r.quantity)).toBe('1225000000');
    expect(str(r.value)).toBe('649250000');
  });

  it('water surface, 200 hm², E_w 1080 mm: E = E_w·ρ·q/3600 + E_w·y = 1,729,200,000 kWh', () => {
    // E_w = 1.08 m × 2 × 10⁶ m² = 2,160,000 m³
    // cooling: 2,160,000 m³ × 1000 kg/m³ × 2450 J/g = 5.292 × 10¹² kJ ÷ 3600 = 1,470,000,000 kWh
    // humidifying: 2,160,000 m³ × 120 kWh/m³ = 259,200,000 kWh; total 1,729,200,000 kWh
    // V = 1,729,200,000 × 0.53 = 916,476,000 元
    const r = component(account(onlyAreas({ water: '200' })), 'climate_water_surface');
    expect(str(r.quantity)).toBe('1729200000');
    expect(str(r.value)).toBe('916476000');
  });
});

describe('pest control: A × cost per hm² (per class)', () => {
  it('broadleaf 1000 hm² × 375 + grassland 200 hm² × 112.5 = 375,000 + 22,500 = 397,500 元; Q 1200 hm²', () => {
    const r = component(account(onlyAreas({ forest_broadleaf: '1000', grassland: '200' })), 'pest_control');
    expect(str(r.quantity)).toBe('1200');
    expect(str(r.valueByClass!.get('forest_broadleaf'))).toBe('375000');
    expect(str(r.valueByClass!.get('grassland'))).toBe('22500');
    expect(str(r.value)).toBe('397500');
  });
});

describe('cultural services', () => {
  const acc = account(baseRawRecord());
  it('recreation: 10,000 人次 × (300 + 120 + 30) 元/人次 = 4,500,000 元', () => {
    const r = component(acc, 'recreation');
    expect(str(r.quantity)).toBe('10000');
    expect(str(r.value)).toBe('4500000');
  });
  it('landscape value: 10,000 m² × 15,000 元/m² × 3 % = 4,500,000 元', () => {
    const r = component(acc, 'landscape_value');
    expect(str(r.quantity)).toBe('10000');
    expect(str(r.value)).toBe('4500000');
  });
});

describe('every catalogue component is covered above', () => {
  it('the catalogue has exactly these 36 components', () => {
    expect(set.components.map((c) => c.id).sort()).toEqual(
      [
        ...[
          'grain',
          'vegetables',
          'fruit',
          'tea',
          'timber',
          'bamboo_material',
          'meat',
          'eggs',
          'aquatic_products',
        ],
        ...['water_domestic', 'water_industrial', 'water_agricultural', 'hydropower', 'biomass_power'],
        ...['water_conservation', 'soil_retained', 'nitrogen_retained', 'phosphorus_retained'],
        ...['flood_lakes', 'flood_reservoirs', 'flood_marshes', 'sand_fixation', 'coastal_protection'],
        ...['so2_absorbed', 'nox_absorbed', 'dust_retained', 'cod_removed', 'nh3n_removed', 'tp_removed'],
        ...[
          'carbon_sequestration',
          'oxygen_release',
          'climate_vegetation',
          'climate_water_surface',
          'pest_control',
        ],
        ...['recreation', 'landscape_value'],
      ].sort(),
    );
  });
});

describe('profiles', () => {
  const academic = account(baseRawRecord(), 'academic');
  const national = account(baseRawRecord(), 'national_2022');
  const dropped = ['oxygen_release', 'water_supply', 'pest_control'];

  it('national_2022 has no oxygen release, water supply or pest control; academic has them', () => {
    for (const p of dropped) {
      expect(academic.productValues.has(p), p).toBe(true);
      expect(national.productValues.has(p), p).toBe(false);
    }
    const ids = (a: typeof academic) => a.components.map((c) => c.component.id);
    for (const c of [
      'oxygen_release',
      'water_domestic',
      'water_industrial',
      'water_agricultural',
      'pest_control',
    ]) {
      expect(ids(academic)).toContain(c);
      expect(ids(national)).not.toContain(c);
    }
    expect(national.profile).toBe('national_2022');
  });

  it('the two GEPs differ by exactly the three dropped products', () => {
    let dropValue = new Dec(0);
    for (const p of dropped) dropValue = dropValue.plus(academic.productValues.get(p)!);
    // GEP is ~10⁹ 元 with 34 significant digits, so the two sums round at the 10⁻²⁵ place: 20 digits
    expect(sig20(academic.gep.minus(national.gep))).toBe(sig20(dropValue));
    // every other component has the same figures in both
    for (const r of national.components) {
      const a = component(academic, r.component.id);
      expect(str(r.quantity), r.component.id).toBe(str(a.quantity));
      if (r.value) expect(str(r.value), r.component.id).toBe(str(a.value));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { comparisonReport, rank, type RankingMetric } from '../../src/report/comparison.js';
import { set } from './fixtures.js';
import { D, HAND, expectDec, minhouSample } from './report-fixtures.js';

const report = comparisonReport({
  set,
  region: HAND.current,
  records: HAND.records,
  townships: HAND.townships,
  previous: HAND.previous,
});
const ranking = (metric: RankingMetric) => report.rankings.find((r) => r.metric === metric)!;
const table = (metric: RankingMetric) =>
  ranking(metric).rows.map((r) => [r.rank, r.township, r.value?.toString()]);

describe('township rankings worked by hand', () => {
  it('GEP: c 5 亿 first, a and b tied at 3 亿 share rank 2, d is 4th', () => {
    expect(table('gep')).toEqual([
      [1, 'c', '500000000'],
      [2, 'a', '300000000'],
      [2, 'b', '300000000'],
      [4, 'd', '100000000'],
    ]);
    expect(ranking('gep').unit).toBe('yi_yuan');
  });

  it('GEP per km²: c 500e6/50 = 1e7, d 100e6/25 = 4e6, a 300e6/100 = 3e6, b 300e6/200 = 1.5e6 元/km²', () => {
    expect(table('gep_per_km2')).toEqual([
      [1, 'c', '10000000'],
      [2, 'd', '4000000'],
      [3, 'a', '3000000'],
      [4, 'b', '1500000'],
    ]);
  });

  it('GEP per capita: b 300e6/20,000 = 15,000, a 6,000, c 5,000 元/人; d has no residents: no rank, listed last', () => {
    expect(table('gep_per_capita')).toEqual([
      [1, 'b', '15000'],
      [2, 'a', '6000'],
      [3, 'c', '5000'],
      [undefined, 'd', undefined],
    ]);
  });

  it('growth 2020 → 2021: c (500 − 400)/400 = 25 %, a (300 − 250)/250 = 20 %, b and d 0 % tied', () => {
    expect(table('gep_growth')).toEqual([
      [1, 'c', '0.25'],
      [2, 'a', '0.2'],
      [3, 'b', '0'],
      [3, 'd', '0'],
    ]);
  });

  it('GEP/GDP: b 3e8/1e9 = 0.3, c 5e8/2.5e9 = 0.2, a 3e8/6e9 = 0.05; d has no GDP', () => {
    expect(table('gep_to_gdp')).toEqual([
      [1, 'b', '0.3'],
      [2, 'c', '0.2'],
      [3, 'a', '0.05'],
      [undefined, 'd', undefined],
    ]);
  });

  it('no growth ranking without the previous year', () => {
    const r = comparisonReport({
      set,
      region: HAND.current,
      records: HAND.records,
      townships: HAND.townships,
    });
    expect(r.rankings.map((x) => x.metric)).toEqual(['gep', 'gep_per_km2', 'gep_per_capita', 'gep_to_gdp']);
    expect(r.change).toBeUndefined();
  });

  it('ranks with ties 1, 1, 3 and keeps account order within a tie', () => {
    const L = { zh: 'x', en: 'x' };
    const rows = rank([
      { township: 'p', labels: L, value: D(1) },
      { township: 'q', labels: L, value: D(2) },
      { township: 'r', labels: L, value: D(2) },
    ]);
    expect(rows.map((r) => [r.rank, r.township])).toEqual([
      [1, 'q'],
      [1, 'r'],
      [3, 'p'],
    ]);
  });
});

describe('composition, product matrix and change', () => {
  it('composition of c: 1 + 3.5 + 0.5 亿, shares 20 %, 70 %, 10 %', () => {
    const c = report.composition.find((r) => r.township === 'c')!;
    expect([c.shares.provisioning, c.shares.regulating, c.shares.cultural].map(String)).toEqual([
      '0.2',
      '0.7',
      '0.1',
    ]);
    expectDec(c.gep, '500000000');
  });

  it('township × product matrix in catalogue order, one row per township', () => {
    const m = report.productMatrix;
    expect(m.products.map((p) => p.id)).toEqual([
      'agricultural_products',
      'water_conservation',
      'recreation',
    ]);
    expect(m.townships.map((t) => t.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(m.values[2]!.map(String)).toEqual(['100000000', '350000000', '50000000']);
  });

  it('change of a: 250e6 → 300e6, +50e6 (+20 %), all of it regulating', () => {
    const a = report.change!.find((r) => r.township === 'a')!;
    expectDec(a.change, '50000000');
    expectDec(a.changeRate, '0.2');
    expectDec(a.categoryChange.regulating, '50000000');
    expectDec(a.categoryChange.provisioning, '0');
  });
});

describe('Minhou sample county', () => {
  it('ranks all 15 townships on every indicator, GEP ranks add up to the county', () => {
    const s = minhouSample();
    const r = comparisonReport({
      set: s.set,
      region: s.region(2021),
      records: s.records(2021),
      townships: s.dataset.townships,
      previous: s.region(2020),
    });
    expect(r.rankings).toHaveLength(5);
    for (const k of r.rankings) expect(k.rows.filter((x) => x.rank !== undefined)).toHaveLength(15);
    const gep = r.rankings[0]!.rows;
    for (let i = 1; i < gep.length; i++) expect(gep[i - 1]!.value!.gte(gep[i]!.value!)).toBe(true);
    // summed in rank order, not account order: equal to 34 significant digits, so to within 1e-9 元
    const total = gep.reduce((a, x) => a.plus(x.value!), D(0));
    expect(total.minus(s.region(2021).gep).abs().lte('1e-9')).toBe(true);
  });
});

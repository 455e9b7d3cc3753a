import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/domain/decimal.js';
import {
  accountGeep,
  assetValueAnnuityDue,
  gepIndicators,
  presentValueOrdinary,
  yearOverYear,
} from '../../src/domain/geep.js';

const d = (x: string | number) => new Dec(x);
const wan = (x: string) => d(x).times(1e4); // 万元 → 元
const trillion = (x: string) => d(x).times('1e12'); // 万亿元 → 元

describe('GEEP = GDP − PDC − EDC + ERS', () => {
  it('reproduces the published 2015 national totals (Wang Jinnan et al. 2018)', () => {
    // GEEP 122.78, PDC 2.0, EDC 0.63, ERS 53.1 万亿元 → implied GDP = 122.78 + 2.0 + 0.63 − 53.1 = 72.31 万亿元
    const r = accountGeep({
      gdp: trillion('72.31'),
      pollutionCost: trillion('2.0'),
      ecologicalDamageCost: trillion('0.63'),
      regulatingValue: trillion('53.1'),
    });
    expect(r.geep.eq(trillion('122.78'))).toBe(true);
    // green GDP = 72.31 − 2.0 − 0.63 = 69.68 万亿元
    expect(r.greenGdp.eq(trillion('69.68'))).toBe(true);
    // ERS share of GEEP = 53.1 / 122.78 = 43.2 % (published: 43.3 %, from unrounded inputs)
    expect(r.regulatingValue.div(r.geep).toDecimalPlaces(3).toString()).toBe('0.432');
  });

  it('a township: GDP 500,000 万元, PDC 1,200 万元, EDC 300 万元, ERS 3.2 亿元', () => {
    // green GDP = 5,000,000,000 − 12,000,000 − 3,000,000 = 4,985,000,000 元
    // GEEP = 4,985,000,000 + 320,000,000 = 5,305,000,000 元
    const r = accountGeep({
      gdp: wan('500000'),
      pollutionCost: wan('1200'),
      ecologicalDamageCost: wan('300'),
      regulatingValue: d('3.2e8'),
    });
    expect(r.greenGdp.toString()).toBe('4985000000');
    expect(r.geep.toString()).toBe('5305000000');
  });
});

describe('indicators', () => {
  it('GEP per km², per capita, GEP/GDP, growth', () => {
    // GEP 12.6 亿元 over 84 km², 42,000 people, GDP 35 亿元, previous GEP 12 亿元
    const i = gepIndicators({
      gep: d('1.26e9'),
      areaKm2: d(84),
      population: d(42000),
      gdp: d('3.5e9'),
      previousGep: d('1.2e9'),
    });
    expect(i.gepPerKm2!.toString()).toBe('15000000'); // 1.26e9 / 84 = 1.5e7 元/km²
    expect(i.gepPerCapita!.toString()).toBe('30000'); // 1.26e9 / 42,000 = 30,000 元/人
    expect(i.gepToGdp!.toString()).toBe('0.36'); // 1.26 / 3.5
    expect(i.growth!.toString()).toBe('0.05'); // (1.26 − 1.2) / 1.2 = 5 %
  });
  it('no ratio when the base is zero', () => {
    expect(yearOverYear(d(5), d(0))).toBeUndefined();
    expect(
      gepIndicators({ gep: d(1), areaKm2: d(0), population: d(0), gdp: d(0) }).gepPerKm2,
    ).toBeUndefined();
  });
});

describe('ecosystem asset value: NPV of the service flow, annuity-due', () => {
  it('three years at 10 %: F + F/1.1 + F/1.21', () => {
    // 121 + 110 + 100 = 331 for F = 121
    expect(assetValueAnnuityDue(d(121), d('0.1'), 3).toString()).toBe('331');
  });
  it('equals the ordinary annuity × (1 + r)', () => {
    const flow = d('19.10e12'); // 19.10 万亿元/a (Bo Wenjing et al. 2017)
    const r = d('0.0277');
    const due = assetValueAnnuityDue(flow, r, 100);
    const ordinary = presentValueOrdinary(flow, r, 100);
    expect(
      due
        .minus(ordinary.times(d(1).plus(r)))
        .abs()
        .lt('1e-15'),
    ).toBe(true);
    // n = 100, r = 2.77 %, v = 1/1.0277: (1 − v¹⁰⁰)/(1 − v) = 34.687 → 19.10 × 34.687 = 662.5 万亿元,
    // the published 662 万亿元 (Bo Wenjing, Ouyang Zhiyun et al. 2017)
    expect(due.div(flow).toDecimalPlaces(3).toString()).toBe('34.687');
    expect(due.div('1e12').toDecimalPlaces(1).toString()).toBe('662.5');
  });
  it('zero rate gives n × F; bad horizons are refused', () => {
    expect(assetValueAnnuityDue(d(5), d(0), 20).toString()).toBe('100');
    expect(() => assetValueAnnuityDue(d(5), d('0.03'), 0)).toThrow(RangeError);
  });
});

describe('GEEP report rows for the sample county', async () => {
  const { loadSet } = await import('../../src/methods/resolve.js');
  const { readDatasetJson } = await import('../../src/io/dataset.js');
  const { validateRecords } = await import('../../src/domain/inputs.js');
  const { accountTownship, aggregateRegion } = await import('../../src/domain/accounting.js');
  const { geepRows } = await import('../../src/report/geep-table.js');
  const set = loadSet('coefficients', 'minhou-2021');
  const ds = readDatasetJson('seeds/minhou/dataset.json');
  const year = (y: number) =>
    validateRecords(
      set,
      ds.records.filter((r) => r.year === y),
      ds.townships,
    ).records;
  const region = (y: number) => aggregateRegion(year(y).map((r) => accountTownship(set, r, 'national_2022')));
  const rows = geepRows(set, region(2021), year(2021), (id) => id, 'total', region(2020));

  it('each row: GEEP = GDP − PDC − EDC + regulating, inputs in 万元', () => {
    const rec = year(2021).find((r) => r.township === 'tingping')!;
    const wan = (id: string) => (rec.values.get(id) as InstanceType<typeof Dec>).times(1e4);
    const row = rows.find((r) => r.id === 'tingping')!;
    const acc = region(2021).townships.find((t) => t.township === 'tingping')!;
    expect(
      row.geep.eq(
        wan('gdp')
          .minus(wan('pollution_cost'))
          .minus(wan('ecological_damage_cost'))
          .plus(acc.categoryValues.regulating),
      ),
    ).toBe(true);
  });

  it('the county row is the sum of the townships (GDP, green GDP, GEEP) and its growth is against 2020', () => {
    const towns = rows.filter((r) => !r.isTotal);
    const total = rows.at(-1)!;
    // figures carry 34 significant digits (≈10⁻²³ 元 here); summing in another order may move the last one
    for (const k of ['gdp', 'greenGdp', 'geep', 'gep'] as const)
      expect(
        towns
          .reduce((a, r) => a.plus(r[k]), d(0))
          .minus(total[k])
          .abs()
          .lt('1e-12'),
      ).toBe(true);
    expect(total.areaKm2.toString()).toBe('2136');
    // growth of net GEP (GB/T 46869—2025), the basis of every indicator
    expect(total.growth!.eq(region(2021).gepNet.minus(region(2020).gepNet).div(region(2020).gepNet))).toBe(
      true,
    );
  });
});

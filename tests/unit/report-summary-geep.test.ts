import { describe, expect, it } from 'vitest';
import { geepReport } from '../../src/report/geep-report.js';
import { summaryReport } from '../../src/report/summary.js';
import { formatValue } from '../../src/report/format.js';
import { set } from './fixtures.js';
import { D, HAND, expectDec } from './report-fixtures.js';

const a2021 = HAND.current.townships[0]!;
const a2020 = HAND.previous.townships[0]!;
const aRecords = [HAND.records[0]!];

describe('one-page summary of township a, 2021 against 2020', () => {
  const s = summaryReport({
    set,
    scope: 'a',
    scopeLabels: HAND.townships[0]!.labels,
    current: { totals: a2021, records: aRecords, year: 2021 },
    previous: { totals: a2020, records: aRecords, year: 2020 },
    topN: 2,
  });
  const item = (id: string) => s.items.find((i) => i.id === id)!;

  it('GEP 3 亿元, +0.5 亿元 (+20 %) from 2.5 亿元; regulating 1.5 亿元 from 1 亿元 (+50 %)', () => {
    expectDec(item('gep').value, '300000000');
    expectDec(item('gep').change, '50000000');
    expectDec(item('gep').changeRate, '0.2');
    expectDec(item('regulating').changeRate, '0.5');
    expect(formatValue(item('gep').value, item('gep').unit)).toBe('3.00 亿元');
  });

  it('GEEP = 600,000 万元 GDP − 100 − 50 万元 costs + 1.5 亿元 regulating = 6,148,500,000 元', () => {
    // 6,000,000,000 − 1,000,000 − 500,000 + 150,000,000
    expectDec(item('geep').value, '6148500000');
    // 2020: regulating 1 亿元, same GDP and costs: 6,098,500,000 元
    expectDec(item('geep').change, '50000000');
  });

  it('per km² 3e8 / 100 = 3,000,000 元/km², shown as 300.00 万元/km²; per capita 6,000 元/人', () => {
    expectDec(item('gep_per_km2').value, '3000000');
    expect(formatValue(item('gep_per_km2').value, 'wan_yuan_per_km2', 'en')).toBe('300.00 10⁴ yuan/km²');
    expect(formatValue(item('gep_per_capita').value, 'yuan_per_capita')).toBe('6,000.00 元/人');
  });

  it('top 2 products: water conservation 50 %, agricultural products 1/3', () => {
    expect(s.topProducts.map((p) => [p.id, p.value.toString()])).toEqual([
      ['water_conservation', '150000000'],
      ['agricultural_products', '100000000'],
    ]);
    expectDec(s.topProducts[0]!.share, '0.5');
    expectDec(s.topProducts[1]!.share, D(1).div(3));
  });

  it('every item has a one-line meaning in both languages; the set is named id@version+hash', () => {
    for (const i of s.items) expect(i.meaning.zh.length * i.meaning.en.length).toBeGreaterThan(0);
    expect(s.set.text).toBe(`gep-functional@1.0.0+${set.hash.slice(0, 12)}`);
  });
});

describe('GEEP report', () => {
  const r = geepReport({
    set,
    region: HAND.current,
    records: HAND.records,
    townships: HAND.townships,
    previous: { region: HAND.previous, records: HAND.records },
  });
  const a = r.rows.find((x) => x.id === 'a')!.figures;
  const total = r.rows.find((x) => x.isTotal)!.figures;

  it('township a: green GDP 5,998,500,000, GEEP 6,148,500,000 元; shares of GEEP', () => {
    expectDec(a.greenGdp.value, '5998500000');
    expectDec(a.geep.value, '6148500000');
    expectDec(a.regulatingValue.shareOfGeep, D('150000000').div('6148500000'));
    expectDec(a.pollutionCost.value, '1000000'); // 100 万元
  });

  it('change: regulating +50e6, GEEP +50e6 over 6,098,500,000; GDP unchanged', () => {
    expectDec(a.regulatingValue.change, '50000000');
    expectDec(a.geep.changeRate, D('50000000').div('6098500000'));
    expectDec(a.gdp.change, '0');
  });

  it('county: GDP 9.5e9 (600,000 + 100,000 + 250,000 万元), regulating 6.9e8, GEEP = 9.5e9 − 1.5e6 + 6.9e8', () => {
    expectDec(total.gdp.value, '9500000000');
    expectDec(total.regulatingValue.value, '690000000');
    expectDec(total.geep.value, '10188500000');
    expect(r.table.rows.at(-1)!.labels.zh).toBe('全县');
  });
});

import { describe, expect, it } from 'vitest';
import { tenureAudit } from '../../src/domain/audit.js';
import { parseBalanceSheetConfig } from '../../src/domain/balance-sheet-config.js';
import { Dec } from '../../src/domain/decimal.js';
import { validateRecords, type RawRecord } from '../../src/domain/inputs.js';
import { parseAuditConfig } from '../../src/methods/audit-config.js';
import { landUseRaw, landUseSet } from './land-use-set.js';

const set = landUseSet();
const balanceSheet = parseBalanceSheetConfig(
  {
    format: 'gep-ledger/balance-sheet@1',
    id: 'tiny',
    title: { zh: '表', en: 'Sheet' },
    landAreaInput: 'land_area',
    stocks: [{ input: 'forest_stock' }, { input: 'water_total' }],
    assetValue: {
      rate: '0%',
      years: 10,
      categories: ['provisioning', 'regulating', 'cultural'],
      source: 'test',
    },
    liabilities: [],
  },
  set,
);
// a 100-point scheme: 40 points of binding indicators (section cap 30), 60 of GEP growth, bands 90/80/0
const config = parseAuditConfig({
  format: 'gep-ledger/tenure-audit@1',
  id: 'tiny-tenure',
  version: '1.0.0',
  title: { zh: '审计', en: 'Audit' },
  indicators: [
    {
      id: 'cultivated',
      labels: { zh: '耕地保有量', en: 'Cultivated land' },
      unit: 'hm2',
      bound: 'at_least',
      target: '500',
      figure: { kind: 'land_area', classes: ['paddy'] },
      source: 't',
      verified: false,
    },
    {
      id: 'forest_cover',
      labels: { zh: '森林覆盖率', en: 'Forest coverage' },
      unit: '%',
      bound: 'at_least',
      target: '60%',
      figure: { kind: 'land_share', classes: ['forest'] },
      source: 't',
      verified: false,
    },
    {
      id: 'built',
      labels: { zh: '建设用地总规模', en: 'Construction land' },
      unit: 'hm2',
      bound: 'at_most',
      target: '200',
      figure: { kind: 'land_area', classes: ['built_up'] },
      source: 't',
      verified: false,
    },
  ],
  scheme: {
    fullScore: '100',
    grades: [
      { min: '90', labels: { zh: '好', en: 'Good' } },
      { min: '80', labels: { zh: '较好', en: 'Fairly good' } },
      { min: '0', labels: { zh: '差', en: 'Poor' } },
    ],
    sections: [
      {
        id: 'binding',
        labels: { zh: '约束性指标', en: 'Binding' },
        cap: '30',
        indicators: [
          { id: 'cultivated', weight: '15', rule: { kind: 'target_completion', maxRate: '100%' } },
          { id: 'forest_cover', weight: '15', rule: { kind: 'target_completion', maxRate: '100%' } },
          { id: 'built', weight: '10', rule: { kind: 'target_completion', maxRate: '100%' } },
        ],
      },
      {
        id: 'change',
        labels: { zh: '变化', en: 'Change' },
        indicators: [
          {
            id: 'gep_growth',
            labels: { zh: 'GEP增长', en: 'GEP growth' },
            weight: '60',
            unit: '%',
            rule: { kind: 'tiers', tiers: [{ atLeast: '0%', share: '1' }, { share: '0.9' }] },
          },
        ],
      },
    ],
  },
});

const raw = (
  year: number,
  areas: { forest: string; paddy: string; built_up: string },
  stock: string,
): RawRecord => {
  const r = landUseRaw('T1', year, areas);
  return { ...r, values: { ...r.values, forest_stock: stock, water_total: '500' } };
};
// 2018: forest 1000, paddy 500, built 100; 2019 the same; 2022: 120 forest + 30 paddy became built-up; stock grew
const years = new Map(
  [
    raw(2018, { forest: '1000', paddy: '500', built_up: '100' }, '80000'),
    raw(2019, { forest: '1000', paddy: '500', built_up: '100' }, '81000'),
    raw(2022, { forest: '880', paddy: '470', built_up: '250' }, '83500'),
  ].map((r) => [Number(r.year), validateRecords(set, [r]).records]),
);
const audit = tenureAudit({
  set,
  balanceSheet,
  config,
  profile: 'all',
  constantPriceYear: 2018,
  scope: { id: 'T1', labels: { zh: '甘蔗街道', en: 'Ganzhe' } },
  startYear: 2018,
  endYear: 2022,
  years,
});
const line = (id: string) => audit.stocks.find((s) => s.id === id)!;

describe('tenure audit pack', () => {
  it('opening + change = closing for every stock', () => {
    expect(audit.broken).toEqual([]);
    // land (hm²): forest 1000 − 120 = 880; paddy 500 − 30 = 470; built-up 100 + 150 = 250
    expect(
      [line('land.forest'), line('land.paddy'), line('land.built_up')].map((l) => [
        l.opening!.toString(),
        l.change!.toString(),
        l.closing!.toString(),
      ]),
    ).toEqual([
      ['1000', '-120', '880'],
      ['500', '-30', '470'],
      ['100', '150', '250'],
    ]);
    // forest stock 80,000 + 3,500 = 83,500 m³; water 500 + 0 = 500 万m³
    expect(line('stock.forest_stock').change!.toString()).toBe('3500');
    expect(line('stock.water_total').change!.toString()).toBe('0');
    for (const l of audit.stocks) expect(l.opening!.plus(l.change!).eq(l.closing!)).toBe(true);
    // asset value at r = 0 over 10 years = 10 × GEP: 9,000,000 → 8,340,000 元
    expect(line('asset_value').opening!.toString()).toBe('9000000');
    expect(line('asset_value').change!.toString()).toBe('-660000');
  });

  it('GEP at constant prices and its growth, with the last three years of a long tenure', () => {
    // GEP 900,000 → 834,000 元 (carbon −660 t × 100 元/t): growth −66,000 ÷ 900,000 = −7.3333 %
    expect(audit.gep.gep.delta.toString()).toBe('-66000');
    expect(audit.gepGrowth!.toFixed(6)).toBe('-0.073333');
    expect(audit.series.map((s) => [s.year, s.gep.toString()])).toEqual([
      [2018, '900000'],
      [2019, '900000'],
      [2022, '834000'],
    ]);
    // a tenure of more than three years: the last three years are 2019 → 2022
    expect(audit.lastThree!.startYear).toBe(2019);
    expect(audit.lastThree!.gep.gep.delta.toString()).toBe('-66000');
  });

  it('binding indicators with completion, and the 100-point score with a section cap and a grade band', () => {
    const status = Object.fromEntries(audit.indicators.map((s) => [s.indicator.id, s]));
    // cultivated 470 ÷ 500 = 94 % (not met); forest 880 ÷ 1600 = 55 % ÷ 60 % = 91.67 %; built 200 ÷ 250 = 80 %
    expect(status.cultivated!.figure!.toString()).toBe('470');
    expect(status.cultivated!.completion!.toString()).toBe('0.94');
    expect(status.cultivated!.met).toBe(false);
    expect(status.forest_cover!.figure!.toString()).toBe('0.55');
    expect(status.built!.completion!.toString()).toBe('0.8');
    expect(status.built!.met).toBe(false);
    const t = audit.score.townships[0]!;
    // binding: 15 × 0.94 + 15 × 0.55/0.60 + 10 × 0.8 = 14.1 + 13.75 + 8 = 35.85, capped at 30
    const binding = t.sections.find((s) => s.id === 'binding')!;
    expect(binding.raw.toFixed(2)).toBe('35.85');
    expect(binding.points.toString()).toBe('30');
    expect(binding.capped).toBe(true);
    // GEP growth −7.33 % < 0: second tier, 60 × 0.9 = 54; total 30 + 54 = 84 → 较好 (80 ≤ 84 < 90)
    expect(t.total!.toString()).toBe('84');
    expect(t.grade!.zh).toBe('较好');
  });

  it('refuses a tenure without data for its end year, in zh and en', () => {
    expect(() =>
      tenureAudit({
        set,
        balanceSheet,
        config,
        profile: 'all',
        constantPriceYear: 2018,
        scope: { id: 'T1', labels: { zh: '甘', en: 'G' } },
        startYear: 2018,
        endYear: 2023,
        years,
      }),
    ).toThrow('no approved data for 2023');
    void Dec;
  });
});

describe('the shipped sample audit configuration', () => {
  it('reads, with section caps adding up to 100 points and the audit office grade bands', async () => {
    const { AUDIT_KIND } = await import('../../src/methods/audit-config.js');
    const { readDocument } = await import('../../src/methods/documents.js');
    // read by the one method-document loader, at coefficients/audit/<id>/<version>.yaml
    const c = readDocument(AUDIT_KIND, 'coefficients', 'minhou-tenure', '1.0.0').compiled;
    // caps 25 + 45 + 30 = 100
    const caps = c.scheme.indicators.map((s) => (s.type === 'section' ? s.cap!.toNumber() : 0));
    expect(caps).toEqual([25, 45, 30]);
    expect(c.scheme.grades.map((g) => [g.min.toNumber(), g.labels.zh])).toEqual([
      [90, '好'],
      [80, '较好'],
      [70, '一般'],
      [60, '较差'],
      [0, '差'],
    ]);
    expect(c.indicators.find((i) => i.id === 'forest_coverage')!.target.toString()).toBe('0.615');
  });
});

describe('department items of an audit configuration', () => {
  const withItem = (leaf: Record<string, unknown>) => ({
    format: 'gep-ledger/tenure-audit@1',
    id: 'dept',
    version: '1.0.0',
    title: { zh: '审计', en: 'Audit' },
    indicators: [
      {
        id: 'cultivated',
        labels: { zh: '耕地保有量', en: 'Cultivated land' },
        unit: 'hm2',
        bound: 'at_least',
        target: '500',
        figure: { kind: 'land_area', classes: ['paddy'] },
        source: 't',
        verified: false,
      },
    ],
    scheme: {
      fullScore: '20',
      grades: [{ min: '0', labels: { zh: '差', en: 'Poor' } }],
      sections: [
        {
          id: 's',
          labels: { zh: '节', en: 'S' },
          indicators: [{ id: 'cultivated', weight: '10', rule: { kind: 'target_completion' } }, leaf],
        },
      ],
    },
  });
  const cases = {
    id: 'cases',
    labels: { zh: '损害事件', en: 'Damage cases' },
    weight: '10',
    unit: '起',
    rule: { kind: 'deduction', perEvent: '2', cap: '10' },
    department: { zh: '环境局', en: 'Bureau' },
  };

  it('a department item declares the largest figure allowed; a pre-filled one must lie within it', async () => {
    const { SetLoadError } = await import('../../src/methods/compile.js');
    expect(() => parseAuditConfig(withItem(cases))).toThrow(SetLoadError);
    expect(() => parseAuditConfig(withItem(cases))).toThrow(
      /scheme\.s\.cases\.max: a department item needs "max"/,
    );
    expect(() => parseAuditConfig(withItem({ ...cases, max: '5', whole: true, prefilled: '6' }))).toThrow(
      /the pre-filled figure must lie in 0…5, whole/,
    );
    const c = parseAuditConfig(withItem({ ...cases, max: '5', whole: true, prefilled: '1' }));
    expect(c.departmentItems.map((i) => [i.id, i.max.toString(), i.whole, i.prefilled?.toString()])).toEqual([
      ['cases', '5', true, '1'],
    ]);
  });

  it('reads what the audit team enters: a number in 0…max, whole for a count, a share with "%"', async () => {
    const { readDepartmentFigure } = await import('../../src/domain/audit.js');
    const [item] = parseAuditConfig(withItem({ ...cases, max: '5', whole: true })).departmentItems;
    const read = (t: string) => {
      const r = readDepartmentFigure(item!, t);
      return r.ok ? r.value.toString() : r.message.zh;
    };
    expect(read(' 3 ')).toBe('3');
    expect(read('0')).toBe('0');
    expect(read('5')).toBe('5');
    expect(read('6')).toBe('损害事件："6"须在 0 与 5 起 之间');
    expect(read('-1')).toBe('损害事件："-1"须在 0 与 5 起 之间');
    expect(read('2.5')).toBe('损害事件："2.5"须为整数');
    expect(read('')).toBe('损害事件：""不是数值');
    expect(read('1e400')).toMatch(/^损害事件："1e400"超出可接受的数值范围/);
    const r = readDepartmentFigure(item!, '9');
    expect(r.ok ? '' : r.message.en).toBe('Damage cases: "9" must lie between 0 and 5 起');
    // a share: "92%" is 0.92, bounded by max 100 %
    const [share] = parseAuditConfig(
      withItem({
        ...cases,
        id: 'share',
        unit: '%',
        max: '100%',
        rule: { kind: 'tiers', tiers: [{ share: '1' }] },
      }),
    ).departmentItems;
    const s = readDepartmentFigure(share!, '92%');
    expect(s.ok && s.value.toString()).toBe('0.92');
    const over = readDepartmentFigure(share!, '120%');
    expect(over.ok ? '' : over.message.zh).toBe('损害事件："120%"须在 0 与 100% 之间');
  });
});

describe('official tables frozen into a snapshot', () => {
  it('read back with the same exact figures and the text cells as they were', async () => {
    const { freezeTables, thawTables } = await import('../../src/report/official-snapshot.js');
    const { tenureScoreTable } = await import('../../src/report/appraisal.js');
    const table = tenureScoreTable(audit);
    const back = thawTables(JSON.parse(JSON.stringify(freezeTables([table]))))[0]!;
    expect(back.rows.length).toBe(table.rows.length);
    table.rows.forEach((row, i) =>
      Object.entries(row.cells).forEach(([k, v]) => {
        const got = back.rows[i]!.cells[k];
        if (v instanceof Dec) expect((got as Dec).eq(v)).toBe(true);
        else expect(got).toBe(v);
      }),
    );
  });
});

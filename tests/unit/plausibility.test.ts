/**
 * Plausibility checks: the shipped document (published accounts → envelope), the loader's errors
 * (every problem at once), and each warning raised and not raised on a fixture county of 100 km²
 * whose figures are worked by hand in plausibility-fixtures.ts (GEP 50 亿元 = 5,000 万元/km²).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Dec } from '../../src/domain/decimal.js';
import {
  checkPlausibility,
  plausibilityIssues,
  type PlausibilityScope,
  type PlausibilityWarning,
} from '../../src/domain/plausibility.js';
import { SetLoadError, type SetIssue } from '../../src/methods/compile.js';
import { compilePlausibility, loadPlausibility } from '../../src/methods/plausibility.js';
import { listSets, loadSet } from '../../src/methods/resolve.js';
import { envelopeText, warningFigure, warningText } from '../../src/report/plausibility.js';
import { EXIT } from '../../src/cli/main.js';
import { runCli } from './cli-run.js';
import {
  FIXTURE_RULES_YAML,
  fixtureFolder,
  fixtureRaw,
  fixtureRegion,
  fixtureRules,
  fixtureSet,
} from './plausibility-fixtures.js';

const COEFFICIENTS = fileURLToPath(new URL('../../coefficients', import.meta.url));
const D = (x: string | number) => new Dec(x);
const WAN = 10_000;

/** The warnings of a region made of the given raw records (default: the base township). */
function warningsOf(raw = [fixtureRaw()], scopeChange: Partial<PlausibilityScope> = {}) {
  const { region, scope } = fixtureRegion(raw);
  return checkPlausibility(region, { ...scope, ...scopeChange }, fixtureRules, fixtureSet);
}
const ids = (ws: PlausibilityWarning[]) => ws.map((w) => w.id).sort();
const one = (ws: PlausibilityWarning[], id: string) => {
  const found = ws.filter((w) => w.id === id);
  expect(found).toHaveLength(1);
  return found[0]!;
};

function loadIssues(yamlText: string): SetIssue[] {
  try {
    compilePlausibility(parseYaml(yamlText), 'broken.yaml');
  } catch (e) {
    if (!(e instanceof SetLoadError)) throw e;
    return e.issues;
  }
  throw new Error('the document loaded');
}
const replace = (text: string, from: string, to: string) => {
  if (!text.includes(from)) throw new Error(`fixture no longer contains ${from}`);
  return text.replace(from, to);
};

describe('the shipped plausibility document', () => {
  const rules = loadPlausibility(COEFFICIENTS);

  it('derives GEP per km² of every published account: GEP (亿元) × 10⁴ ÷ area (km²) in 万元/km²', () => {
    const perKm2 = Object.fromEntries(rules.accounts.map((a) => [a.id, a.perKm2.div(WAN).toFixed(2)]));
    // Jiangle 236.9 × 10⁴ ÷ 2,246 = 1,054.76; Eshan 158.42 × 10⁴ ÷ 1,972 = 803.35;
    // Ninghai 1,259.03 × 10⁴ ÷ 1,843 = 6,831.42; Shenzhen (488.24 ÷ 37.4 % = 1,305.45) × 10⁴ ÷ 1,997 = 6,537.06
    expect(perKm2).toMatchObject({
      jiangle_2018: '1054.76',
      wuyishan_2015: '1967.98',
      ninghai_2018: '6831.42',
      eshan_2015: '803.35',
      shenzhen_2020: '6537.06',
      china_2015: '758.44',
    });
  });

  it('envelope from the county rows: Eshan 803.35 to Ninghai 6,831.42 万元/km², ÷ and × 1.5', () => {
    const e = rules.envelope;
    expect(e.min.account.id).toBe('eshan_2015');
    expect(e.max.account.id).toBe('ninghai_2018');
    // 803.35 ÷ 1.5 = 535.56; 6,831.42 × 1.5 = 10,247.12 (万元/km²)
    expect(e.lower.div(WAN).toFixed(2)).toBe('535.56');
    expect(e.upper.div(WAN).toFixed(2)).toBe('10247.12');
    expect(e.tolerance.mark).toBe('M');
    expect(e.tolerance.reason.zh.length).toBeGreaterThan(20);
  });

  it('every check has a source and a reason in both languages; [M] bands say why', () => {
    for (const c of rules.checks) {
      expect(c.source.length, c.id).toBeGreaterThan(3);
      expect(c.reason.zh.length, c.id).toBeGreaterThan(10);
      expect(c.reason.en.length, c.id).toBeGreaterThan(10);
    }
    const bands = Object.fromEntries(rules.checks.map((c) => [c.id, [c.min?.toString(), c.max?.toString()]]));
    expect(bands).toEqual({
      gep_per_km2: [undefined, undefined],
      provisioning_share: ['0.01', '0.5'],
      regulating_share: ['0.3', '0.95'],
      cultural_share: [undefined, '0.5'],
      product_share: [undefined, '0.5'],
      climate_share: [undefined, '0.5'],
      soil_retention_per_hm2: ['10', '500'],
      climate_electricity_ratio: [undefined, '10'],
    });
  });

  it('has a content hash that changes with any figure', () => {
    expect(rules.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(loadPlausibility(COEFFICIENTS).hash).toBe(rules.hash);
    const other = compilePlausibility(
      parseYaml(replace(FIXTURE_RULES_YAML, "gep: { value: '20'", "gep: { value: '21'")),
      'x',
    );
    expect(other.hash).not.toBe(fixtureRules.hash);
  });

  it('is not taken for a coefficient set', () => {
    expect(listSets(COEFFICIENTS).has('plausibility')).toBe(false);
  });

  it('names only ids the fixture set has, with units that convert', () => {
    expect(plausibilityIssues(rules, fixtureSet)).toEqual([]);
  });

  it('a check whose component is in a unit that does not convert is named by validate and skipped, not thrown', () => {
    // the soil check asks for t; a document asking for kWh cannot use soil_retained (t)
    const text = replace(
      FIXTURE_RULES_YAML,
      'components: [soil_retained], quantityUnit: t,',
      'components: [soil_retained], quantityUnit: kWh,',
    );
    const rules = compilePlausibility(parseYaml(text), 'x');
    expect(plausibilityIssues(rules, fixtureSet)).toEqual([
      'plausibility@1.0.0: checks.soil_retention_per_hm2: component "soil_retained" is in t, not convertible to kWh',
    ]);
    const { region, scope } = fixtureRegion([fixtureRaw({ soil_retention_rate: '5' })]);
    // 5 t/hm² would warn (below 10); with the unusable unit the check does not run
    expect(checkPlausibility(region, scope, rules, fixtureSet)).toEqual([]);
  });

  it('names what a set lacks: the shipped method set has no electricity consumption input yet', () => {
    const set = loadSet(COEFFICIENTS, 'gep-functional', '1.0.0');
    const issues = plausibilityIssues(rules, set);
    expect(issues.filter((i) => !i.includes('electricity_consumption'))).toEqual([]);
  });
});

describe('loader errors are listed all at once', () => {
  it('schema problems: a bad mark, a missing source, an unknown kind, a bad category', () => {
    let text = replace(FIXTURE_RULES_YAML, "gep: { value: '20', mark: V }", "gep: { value: '20', mark: X }");
    text = replace(text, ', source: test B }', ' }');
    text = replace(text, 'kind: gep_per_km2', 'kind: gep_per_hectare');
    text = replace(text, 'category: cultural', 'category: spiritual');
    const issues = loadIssues(text);
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'publishedAccounts.county_a.gep.mark',
        'publishedAccounts.county_b.source',
        'checks.gep_per_km2.kind',
        'checks.cultural_share.category',
      ]),
    );
    expect(issues.every((i) => i.file === 'broken.yaml')).toBe(true);
  });

  it('meaning problems: min above max, a share above 100 %, a duplicate id, no county row, a printed figure that disagrees', () => {
    let text = replace(FIXTURE_RULES_YAML, "min: '1%', max: '50%'", "min: '60%', max: '50%'");
    text = replace(
      text,
      "scopes: [region], max: '50%', mark: M, reason: { zh: 理由, en: reason }, source: s }",
      "scopes: [region], max: '150%', mark: M, reason: { zh: 理由, en: reason }, source: s }",
    );
    text = replace(text, 'id: city_c', 'id: county_a');
    text = replace(text, 'scale: county\n  tolerance', 'scale: nation\n  tolerance');
    // city C: 100 亿元 ÷ 100 km² = 10,000 万元/km², printed 12,000: 16.7 % apart
    text = replace(text, "publishedPerKm2: { value: '10000'", "publishedPerKm2: { value: '12000'");
    text = replace(text, "max: '500'", "max: 'lots'");
    const issues = loadIssues(text);
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(byPath['checks.provisioning_share']).toBe('min 60% is above max 50%');
    expect(byPath['checks.cultural_share.max']).toBe('"150%" is a share above 100 %');
    expect(byPath['publishedAccounts.county_a']).toBe('duplicate id');
    expect(byPath['envelope.scale']).toBe('no published account of scale "nation" to derive it from');
    expect(byPath['publishedAccounts.county_a.publishedPerKm2']).toContain(
      '10000 万元/km², more than 5 % from the printed 12000',
    );
    expect(byPath['checks.soil_retention_per_hm2.max']).toBe('"lots" is not a non-negative number');
    expect(issues).toHaveLength(6);
  });

  it('a tolerance factor below 1 and bounds on the envelope check are refused', () => {
    let text = replace(FIXTURE_RULES_YAML, "factor: '1.25'", "factor: '0.8'");
    text = replace(text, 'scopes: [region], mark: I,', "scopes: [region], max: '9000', mark: I,");
    const paths = loadIssues(text).map((i) => i.path);
    expect(paths).toEqual(['envelope.tolerance.factor', 'checks.gep_per_km2']);
  });
});

describe('warnings raised and not raised', () => {
  it('the base county (GEP 50 亿元 on 100 km², shares 10/60/30 %, soil 200 t/hm², ratio 6) raises none', () => {
    const { region, scope } = fixtureRegion([fixtureRaw()]);
    // hand check of the fixture: 5 + 15 + 15 + 15 = 50 亿元
    expect(region.gep.toString()).toBe('5000000000');
    expect(scope.areaKm2.toString()).toBe('100');
    expect(checkPlausibility(region, scope, fixtureRules, fixtureSet)).toEqual([]);
  });

  it('GEP per km² above the envelope: 50 亿元 on 99 km² = 5,050.51 万元/km² > 4,000 × 1.25 = 5,000', () => {
    // the upper bound itself is inside: 50 亿元 on 100 km² is exactly 5,000 万元/km² (base test above)
    const w = one(warningsOf(undefined, { areaKm2: D(99) }), 'gep_per_km2');
    expect(w.side).toBe('above');
    expect(w.figure.div(WAN).toFixed(2)).toBe('5050.51');
    expect(w.bound.div(WAN).toString()).toBe('5000');
    expect(w.unit).toBe('yuan_per_km2');
    expect(w.source).toBe('rows');
  });

  it('GEP per km² below the envelope: 50 亿元 on 700 km² = 714.29 万元/km² < 1,000 ÷ 1.25 = 800', () => {
    const w = one(warningsOf(undefined, { areaKm2: D(700) }), 'gep_per_km2');
    expect(w.side).toBe('below');
    expect(w.figure.div(WAN).toFixed(2)).toBe('714.29');
    expect(w.bound.div(WAN).toString()).toBe('800');
    // 625 km² gives exactly 800: not below
    expect(ids(warningsOf(undefined, { areaKm2: D(625) }))).toEqual([]);
  });

  it('a township is not compared with the county envelope', () => {
    const ws = warningsOf(undefined, { areaKm2: D(99), kind: 'township' });
    expect(ids(ws)).toEqual([]);
  });

  it('provisioning above 50 %: crops 1,600,000 t × 2,500 元/t = 40 亿元 of 85 亿元 = 47.06 % (no); 2,000,000 t → 50 ÷ 95 = 52.63 %', () => {
    // 40 + 15 + 15 + 15 = 85 亿元 on 100 km² = 8,500 万元/km² is above the envelope too; widen the area
    const inside = warningsOf([fixtureRaw({ grain_output: '1600000' })], { areaKm2: D(200) });
    expect(ids(inside)).toEqual([]);
    const ws = warningsOf([fixtureRaw({ grain_output: '2000000' })], { areaKm2: D(200) });
    const w = one(ws, 'provisioning_share');
    expect(w.figure.times(100).toFixed(2)).toBe('52.63');
    expect(w.bound.toString()).toBe('0.5');
    expect(w.side).toBe('above');
    // crops are also a single product above half of GEP
    expect(one(ws, 'product_share.crops').labels).toEqual({
      zh: '单项产品占比：农业产品',
      en: 'Product share: Crops',
    });
    expect(ids(ws)).toEqual(['product_share.crops', 'provisioning_share']);
  });

  it('provisioning below 1 %: crops 10,000 t × 2,500 = 0.25 亿元 of 45.25 亿元 = 0.55 %', () => {
    const w = one(warningsOf([fixtureRaw({ grain_output: '10000' })]), 'provisioning_share');
    expect(w.side).toBe('below');
    expect(w.figure.times(100).toFixed(2)).toBe('0.55');
    expect(w.bound.toString()).toBe('0.01');
  });

  it('regulating above 95 %: no crops, no visitors → soil 15 + climate 15 = 30 亿元, 100 %', () => {
    const ws = warningsOf([fixtureRaw({ grain_output: '0', tourist_visits: '0' })], { areaKm2: D(50) });
    // 30 亿元 on 50 km² = 6,000 万元/km², above 5,000
    expect(ids(ws)).toEqual(['gep_per_km2', 'provisioning_share', 'regulating_share']);
    expect(one(ws, 'regulating_share').figure.toString()).toBe('1');
  });

  it('regulating below 30 % and cultural above 50 %: visitors 4,000,000 × 1,500 = 60 亿元 of 95 亿元', () => {
    const ws = warningsOf([fixtureRaw({ tourist_visits: '4000000' })], { areaKm2: D(200) });
    // regulating 30 ÷ 95 = 31.58 % (inside); cultural 60 ÷ 95 = 63.16 % (above 50 %)
    expect(ids(ws)).toEqual(['cultural_share', 'product_share.recreation']);
    expect(one(ws, 'cultural_share').figure.times(100).toFixed(2)).toBe('63.16');
    const low = warningsOf([fixtureRaw({ tourist_visits: '6000000' })], { areaKm2: D(200) });
    // 90 + 5 + 30 = 125 亿元: regulating 30 ÷ 125 = 24 %
    expect(one(low, 'regulating_share').figure.toString()).toBe('0.24');
    expect(one(low, 'regulating_share').side).toBe('below');
  });

  it('climate regulation above 50 %, warned once (its own band, not also as a single product)', () => {
    // vegetation 1,000,000 kWh/hm² × 6,000 hm² + 600,000 × 1,000 = 6.6 × 10⁹ kWh × 0.5 = 33 亿元;
    // GEP = 5 + 15 + 33 + 15 = 68 亿元; 33 ÷ 68 = 48.53 % (no warning)
    const at = warningsOf([fixtureRaw({ vegetation_cooling: '1000000', electricity_consumption: '1e9' })], {
      areaKm2: D(200),
    });
    expect(ids(at)).toEqual([]);
    // 1,200,000 kWh/hm²: 7.8 × 10⁹ kWh → 39 亿元 of 74 亿元 = 52.70 %
    const ws = warningsOf([fixtureRaw({ vegetation_cooling: '1200000', electricity_consumption: '1e9' })], {
      areaKm2: D(200),
    });
    expect(ids(ws)).toEqual(['climate_share']);
    const w = one(ws, 'climate_share');
    expect(w.figure.times(100).toFixed(2)).toBe('52.70');
    expect(w.labels.zh).toBe('气候调节占比');
    expect(w.source).toBe('published 22–37 %');
  });

  it('soil retained per hm² of the classes it is computed on: forest + farmland, not water or built-up', () => {
    // 600 t/hm² × 8,000 hm² = 4,800,000 t ÷ 8,000 hm² = 600 > 500 (dividing by all 10,000 hm² would give 480)
    // value 4.8 × 10⁶ × 937.5 = 45 亿元; GEP 80 亿元 on 200 km², regulating 60 ÷ 80 = 75 %, soil 56.25 %
    const ws = warningsOf([fixtureRaw({ soil_retention_rate: '600' })], { areaKm2: D(200) });
    const w = one(ws, 'soil_retention_per_hm2');
    expect(w.figure.toString()).toBe('600');
    expect(w.bound.toString()).toBe('500');
    expect(w.unitText).toBe('t/hm2');
    expect(ids(ws)).toEqual(['product_share.soil_retention', 'soil_retention_per_hm2']);
    // 5 t/hm² is below 10
    const low = one(warningsOf([fixtureRaw({ soil_retention_rate: '5' })]), 'soil_retention_per_hm2');
    expect([low.side, low.figure.toString(), low.bound.toString()]).toEqual(['below', '5', '10']);
  });

  it('soil retention is checked for a township too', () => {
    const ws = warningsOf([fixtureRaw({ soil_retention_rate: '5' })], { kind: 'township' });
    expect(ids(ws)).toEqual(['soil_retention_per_hm2']);
  });

  it('equivalent electricity above 10 × consumption: 3 × 10⁹ kWh ÷ 2.5 亿kWh = 12', () => {
    const ws = warningsOf([
      fixtureRaw({ electricity_consumption: '2.5' }, 't1', { electricity_consumption: '亿kWh' }),
    ]);
    const w = one(ws, 'climate_electricity_ratio');
    expect(w.figure.toString()).toBe('12');
    expect(w.bound.toString()).toBe('10');
    expect(w.unit).toBe('ratio');
    // 30,000 万kWh = 3 × 10⁸ kWh → 3 × 10⁹ ÷ 3 × 10⁸ = 10: at the bound, not above
    const at = warningsOf([
      fixtureRaw({ electricity_consumption: '30000' }, 't1', { electricity_consumption: '万kWh' }),
    ]);
    expect(ids(at)).toEqual([]);
  });

  it('no electricity warning without the consumption (an optional input), nor when a township lacks it', () => {
    expect(ids(warningsOf([fixtureRaw({ electricity_consumption: undefined })]))).toEqual([]);
    // two townships: 6 × 10⁹ kWh; only t1 gives consumption (1 亿kWh): the county figure is not known
    const raw = [
      fixtureRaw({ electricity_consumption: '100000000' }, 't1'),
      fixtureRaw({ electricity_consumption: undefined }, 't2'),
    ];
    expect(ids(warningsOf(raw))).toEqual([]);
  });

  it('a region of two townships sums their climate kWh and their consumption: 6 × 10⁹ ÷ (2.5 + 2.5) × 10⁸ = 12', () => {
    const raw = [
      fixtureRaw({ electricity_consumption: '250000000' }, 't1'),
      fixtureRaw({ electricity_consumption: '250000000' }, 't2'),
    ];
    const ws = warningsOf(raw);
    // 100 亿元 on 200 km² = 5,000 万元/km²: inside; shares as in the base county
    expect(ids(ws)).toEqual(['climate_electricity_ratio']);
    expect(one(ws, 'climate_electricity_ratio').figure.toString()).toBe('12');
  });

  it('reads as a sentence with figure, bound and source in Chinese and English', () => {
    const w = one(warningsOf(undefined, { areaKm2: D(99) }), 'gep_per_km2');
    expect(warningText(w, 'zh')).toBe(
      '单位面积GEP 5,050.51 万元/km²，高于上限 5,000.00 万元/km² [I]。包络 依据：rows。' +
        '包络：甲县 2018 1,000.00 万元/km²（test A）至 乙县 2019 4,000.00 万元/km²（test B），下限 ÷ 1.25、上限 × 1.25 [M]：测试',
    );
    expect(warningText(w, 'en')).toBe(
      'GEP per km² 5,050.51 10⁴ yuan/km², above the upper bound 5,000.00 10⁴ yuan/km² [I]. envelope Source: rows. ' +
        'Envelope: County A 2018 1,000.00 10⁴ yuan/km² (test A) to County B 2019 4,000.00 10⁴ yuan/km² (test B), lower ÷ 1.25, upper × 1.25 [M]: test',
    );
    const share = one(warningsOf([fixtureRaw({ grain_output: '10000' })]), 'provisioning_share');
    expect(warningText(share, 'zh')).toBe('物质产品占比 0.55%，低于下限 1.00% [M]。理由 依据：s');
  });
});

describe('the command line shows the warnings', () => {
  const dir = fixtureFolder();
  // the base township with consumption 2.5 亿kWh: 3 × 10⁹ kWh ÷ 2.5 × 10⁸ kWh = 12 > 10
  const data = join(dir, 'data.json');
  writeFileSync(
    data,
    JSON.stringify({
      format: 'gep-ledger/dataset@1',
      region: { id: 'fixture', labels: { zh: '测试县', en: 'Test county' } },
      townships: [{ id: 't1', labels: { zh: '甲镇', en: 'Town A' }, kind: 'town', areaKm2: '100' }],
      records: [
        { ...fixtureRaw({ electricity_consumption: '250000000' }), year: 2021 },
        { ...fixtureRaw(), year: 2022 },
      ],
    }),
  );
  const args = ['--set', 'plaus-fixture', '--data', data, '--coefficients', dir];

  it('account (table) ends with a 合理性提示 section; the 2022 account has none', async () => {
    const r = await runCli('account', ...args, '--year', '2021');
    expect(r.code).toBe(EXIT.ok);
    const section = r.out.slice(r.out.indexOf('合理性提示'));
    expect(section).toContain(
      '  1. 等效用电量/全社会用电量 12.00 倍，高于上限 10.00 倍 [M]。理由 依据：Shenzhen 2020',
    );
    expect(section).not.toMatch(/^\s+2\. /m);
    const none = await runCli('account', ...args, '--year', '2022', '--lang', 'en');
    expect(none.out).toContain('Plausibility warnings: none');
  });

  it('account --format json carries a warnings array with unrounded figures', async () => {
    const r = await runCli('account', ...args, '--year', '2021', '--format', 'json');
    const json = JSON.parse(r.out) as {
      warnings: { id: string; figure: string; bound: string; side: string }[];
    };
    expect(json.warnings).toEqual([
      expect.objectContaining({ id: 'climate_electricity_ratio', figure: '12', bound: '10', side: 'above' }),
    ]);
  });

  it('account --format csv keeps its rows and prints the warnings on standard error', async () => {
    const r = await runCli('account', ...args, '--year', '2021', '--format', 'csv');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).not.toContain('合理性提示');
    expect(r.err).toContain('12.00 倍');
  });

  it("validate --data prints each year's warnings and still exits 0", async () => {
    const r = await runCli('validate', ...args);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('2021 合理性提示');
    expect(r.out).toContain('12.00 倍');
    expect(r.out).toContain('2022 合理性提示: 无');
  });
});

describe('the warnings box of the summary page', () => {
  // rendered by Express with ejs, as the app renders it
  const views = express();
  views.set('views', fileURLToPath(new URL('../../views', import.meta.url)));
  views.set('view engine', 'ejs');
  const fmt = { warningFigure, envelopeText };
  const render = (
    warnings: PlausibilityWarning[],
    lang: 'zh' | 'en',
    ref = 'plausibility@1.0.0+0123456789ab',
  ) =>
    new Promise<string>((resolve, reject) =>
      views.render('reports/plausibility', { warnings, lang, fmt, ref }, (e, html) =>
        e ? reject(e) : resolve(html),
      ),
    );

  it('shows each warning with figure, bound and its mark, reason and source, in zh and en', async () => {
    // 50 亿元 on 99 km² (5,050.51 万元/km² > 5,000) and crops at 52.63 % (> 50 %) of 95 亿元 on 200 km²
    const ws = [
      one(warningsOf(undefined, { areaKm2: D(99) }), 'gep_per_km2'),
      one(warningsOf([fixtureRaw({ grain_output: '2000000' })], { areaKm2: D(200) }), 'provisioning_share'),
    ];
    const zh = await render(ws, 'zh');
    expect(zh).toContain('合理性提示 (2)');
    expect(zh).toMatch(
      /data-id="gep_per_km2"><td>单位面积GEP<\/td><td class="num"><strong>5,050.51 万元\/km²<\/strong><\/td><td class="num">高于上限 5,000.00 万元\/km² \[I\]<\/td><td>包络<\/td><td>rows<br><span class="meta">包络：甲县 2018 1,000.00 万元\/km²/,
    );
    expect(zh).toContain('<strong>52.63%</strong>');
    const en = await render(ws, 'en');
    expect(en).toContain('Plausibility warnings (2)');
    expect(en).toContain('above max 50.00% [M]');
    // the document the bands come from, by version and hash
    expect(en).toContain('Bands and envelope: <code>plausibility@1.0.0+0123456789ab</code>');
  });

  it('says the checks passed when there is no warning', async () => {
    expect(await render([], 'zh')).toContain('合理性检查：所查各项均在已发表核算范围与区间之内');
  });
});

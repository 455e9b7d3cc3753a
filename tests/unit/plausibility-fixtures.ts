/**
 * A small coefficient set and a small plausibility document for the plausibility tests, with round
 * numbers, so that each test can work its figures by hand. Independent of the shipped method sets
 * (which are being rewritten) and of the sample county.
 *
 * The fixture county: one township "t1" of 100 km² = 10,000 hm² (forest 6,000, farmland 2,000,
 * water 1,000, built-up 1,000), whose base record gives GEP = 50 亿元 = 5,000 万元/km²:
 *   crops          200,000 t × 2,500 元/t                                   =  5 亿元 (10 %, provisioning)
 *   soil retained  200 t/hm² × (6,000 + 2,000) hm² = 1,600,000 t × 937.5 元/t = 15 亿元 (30 %)
 *   climate        (400,000 kWh/hm² × 6,000 hm² + 600,000 kWh/hm² × 1,000 hm²)
 *                  = 3 × 10⁹ kWh × 0.5 元/kWh                                = 15 亿元 (30 %)
 *   recreation     1,000,000 人次 × 1,500 元/人次                             = 15 亿元 (30 %, cultural)
 *   regulating = 30 % + 30 % = 60 %; electricity consumption 5 亿kWh → 3 × 10⁹ ÷ 5 × 10⁸ = 6.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { accountTownship, aggregateRegion, type InputRecord } from '../../src/domain/accounting.js';
import { formatIssue, totalArea, validateRecords, type RawRecord } from '../../src/domain/inputs.js';
import type { CompiledSet } from '../../src/domain/model.js';
import type { PlausibilityScope } from '../../src/domain/plausibility.js';
import { sum } from '../../src/domain/decimal.js';
import { compilePlausibility } from '../../src/methods/plausibility.js';
import { loadSet } from '../../src/methods/resolve.js';

const DEPT = '{ zh: 县统计局, en: County Statistics Bureau }';

export const FIXTURE_SET_YAML = `
id: plaus-fixture
version: 1.0.0
status: draft
title: { zh: 合理性检查测试参数集, en: Plausibility test set }
profiles:
  - { id: academic, labels: { zh: 学术, en: Academic } }
inputGroups:
  - { id: all, labels: { zh: 全部, en: All } }
landClasses:
  - { id: forest, labels: { zh: 林地, en: Forest }, ecosystem: forest }
  - { id: farmland, labels: { zh: 耕地, en: Farmland }, ecosystem: farmland }
  - { id: water, labels: { zh: 水域, en: Water }, ecosystem: water }
  - { id: built_up, labels: { zh: 建设用地, en: Built-up }, ecosystem: urban }
inputs:
  - { id: land_area, labels: { zh: 地类面积, en: Area by land class }, unit: hm2, acceptUnits: [km2], perLandClass: true, department: ${DEPT}, group: all }
  - { id: grain_output, labels: { zh: 粮食产量, en: Grain output }, unit: t, department: ${DEPT}, group: all }
  - { id: soil_retention_rate, labels: { zh: 单位面积土壤保持量, en: Soil retained per hm² }, unit: t/hm2, department: ${DEPT}, group: all }
  - { id: vegetation_cooling, labels: { zh: 植被降温耗电当量, en: Vegetation cooling }, unit: kWh/hm2, department: ${DEPT}, group: all }
  - { id: water_cooling, labels: { zh: 水面降温耗电当量, en: Water cooling }, unit: kWh/hm2, department: ${DEPT}, group: all }
  - { id: tourist_visits, labels: { zh: 游客人次, en: Visits }, unit: 人次, department: ${DEPT}, group: all }
  - { id: electricity_consumption, labels: { zh: 全社会用电量, en: Electricity consumption }, unit: kWh, acceptUnits: [万kWh, 亿kWh], required: false, department: ${DEPT}, group: all }
parameters:
  - { id: grain_price, labels: { zh: 粮食价格, en: Grain price }, unit: 元/t, value: '2500', priceYear: 2021, source: test, verified: false }
  - { id: soil_price, labels: { zh: 清淤成本, en: Dredging cost }, unit: 元/t, value: '937.5', priceYear: 2021, source: test, verified: false }
  - { id: electricity_price, labels: { zh: 电价, en: Electricity price }, unit: 元/kWh, value: '0.5', priceYear: 2021, source: test, verified: false }
  - { id: spend_per_visit, labels: { zh: 人均旅行花费, en: Spend per visit }, unit: 元/人次, value: '1500', priceYear: 2021, source: test, verified: false }
products:
  - id: crops
    category: provisioning
    labels: { zh: 农业产品, en: Crops }
    method: market_value
    profiles: [academic]
    components:
      - { id: grain, ecosystem: farmland, quantity: { formula: grain_output, unit: t }, value: { formula: Q * grain_price, unit: 元 } }
  - id: soil_retention
    category: regulating
    labels: { zh: 土壤保持, en: Soil retention }
    method: replacement_cost
    profiles: [academic]
    components:
      - { id: soil_retained, landClasses: [forest, farmland], quantity: { formula: soil_retention_rate * land_area, unit: t }, value: { formula: Q * soil_price, unit: 元 } }
  - id: climate_regulation
    category: regulating
    labels: { zh: 气候调节, en: Climate regulation }
    method: replacement_cost
    profiles: [academic]
    components:
      - { id: climate_vegetation, landClasses: [forest], quantity: { formula: vegetation_cooling * land_area, unit: kWh }, value: { formula: Q * electricity_price, unit: 元 } }
      - { id: climate_water_surface, landClasses: [water], quantity: { formula: water_cooling * land_area, unit: kWh }, value: { formula: Q * electricity_price, unit: 元 } }
  - id: recreation
    category: cultural
    labels: { zh: 休闲旅游, en: Recreation }
    method: travel_cost
    profiles: [academic]
    components:
      - { id: recreation, ecosystem: forest, quantity: { formula: tourist_visits, unit: 人次 }, value: { formula: Q * spend_per_visit, unit: 元 } }
`;

/**
 * Plausibility document of the tests. Envelope: county A 20 亿元 / 200 km² = 1,000 万元/km², county B
 * 40 亿元 / 100 km² = 4,000 万元/km² (the city row, 10,000 万元/km², is not county-scale), factor 1.25:
 * lower = 1,000 ÷ 1.25 = 800, upper = 4,000 × 1.25 = 5,000 万元/km². The bands are those shipped.
 */
export const FIXTURE_RULES_YAML = `
format: gep-ledger/plausibility@1
id: plausibility
version: 1.0.0
status: draft
title: { zh: 测试, en: Test }
publishedAccounts:
  - { id: county_a, labels: { zh: 甲县, en: County A }, scale: county, year: 2018, gep: { value: '20', mark: V }, area: { value: '200', mark: I }, source: test A }
  - { id: county_b, labels: { zh: 乙县, en: County B }, scale: county, year: 2019, gep: { value: '40', mark: V }, area: { value: '100', mark: I }, source: test B }
  - { id: city_c, labels: { zh: 丙市, en: City C }, scale: city, year: 2020, gep: { value: '100', mark: V }, area: { value: '100', mark: I }, publishedPerKm2: { value: '10000', mark: V }, source: test C }
envelope:
  scale: county
  tolerance: { factor: '1.25', mark: M, reason: { zh: 测试, en: test } }
checks:
  - { id: gep_per_km2, kind: gep_per_km2, labels: { zh: 单位面积GEP, en: GEP per km² }, scopes: [region], mark: I, reason: { zh: 包络, en: envelope }, source: rows }
  - { id: provisioning_share, kind: category_share, category: provisioning, labels: { zh: 物质产品占比, en: Provisioning share }, scopes: [region], min: '1%', max: '50%', mark: M, reason: { zh: 理由, en: reason }, source: s }
  - { id: regulating_share, kind: category_share, category: regulating, labels: { zh: 调节服务占比, en: Regulating share }, scopes: [region], min: '30%', max: '95%', mark: M, reason: { zh: 理由, en: reason }, source: s }
  - { id: cultural_share, kind: category_share, category: cultural, labels: { zh: 文化服务占比, en: Cultural share }, scopes: [region], max: '50%', mark: M, reason: { zh: 理由, en: reason }, source: s }
  - { id: product_share, kind: product_share, except: [climate_regulation], labels: { zh: 单项产品占比, en: Product share }, scopes: [region], max: '50%', mark: M, reason: { zh: 理由, en: reason }, source: s }
  - { id: climate_share, kind: product_share, products: [climate_regulation], labels: { zh: 气候调节占比, en: Climate share }, scopes: [region], max: '50%', mark: M, reason: { zh: 理由, en: reason }, source: published 22–37 % }
  - { id: soil_retention_per_hm2, kind: quantity_per_area, components: [soil_retained], quantityUnit: t, areaInput: land_area, areaUnit: hm2, labels: { zh: 单位面积土壤保持量, en: Soil retained per hm² }, scopes: [region, township], min: '10', max: '500', mark: M, reason: { zh: 理由, en: reason }, source: issue 9 }
  - { id: climate_electricity_ratio, kind: quantity_per_input, components: [climate_vegetation, climate_water_surface], quantityUnit: kWh, input: electricity_consumption, labels: { zh: 等效用电量/全社会用电量, en: Equivalent electricity ÷ consumption }, scopes: [region], max: '10', mark: M, reason: { zh: 理由, en: reason }, source: Shenzhen 2020 }
`;

/** A coefficients folder with the fixture set and, optionally, the plausibility document. */
export function fixtureFolder(withRules = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'gep-plaus-'));
  mkdirSync(join(dir, 'plaus-fixture'));
  writeFileSync(join(dir, 'plaus-fixture', '1.0.0.yaml'), FIXTURE_SET_YAML);
  if (withRules) {
    mkdirSync(join(dir, 'plausibility'));
    writeFileSync(join(dir, 'plausibility', '1.0.0.yaml'), FIXTURE_RULES_YAML);
  }
  return dir;
}

const folder = fixtureFolder(false);
export const fixtureSet: CompiledSet = loadSet(folder, 'plaus-fixture', '1.0.0');
export const fixtureRules = compilePlausibility(parseYaml(FIXTURE_RULES_YAML), 'fixture');

export const BASE_VALUES = {
  land_area: { forest: '6000', farmland: '2000', water: '1000', built_up: '1000' },
  grain_output: '200000',
  soil_retention_rate: '200',
  vegetation_cooling: '400000',
  water_cooling: '600000',
  tourist_visits: '1000000',
  electricity_consumption: '500000000',
} as const;

export function fixtureRaw(
  values: Record<string, unknown> = {},
  township = 't1',
  units?: Record<string, string>,
): RawRecord {
  const merged: Record<string, unknown> = { ...BASE_VALUES, ...values };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return { township, year: 2021, values: merged, units };
}

export function fixtureRecords(raw: RawRecord[]): InputRecord[] {
  const { records, issues } = validateRecords(fixtureSet, raw);
  if (issues.length) throw new Error(issues.map((i) => formatIssue(i, 'en')).join('\n'));
  return records;
}

/** The region account of the records and its scope (area from the land-use areas: hm² ÷ 100). */
export function fixtureRegion(raw: RawRecord[]) {
  const records = fixtureRecords(raw);
  const region = aggregateRegion(records.map((r) => accountTownship(fixtureSet, r, 'academic')));
  const scope: PlausibilityScope = {
    kind: 'region',
    areaKm2: sum(records.map(totalArea)).div(100),
    records,
  };
  return { region, records, scope };
}

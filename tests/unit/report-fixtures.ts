/**
 * Shared data of the report tests: the Minhou sample county (seeds/minhou/dataset.json) accounted with
 * the minhou-2021 set for 2020 and 2021, the sample balance-sheet configuration, and small Dec helpers.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { expect } from 'vitest';
import {
  accountTownship,
  aggregateRegion,
  type GepTotals,
  type InputRecord,
  type RegionAccount,
  type TownshipAccount,
} from '../../src/domain/accounting.js';
import { parseBalanceSheetConfig } from '../../src/domain/balance-sheet-config.js';
import { Dec, ZERO } from '../../src/domain/decimal.js';
import { formatIssue, validateRecords } from '../../src/domain/inputs.js';
import type { CompiledSet } from '../../src/domain/model.js';
import { readDatasetJson } from '../../src/io/dataset.js';
import { loadSet } from '../../src/methods/resolve.js';

export const D = (x: string | number) => new Dec(x);

/** Exact decimal equality, both figures in the failure message. */
export function expectDec(actual: Dec | undefined, expected: Dec | string | number) {
  expect(actual, 'figure missing').toBeDefined();
  expect(actual!.toString()).toBe(new Dec(expected).toString());
}

export function readBalanceSheetConfig(set: CompiledSet) {
  const raw: unknown = parseYaml(readFileSync('coefficients/balance-sheet/minhou.yaml', 'utf8'));
  return parseBalanceSheetConfig(raw, set, 'coefficients/balance-sheet/minhou.yaml');
}

/** Account totals with round figures (元), for sheets worked by hand. */
export function totals(
  provisioning: string,
  regulating: string,
  cultural: string,
  deduction = '0',
): GepTotals {
  const categoryValues = { provisioning: D(provisioning), regulating: D(regulating), cultural: D(cultural) };
  const gep = categoryValues.provisioning.plus(categoryValues.regulating).plus(categoryValues.cultural);
  return {
    productValues: new Map(),
    categoryValues,
    ecosystemValues: new Map([['unallocated', gep]]),
    gep,
    outOfRegionDeduction: D(deduction),
    gepNet: gep.minus(D(deduction)),
  };
}

export interface Sample {
  readonly set: CompiledSet;
  readonly dataset: ReturnType<typeof readDatasetJson>;
  readonly records: (year: number) => InputRecord[];
  readonly region: (year: number) => RegionAccount;
  readonly nameOf: (township: string) => { zh: string; en: string };
}

let sample: Sample | undefined;
/** The sample county, validated and accounted once per test file. */
export function minhouSample(): Sample {
  if (sample) return sample;
  const set = loadSet('coefficients', 'minhou-2021');
  const dataset = readDatasetJson('seeds/minhou/dataset.json');
  const { records, issues } = validateRecords(set, dataset.records, dataset.townships);
  expect(issues.map((i) => formatIssue(i, 'en'))).toEqual([]);
  const regions = new Map<number, RegionAccount>();
  const labels = new Map(dataset.townships.map((t) => [t.id, t.labels]));
  sample = {
    set,
    dataset,
    records: (year) => records.filter((r) => r.year === year),
    region: (year) => {
      let r = regions.get(year);
      if (!r) {
        const accounts = records
          .filter((x) => x.year === year)
          .map((x) => accountTownship(set, x, 'academic'));
        regions.set(year, (r = aggregateRegion(accounts)));
      }
      return r;
    },
    nameOf: (t) => labels.get(t) ?? { zh: t, en: t },
  };
  return sample;
}

export { ZERO };

/** A township account with one product per category (agricultural products, water conservation, recreation). */
export function handAccount(
  township: string,
  year: number,
  provisioning: string,
  regulating: string,
  cultural: string,
  deduction = '0',
): TownshipAccount {
  const t = totals(provisioning, regulating, cultural, deduction);
  return {
    ...t,
    productValues: new Map([
      ['agricultural_products', t.categoryValues.provisioning],
      ['water_conservation', t.categoryValues.regulating],
      ['recreation', t.categoryValues.cultural],
    ]),
    township,
    year,
    set: { id: 'hand', version: '0.0.0', hash: 'hand' },
    profile: 'academic',
    components: [],
    env: [],
  };
}

/** The county of hand accounts: every figure the sum of the townships'. */
export function handRegion(accounts: TownshipAccount[]): RegionAccount {
  const add = (pick: (a: TownshipAccount) => Dec) => accounts.reduce((s, a) => s.plus(pick(a)), ZERO);
  const productValues = new Map<string, Dec>();
  for (const a of accounts)
    for (const [k, v] of a.productValues) productValues.set(k, (productValues.get(k) ?? ZERO).plus(v));
  const gep = add((a) => a.gep);
  return {
    year: accounts[0]!.year,
    townships: accounts,
    componentQuantities: new Map(),
    componentValues: new Map(),
    productValues,
    categoryValues: {
      provisioning: add((a) => a.categoryValues.provisioning),
      regulating: add((a) => a.categoryValues.regulating),
      cultural: add((a) => a.categoryValues.cultural),
    },
    ecosystemValues: new Map([['unallocated', gep]]),
    gep,
    outOfRegionDeduction: add((a) => a.outOfRegionDeduction),
    gepNet: add((a) => a.gepNet),
  };
}

/** A record with the inputs the indicators read: land area (all built-up, hm²), people, GDP and costs (万元). */
export function handRecord(
  township: string,
  year: number,
  v: { areaHm2: string; population: string; gdpWan: string; pollutionWan?: string; damageWan?: string },
): InputRecord {
  return {
    township,
    year,
    values: new Map<string, Dec | ReadonlyMap<string, Dec>>([
      ['land_area', new Map([['built_up', D(v.areaHm2)]])],
      ['resident_population', D(v.population)],
      ['gdp', D(v.gdpWan)],
      ['pollution_cost', D(v.pollutionWan ?? '0')],
      ['ecological_damage_cost', D(v.damageWan ?? '0')],
    ]),
  };
}

export const EVIL_NAME = '<script>&"';

/**
 * Four townships worked by hand (元, km², people, 万元):
 *   a: GEP 300e6 (100 + 150 + 50), 100 km², 50,000 people, GDP 600,000 万元; 2020 GEP 250e6
 *   b: GEP 300e6 (100 + 150 + 50), 200 km², 20,000 people, GDP 100,000 万元; 2020 GEP 300e6
 *   c: GEP 500e6 (100 + 350 + 50),  50 km², 100,000 people, GDP 250,000 万元; 2020 GEP 400e6
 *   d (named `<script>&"`): GEP 100e6 (50 + 40 + 10), 25 km², no residents, no GDP; 2020 GEP 100e6
 */
export const HAND = {
  townships: [
    { id: 'a', labels: { zh: '甲镇', en: 'A Town' }, areaKm2: D(100) },
    { id: 'b', labels: { zh: '乙镇', en: 'B Town' }, areaKm2: D(200) },
    { id: 'c', labels: { zh: '丙镇', en: 'C Town' }, areaKm2: D(50) },
    { id: 'd', labels: { zh: EVIL_NAME, en: EVIL_NAME }, areaKm2: D(25) },
  ],
  current: handRegion([
    handAccount('a', 2021, '100000000', '150000000', '50000000'),
    handAccount('b', 2021, '100000000', '150000000', '50000000'),
    handAccount('c', 2021, '100000000', '350000000', '50000000'),
    handAccount('d', 2021, '50000000', '40000000', '10000000'),
  ]),
  previous: handRegion([
    handAccount('a', 2020, '100000000', '100000000', '50000000'),
    handAccount('b', 2020, '100000000', '150000000', '50000000'),
    handAccount('c', 2020, '100000000', '250000000', '50000000'),
    handAccount('d', 2020, '50000000', '40000000', '10000000'),
  ]),
  records: [
    handRecord('a', 2021, {
      areaHm2: '10000',
      population: '50000',
      gdpWan: '600000',
      pollutionWan: '100',
      damageWan: '50',
    }),
    handRecord('b', 2021, { areaHm2: '20000', population: '20000', gdpWan: '100000' }),
    handRecord('c', 2021, { areaHm2: '5000', population: '100000', gdpWan: '250000' }),
    handRecord('d', 2021, { areaHm2: '2500', population: '0', gdpWan: '0' }),
  ],
};

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

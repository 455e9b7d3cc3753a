import {
  accountTownship,
  aggregateRegion,
  type InputRecord,
  type RegionAccount,
} from '../domain/accounting.js';
import type { CompiledSet } from '../domain/model.js';
import type { TransitionMatrix } from '../domain/transitions.js';
import type { Db } from './db.js';
import { ValidationError } from './errors.js';
import { listTownships, type Township } from './regions.js';
import { rawFromRow, validateSurvey, type SurveyRow } from './survey.js';
import { listTransitions } from './transitions.js';

/** One year accounted from the approved survey data: every figure of every township and the county. */
export interface YearAccounts {
  readonly year: number;
  readonly records: readonly InputRecord[];
  readonly region: RegionAccount;
  /** The stored rows the figures came from (values and versions): what a published report freezes. */
  readonly rows: readonly Pick<SurveyRow, 'township_id' | 'year' | 'version' | 'values' | 'overrides'>[];
  /** Townships without approved data for the year: not in the figures. */
  readonly missing: readonly Township[];
}

// Accounts keyed by the set's content hash and the versions of the records used: a key names immutable
// content, so an entry is never stale, whichever process wrote the data.
const cache = new Map<string, YearAccounts>();
const CACHE_LIMIT = 64;

export async function accountYear(
  db: Db,
  set: CompiledSet,
  profile: string,
  year: number,
): Promise<YearAccounts | undefined> {
  const heads = await db.query<{ township_id: string; version: number }>(
    "select township_id, version from survey_records where year = $1 and status = 'approved' order by township_id",
    [year],
  );
  if (!heads.length) return undefined;
  const key = `${set.hash}|${profile}|${year}|${heads.map((h) => `${h.township_id}:${h.version}`).join(',')}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const rows = await db.query<SurveyRow>(
    "select township_id, year, version, values, overrides from survey_records where year = $1 and status = 'approved' order by township_id",
    [year],
  );
  const { records, issues } = await validateSurvey(db, set, rows.map(rawFromRow));
  if (issues.length) throw new ValidationError(issues);
  const townships = await listTownships(db);
  const order = new Map(townships.map((t, i) => [t.id, i]));
  // one order everywhere: 34-digit sums can differ in the last digit when added in another order
  records.sort((a, b) => order.get(a.township)! - order.get(b.township)!);
  rows.sort((a, b) => order.get(a.township_id)! - order.get(b.township_id)!);
  const region = aggregateRegion(records.map((r) => accountTownship(set, r, profile)));
  const present = new Set(records.map((r) => r.township));
  const result: YearAccounts = {
    year,
    records,
    region,
    rows: rows.map(({ township_id, year: y, version, values, overrides }) => ({
      township_id,
      year: y,
      version,
      values,
      overrides,
    })),
    missing: townships.filter((t) => !present.has(t.id)),
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, result);
  return result;
}

export async function transitionsBetween(db: Db, from: number, to: number): Promise<TransitionMatrix[]> {
  return (await listTransitions(db))
    .filter((m) => m.from_year === from && m.to_year === to)
    .map((m) => ({
      township: m.township_id,
      fromYear: m.from_year,
      toYear: m.to_year,
      unit: m.unit,
      matrix: m.matrix,
    }));
}

/** Years with approved data, oldest first. */
export async function approvedYears(db: Db): Promise<number[]> {
  const rows = await db.query<{ year: number }>(
    "select distinct year from survey_records where status = 'approved' order by year",
  );
  return rows.map((r) => r.year);
}

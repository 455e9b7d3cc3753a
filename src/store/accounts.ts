import {
  accountTownship,
  aggregateRegion,
  type InputRecord,
  type RegionAccount,
} from '../domain/accounting.js';
import type { CompiledSet } from '../domain/model.js';
import type { TransitionMatrix } from '../domain/transitions.js';
import type { Db } from './db.js';
import { wholeNumberFromEnv } from '../env.js';
import { ValidationError } from './errors.js';
import { listTownships, type Township } from './regions.js';
import { rawFromRow, type SurveyRow } from './survey.js';
import { validateRecords } from '../domain/inputs.js';
import { listTransitions } from './transitions.js';
import { dataVersion, memoByVersion } from './version.js';

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
// content, so an entry is never stale, whichever process wrote the data. Bounded by count and by an estimate of
// the bytes a township-year holds (its record's decimals, the stored row, the run and the figures read),
// least recently used first out.
const cache = new Map<string, YearAccounts>();
const CACHE_LIMIT = 64;
/** Bytes a township-year kept in the cache is taken to hold (≈ 300 decimals and their maps, the row, the run). */
export const TOWNSHIP_YEAR_BYTES = 64 * 1024;
export const ACCOUNTS_CACHE_BYTES = wholeNumberFromEnv(process.env, 'ACCOUNTS_CACHE_BYTES', {
  min: 0,
  max: 2 ** 40,
  fallback: 512 * 2 ** 20,
  unit: 'bytes',
});
let cachedTownshipYears = 0;

function keep(key: string, a: YearAccounts) {
  cache.set(key, a);
  cachedTownshipYears += a.records.length;
  for (const [k, old] of cache) {
    if (cache.size <= CACHE_LIMIT && cachedTownshipYears * TOWNSHIP_YEAR_BYTES <= ACCOUNTS_CACHE_BYTES) break;
    if (k === key) continue;
    cache.delete(k);
    cachedTownshipYears -= old.records.length;
  }
}

export async function accountYear(
  db: Db,
  set: CompiledSet,
  profile: string,
  year: number,
): Promise<YearAccounts | undefined> {
  // the versions as one text ("t1:3,t2:1,…" in township id order): one value, not a row object per township
  const [head] = await db.query<{ versions: string | null }>(
    `select string_agg(township_id || ':' || version, ',' order by township_id) as versions
     from survey_records where year = $1 and status = 'approved'`,
    [year],
  );
  if (!head?.versions) return undefined;
  const key = `${set.hash}|${profile}|${year}|${head.versions}`;
  const hit = cache.get(key);
  if (hit) {
    // most recently used last
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  // one row of text (a JSON array of the rows): PGlite makes an object per row and parses each jsonb field apart,
  // which costs about twice as much for a thousand rows. One order everywhere, the townships' (sort, then id):
  // 34-digit sums can differ in the last digit when added in another order
  const [agg] = await db.query<{ rows: string | null }>(
    `select json_agg(json_build_array(r.township_id, r.year, r.version, r.values, r.overrides)
       order by t.sort, t.id)::text as rows
     from survey_records r join townships t on t.id = r.township_id
     where r.year = $1 and r.status = 'approved'`,
    [year],
  );
  if (!agg?.rows) return undefined;
  const rows = (
    JSON.parse(agg.rows) as [string, number, number, SurveyRow['values'], SurveyRow['overrides']][]
  ).map(([township_id, y, version, values, overrides]) => ({
    township_id,
    year: y,
    version,
    values,
    overrides,
  }));
  // approved data was checked against the township areas when it was entered; a later change of a
  // township's registered area does not unmake it (the land-use sum is the record's own)
  const { records, issues } = validateRecords(set, rows.map(rawFromRow));
  if (issues.length) throw new ValidationError(issues);
  const region = aggregateRegion(records.map((r) => accountTownship(set, r, profile)));
  const result: YearAccounts = { year, records, region, rows, missing: await townshipsWithout(db, rows) };
  keep(key, result);
  return result;
}

/**
 * Townships without approved data for the year, in the townships' order (sort, then id); most years none. Worked
 * out here from the year's rows: the embedded database, which has no statistics until something analyzes, planned
 * the query (townships where not exists an approved record of the year) as a nested loop comparing every township
 * with every record, 80–300 ms at 1,000 townships; an index that made it a hash join cost imports ≈ 10 %.
 */
async function townshipsWithout(db: Db, rows: readonly { township_id: string }[]): Promise<Township[]> {
  const accounted = new Set(rows.map((r) => r.township_id));
  return (await listTownships(db)).filter((t) => !accounted.has(t.id));
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

/** A year with approved data and the number of townships approved in it. */
export interface ApprovedYear {
  year: number;
  townships: number;
}

/**
 * Years with approved data, oldest first, each with its number of approved townships: one scan of the records
 * (a record is a township-year), from which the years (approvedYears) and the complete years (completeYears) both
 * come; kept behind the data version (`version`, when the caller has read it). On the embedded database a record
 * holds its values in its row, so a scan reads ≈ a page per record.
 */
export async function approvedYearCounts(db: Db, version?: string): Promise<ApprovedYear[]> {
  return memoByVersion(db, version ?? (await dataVersion(db)), 'approvedYearCounts', () =>
    db.query<ApprovedYear>(
      "select year, count(*)::int as townships from survey_records where status = 'approved' group by year order by year",
    ),
  );
}

/** Years with approved data, oldest first. */
export async function approvedYears(db: Db): Promise<number[]> {
  return (await approvedYearCounts(db)).map((r) => r.year);
}

interface Accounted {
  readonly records: readonly InputRecord[];
  readonly region: RegionAccount;
}

/**
 * The townships a balance sheet can cover: those with approved data in both years. The others are
 * named, never silently dropped or zero.
 */
export function inBothYears(
  opening: Accounted,
  closing: Accounted,
): { opening: Accounted; closing: Accounted; missing: string[] } {
  const has = (a: Accounted) => new Set(a.region.townships.map((t) => t.township));
  const a = has(opening);
  const b = has(closing);
  const both = new Set([...a].filter((t) => b.has(t)));
  const missing = [...new Set([...a, ...b])].filter((t) => !both.has(t));
  const keep = (x: Accounted): Accounted =>
    missing.length
      ? {
          records: x.records.filter((r) => both.has(r.township)),
          region: aggregateRegion(x.region.townships.filter((t) => both.has(t.township))),
        }
      : x;
  if (!both.size)
    throw new ValidationError([
      { message: { zh: '没有两年都有已审核数据的乡镇', en: 'no township has approved data in both years' } },
    ]);
  return { opening: keep(opening), closing: keep(closing), missing };
}

/**
 * The previous year as a comparison base for a year: restricted to the same townships, or undefined when
 * some township of the year has no previous figures (a change over different townships would be false).
 */
export function comparablePrevious(now: Accounted, before?: Accounted): Accounted | undefined {
  if (!before) return undefined;
  const current = new Set(now.region.townships.map((t) => t.township));
  const previous = new Set(before.region.townships.map((t) => t.township));
  if ([...current].some((t) => !previous.has(t))) return undefined;
  if (previous.size === current.size) return before;
  return {
    records: before.records.filter((r) => current.has(r.township)),
    region: aggregateRegion(before.region.townships.filter((t) => current.has(t.township))),
  };
}

/** Years in which every one of the `townships` has approved data, oldest first. */
export const completeYears = (years: readonly ApprovedYear[], townships: number): number[] =>
  years.filter((y) => y.townships === townships).map((y) => y.year);

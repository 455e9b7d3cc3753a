/**
 * A year's accounts name the townships without approved data for the year, in the townships' order (sort, then
 * id), and leave them out of the figures: a township whose record was removed and one whose record is a draft.
 * The years with approved data are counted by township in one query, kept until the data changes, and the complete
 * years (the reports' default) come from those counts.
 * Runs on the embedded database, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './harness.js';
import { accountYear, approvedYearCounts, approvedYears, completeYears } from '../../src/store/accounts.js';
import { loadCompiledSet } from '../../src/store/sets.js';
import { getSettings } from '../../src/store/settings.js';

let t: TestApp;
const COPIES = 20;

// the sample's 15 townships and 20 copies of each with their approved 2021 records: 315 townships
beforeAll(async () => {
  t = await startApp();
  await t.db.query(
    `insert into townships (id, region_id, name_zh, name_en, kind, area_km2, sort)
     select t.id || '_' || k, t.region_id, t.name_zh || '（副本' || k || '）', t.name_en || ' (copy ' || k || ')',
            t.kind, t.area_km2, t.sort + 100 * k
     from townships t, generate_series(1, ${COPIES}) k`,
  );
  await t.db.query(
    `insert into survey_records (township_id, year, set_id, set_version, values, overrides, status, version,
                                 approved_values)
     select r.township_id || '_' || k, r.year, r.set_id, r.set_version, r.values, r.overrides, r.status, 1,
            r.approved_values
     from survey_records r, generate_series(1, ${COPIES}) k
     where r.year = 2021 and r.status = 'approved'`,
  );
});
afterAll(() => t.close());

describe("a year's accounts at 315 townships", () => {
  it('the years with approved data, each with its approved townships counted in one query; complete where all are', async () => {
    const counts = await approvedYearCounts(t.db);
    // the sample approved 2020 and 2021 for its 15 townships; the 20 copies of each have 2021 only: 15 + 15 × 20
    expect(counts).toEqual([
      { year: 2020, townships: 15 },
      { year: 2021, townships: 15 + 15 * COPIES },
    ]);
    expect(await approvedYears(t.db)).toEqual([2020, 2021]);
    expect(completeYears(counts, 315)).toEqual([2021]);
    expect(completeYears(counts, 15)).toEqual([2020]);
    expect(completeYears(counts, 316)).toEqual([]);
    // kept behind the data version: the same list again, not read again
    expect(await approvedYearCounts(t.db)).toBe(counts);
  });

  it('name the townships without approved data, in the townships’ order, and leave them out', async () => {
    const { activeSet, profile } = await getSettings(t.db);
    const set = await loadCompiledSet(t.db, activeSet.id, activeSet.version);
    const all = await accountYear(t.db, set, profile, 2021);
    expect(all!.missing).toEqual([]);
    expect(all!.region.townships).toHaveLength(15 * (COPIES + 1));

    await t.db.query(`delete from survey_records where township_id = 'nanyu_7' and year = 2021`);
    await t.db.query(
      `update survey_records set status = 'draft', approved_values = null
       where township_id = 'ganzhe_3' and year = 2021`,
    );
    const expected = await t.db.query<{ id: string }>(
      `select id from townships where id in ('nanyu_7', 'ganzhe_3') order by sort, id`,
    );
    // the copies of round k sort after the sample's townships (sort + 100 k): ganzhe_3 before nanyu_7
    expect(expected.map((r) => r.id)).toEqual(['ganzhe_3', 'nanyu_7']);
    const some = await accountYear(t.db, set, profile, 2021);
    expect(some!.missing.map((m) => m.id)).toEqual(expected.map((r) => r.id));
    expect(some!.missing[0]!.name_zh).toContain('（副本3）');
    expect(some!.region.townships).toHaveLength(15 * (COPIES + 1) - 2);
    expect(some!.region.townships.map((a) => a.township)).not.toContain('nanyu_7');
    expect(some!.region.townships.map((a) => a.township)).not.toContain('ganzhe_3');
    // the write moved the data version: the counts are read again, 2021 no longer complete
    const counts = await approvedYearCounts(t.db);
    expect(counts).toEqual([
      { year: 2020, townships: 15 },
      { year: 2021, townships: 315 - 2 },
    ]);
    expect(completeYears(counts, 315)).toEqual([]);
  });
});

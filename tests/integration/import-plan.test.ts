/**
 * The upload's plan (importPlan through readUpload): staged while the file is read, in a batch no one sees until it
 * is made pending; the batch is the one stageImport makes of the same records, a refused file leaves nothing, an
 * upload that never finished is cleared after a day, and a database failure while reading is the server's error,
 * not the file's.
 * Runs on the embedded database, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './harness.js';
import type { Db } from '../../src/store/db.js';
import {
  commitBatch,
  discardBatch,
  getBatch,
  importPlan,
  stageImport,
} from '../../src/store/import-batches.js';
import { listTownships, townshipInfo } from '../../src/store/regions.js';
import { loadCompiledSet } from '../../src/store/sets.js';
import { getSettings } from '../../src/store/settings.js';
import { validateSurvey } from '../../src/store/survey.js';
import { readUpload } from '../../src/web/routes/import.js';
import type { CompiledSet } from '../../src/domain/model.js';

let t: TestApp;
let set: CompiledSet;
let userId: number;
beforeAll(async () => {
  t = await startApp();
  const { activeSet } = await getSettings(t.db);
  set = await loadCompiledSet(t.db, activeSet.id, activeSet.version);
  [{ id: userId }] = (await t.db.query<{ id: number }>("select id from users where username = 'editor'")) as [
    { id: number },
  ];
});
afterAll(() => t.close());

const IDS = ['ganzhe', 'baisha', 'nanyu', 'shanggan', 'xiangqian'];

/** A CSV of gdp and population: row i (file row i + 2) is township ids[i mod n], year 1950 + ⌊i / n⌋. */
function csv(rows: number, ids = IDS, edit?: (cells: string[], fileRow: number) => void): string {
  const lines = ['township,year,gdp,resident_population'];
  for (let i = 0; i < rows; i++) {
    const cells = [
      ids[i % ids.length]!,
      String(1950 + Math.floor(i / ids.length)),
      String(100 + i),
      String(1000 + i),
    ];
    edit?.(cells, i + 2);
    lines.push(cells.join(','));
  }
  return lines.join('\n');
}

const staged = async (id: number) => ({
  rows: await t.db.query(
    `select n, sheet, file_row, township_id, year, outcome, status, diff::text as diff, given::text as given,
       expected_version from import_batch_rows where batch_id = $1 order by n`,
    [id],
  ),
  payload: (
    await t.db.query<{ payload: string }>(
      'select payload::text as payload from import_batches where id = $1',
      [id],
    )
  )[0]!.payload,
});

const counts = async () =>
  (
    await t.db.query<{ b: number; r: number }>(
      'select (select count(*)::int from import_batches) as b, (select count(*)::int from import_batch_rows) as r',
    )
  )[0]!;

/** The test database with some of its methods replaced (to fail). */
const failingDb = (replaced: Partial<Pick<Db, 'query' | 'transaction'>>): Db => ({
  kind: t.db.kind,
  query: (sql, params) => t.db.query(sql, params),
  transaction: (fn) => t.db.transaction(fn),
  exec: (sql) => t.db.exec(sql),
  close: () => t.db.close(),
  ...replaced,
});

describe('importPlan through readUpload', () => {
  it('stages the same rows and payload as stageImport of the same records (755 rows)', async () => {
    // 755 rows: 5 townships × 151 years (1950 … 2100); ganzhe 1950 stored first, so its row is "changed"
    await t.db.query(
      `insert into survey_records (township_id, year, set_id, set_version, values, overrides, status, version)
       values ('ganzhe', 1950, $1, $2, '{"gdp": "7"}', '{}', 'draft', 1)`,
      [set.id, set.version],
    );
    const text = csv(755);
    const townships = (await listTownships(t.db)).map(townshipInfo);
    const up = await readUpload(
      t.db,
      set,
      { originalname: 'a.csv', buffer: Buffer.from(text) },
      townships,
      userId,
    );
    expect(up.issues).toEqual([]);
    // staged as it was read: all 755 rows, in a batch no page shows and no commit takes yet
    const [staging] = await t.db.query<{ id: number; rows: number }>(
      `select b.id, (select count(*)::int from import_batch_rows r where r.batch_id = b.id) as rows
       from import_batches b where status = 'staging'`,
    );
    expect(staging!.rows).toBe(755);
    await expect(getBatch(t.db, staging!.id, userId)).rejects.toThrow('no such import');
    const viaUpload = await up.plan!.stage();
    expect(viaUpload).toBe(staging!.id);
    // the long way: decimals, then stageImport (the rows' origins as the CSV's rows 2 … 756)
    const raw = text
      .split('\n')
      .slice(1)
      .map((l, i) => {
        const [township, year, gdp, pop] = l.split(',');
        return {
          township: township!,
          year: Number(year),
          values: { gdp, resident_population: pop },
          origin: { sheet: 'csv', row: i + 2 },
        };
      });
    const { records, issues } = await validateSurvey(t.db, set, raw, { allowMissing: true });
    expect(issues).toEqual([]);
    const viaStage = await stageImport(
      t.db,
      userId,
      'a.csv',
      set,
      records,
      raw.map((r) => r.origin),
    );
    const a = await staged(viaUpload);
    const b = await staged(viaStage);
    expect(a.rows).toHaveLength(755);
    expect(a).toEqual(b);
    // hand-checked: 755 rows = 5 townships × 151 years (1950 … 2100). The sample's records of 2020 and 2021 of
    // these 5 townships (10) are submitted or approved: locked. ganzhe 1950 had gdp 7, the file gives 100 and
    // population 1000: changed, 2 fields. The other 755 − 10 − 1 = 744 rows are new, 2 fields each:
    // 744 × 2 + 2 = 1,490 fields
    const [{ n: lockedStored }] = (await t.db.query<{ n: number }>(
      `select count(*)::int as n from survey_records
       where township_id = any($1) and year in (2020, 2021) and status <> 'draft'`,
      [IDS],
    )) as [{ n: number }];
    expect(lockedStored).toBe(10);
    const payload = JSON.parse(a.payload) as { summary: { total: Record<string, number> } };
    expect(payload.summary.total).toEqual({
      rows: 755,
      new: 744,
      changed: 1,
      unchanged: 0,
      locked: 10,
      blank: 0,
      fields: 1490,
    });
    await t.db.query("delete from survey_records where township_id = 'ganzhe' and year = 1950");
  });

  it('a file refused in its second part (row 1,201 of 1,203) leaves no batch and no staged row', async () => {
    const before = await counts();
    // 1,203 rows of all 15 townships, years 1950 … 1950 + ⌊1202 / 15⌋ = 2030: the first part of 1,000 rows is
    // good (planned, and on PostgreSQL already staged), file row 1201 (in the second part) is not
    const all = (await listTownships(t.db)).map((x) => x.id);
    expect(all).toHaveLength(15);
    const text = csv(1203, all, (cells, fileRow) => {
      if (fileRow === 1201) cells[2] = 'abc';
    });
    const townships = (await listTownships(t.db)).map(townshipInfo);
    const up = await readUpload(
      t.db,
      set,
      { originalname: 'b.csv', buffer: Buffer.from(text) },
      townships,
      userId,
    );
    expect(up.plan).toBeUndefined();
    expect(up.issues.map((i) => [i.row, i.message.en])).toEqual([[1201, '"abc" is not a number']]);
    expect(await counts()).toEqual(before);
  });

  it('a database failure while the file is read is thrown as it is (not a file problem); nothing is left', async () => {
    const before = await counts();
    const failing = failingDb({
      query: (sql, params) =>
        /from survey_records/.test(sql)
          ? Promise.reject(new Error('connection lost'))
          : t.db.query(sql, params),
    });
    const townships = (await listTownships(t.db)).map(townshipInfo);
    await expect(
      readUpload(failing, set, { originalname: 'c.csv', buffer: Buffer.from(csv(10)) }, townships, userId),
    ).rejects.toThrow('connection lost');
    expect(await counts()).toEqual(before);
  });

  it('an upload that never finished staging (its server stopped) is discarded after a day, its rows dropped', async () => {
    const before = await counts();
    // two uploads stopped mid-way: one 25 hours ago, one just now (still being read, perhaps)
    const left = importPlan(t.db, userId, 'stopped.csv', set);
    const recent = importPlan(t.db, userId, 'reading.csv', set);
    const records = async (year: number) => {
      const v = await validateSurvey(t.db, set, [{ township: 'shanggan', year, values: { gdp: '1' } }], {
        allowMissing: true,
      });
      expect(v.issues).toEqual([]);
      return v.records;
    };
    await left.add(await records(1949));
    await recent.add(await records(2099));
    await t.db.query(
      "update import_batches set created_at = now() - interval '25 hours' where file_name = 'stopped.csv'",
    );
    expect((await counts()).r).toBe(before.r + 2);
    // the next upload staged clears the old one only
    const next = importPlan(t.db, userId, 'next.csv', set);
    await next.add(await records(2100));
    const id = await next.stage();
    expect(
      await t.db.query<{ file_name: string; status: string; rows: number }>(
        `select file_name, status, (select count(*)::int from import_batch_rows r where r.batch_id = b.id) as rows
         from import_batches b where file_name in ('stopped.csv', 'reading.csv', 'next.csv') order by file_name`,
      ),
    ).toEqual([
      { file_name: 'next.csv', status: 'pending', rows: 1 },
      { file_name: 'reading.csv', status: 'staging', rows: 1 },
      { file_name: 'stopped.csv', status: 'discarded', rows: 0 },
    ]);
    await recent.abort();
    await t.db.query('delete from import_batches where id = $1 or file_name = $2', [id, 'stopped.csv']);
    expect(await counts()).toEqual(before);
  });

  it('a batch that cannot be made pending (the database fails at the end) is deleted with its rows', async () => {
    const before = await counts();
    const failing = failingDb({ transaction: () => Promise.reject(new Error('disk full')) });
    const townships = (await listTownships(t.db)).map(townshipInfo);
    const up = await readUpload(
      failing,
      set,
      { originalname: 'd.csv', buffer: Buffer.from(csv(600)) },
      townships,
      userId,
    );
    expect(up.issues).toEqual([]);
    // staged while read (600 rows, in two parts), then the stage fails
    expect((await counts()).r).toBe(before.r + 600);
    await expect(up.plan!.stage()).rejects.toThrow('disk full');
    expect(await counts()).toEqual(before);
  });

  it.skipIf(process.env.TEST_DATABASE_URL)(
    'on the embedded database (no autovacuum) the space of the rows an import deletes or replaces is reused',
    async () => {
      // sizes in pages of 8 kB (PostgreSQL's own statistics of dead rows are reported late, so not used here)
      const pages = async () =>
        (
          await t.db.query<{ staged: number; records: number }>(
            `select pg_relation_size('import_batch_rows')::int / 8192 as staged,
               pg_relation_size('survey_records')::int / 8192 as records`,
          )
        )[0]!;
      const townships = (await listTownships(t.db)).map(townshipInfo);
      const upload = async (name: string, text: string) => {
        const up = await readUpload(
          t.db,
          set,
          { originalname: name, buffer: Buffer.from(text) },
          townships,
          userId,
        );
        expect(up.issues).toEqual([]);
        return getBatch(t.db, await up.plan!.stage(), userId);
      };
      const editor = { id: userId, username: 'editor', role: 'editor' as const };
      // 600 records (5 townships × years 1950 … 2069), then the same with every gdp changed, three times
      const rows = (k: number) =>
        csv(600, IDS, (cells) => {
          cells[2] = String(Number(cells[2]) + k);
        });
      const before = await pages();
      await commitBatch(t.db, editor, set, await upload('v1.csv', rows(0)));
      // the staged rows' pages, at the end of their table, are given back
      expect((await pages()).staged).toBeLessThanOrEqual(before.staged);
      // and the records analyzed: the planner expects the 600 records of 1950–2069 (without statistics it takes a
      // range to hold 0.5 % of the table's rows: ≈ 3 of the ≈ 690)
      const [plan] = await t.db.query<{ 'QUERY PLAN': unknown }>(
        'explain (format json) select 1 from survey_records where year between 1950 and 2069',
      );
      const json = plan!['QUERY PLAN'];
      const estimate = (typeof json === 'string' ? JSON.parse(json) : json) as {
        Plan: { 'Plan Rows': number };
      }[];
      expect(estimate[0]!.Plan['Plan Rows']).toBeGreaterThan(300);
      await commitBatch(t.db, editor, set, await upload('v2.csv', rows(1)));
      const replaced = await pages();
      // replacing the 600 records again fits in the space the first replacement freed
      await commitBatch(t.db, editor, set, await upload('v3.csv', rows(2)));
      await commitBatch(t.db, editor, set, await upload('v4.csv', rows(3)));
      expect((await pages()).records).toBeLessThanOrEqual(replaced.records);
      await discardBatch(t.db, await upload('v5.csv', rows(4)));
      expect((await pages()).staged).toBeLessThanOrEqual(before.staged);
      await t.db.query(
        'delete from survey_records where year between 1950 and 2069 and township_id = any($1)',
        [IDS],
      );
    },
  );
});

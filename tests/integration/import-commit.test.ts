/**
 * The commit of an import writes what the one write path (saveRecords, merge mode) writes for the same rows: the
 * same records (values, external quantities, versions, status) and the same audit events, in the same order.
 * The commit merges the staged values in the database and takes the audit diff from the staged rows; saveRecords
 * reads the stored values and works both out in this process. Refusals say the same, and leave nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from './harness.js';
import { SYSTEM_ACTOR, type Actor } from '../../src/store/audit.js';
import type { RawRecord } from '../../src/domain/inputs.js';
import type { CompiledSet } from '../../src/domain/model.js';
import { commitBatch, getBatch, stageImport } from '../../src/store/import-batches.js';
import { loadCompiledSet } from '../../src/store/sets.js';
import { getSettings } from '../../src/store/settings.js';
import {
  BULK_ROWS,
  saveRecords,
  storedValues,
  validateSurvey,
  type StoredOverrides,
} from '../../src/store/survey.js';

let t: TestApp;
let set: CompiledSet;
let editor: Actor;
let townships: string[];

beforeAll(async () => {
  t = await startApp();
  const { activeSet } = await getSettings(t.db);
  set = await loadCompiledSet(t.db, activeSet.id, activeSet.version);
  const [u] = await t.db.query<{ id: number }>("select id from users where username = 'editor'");
  editor = { id: u!.id, username: 'editor', role: 'editor' };
  townships = (await t.db.query<{ id: string }>('select id from townships order by id')).map((r) => r.id);
});
afterAll(() => t.close());

const validated = async (raw: RawRecord[]) => {
  const { records, issues } = await validateSurvey(t.db, set, raw, { allowMissing: true });
  expect(issues).toEqual([]);
  return records;
};

/** Stages the rows as an upload does; returns the batch. */
const stage = async (raw: RawRecord[], file = 'rows.csv') =>
  getBatch(t.db, await stageImport(t.db, editor.id!, file, set, await validated(raw)), editor.id!);

/**
 * The commit as it was before the commit wrote in the database (saveRecords in merge mode with the staged rows'
 * values and external quantities, checked against the versions the rows were staged against), with the batch
 * marked committed and its rows dropped: the reference the commit is compared with.
 */
async function referenceCommit(raw: RawRecord[], actor: Actor) {
  const batch = await stage(raw, 'reference.csv');
  const rows = await t.db.query<{
    township_id: string;
    year: number;
    given: { overrides?: StoredOverrides } | null;
    expected_version: number | null;
  }>(
    `select township_id, year, given, expected_version from import_batch_rows
     where batch_id = $1 and outcome in ('new', 'changed') order by n`,
    [batch.id],
  );
  const records = new Map((await validated(raw)).map((r) => [`${r.township}/${r.year}`, r]));
  await saveRecords(
    t.db,
    actor,
    set,
    rows.map((r) => ({
      record: {
        township: r.township_id,
        year: r.year,
        stored: {
          values: storedValues(records.get(`${r.township_id}/${r.year}`)!),
          overrides: r.given?.overrides ?? {},
        },
      },
      expectedVersion: r.expected_version,
    })),
    'merge',
  );
  await t.db.query("update import_batches set status = 'committed' where id = $1", [batch.id]);
  await t.db.query('delete from import_batch_rows where batch_id = $1', [batch.id]);
}

/** A year's records and survey-record audit events, without the year (to compare two years' rows). */
async function storedYear(year: number) {
  const records = await t.db.query<Record<string, unknown>>(
    `select to_jsonb(r) - 'year' - 'updated_at' as r from survey_records r where year = $1 order by township_id`,
    [year],
  );
  const events = await t.db.query<Record<string, unknown>>(
    `select action, entity_key, township_id, user_id, username, old_value, new_value, note
     from audit_events where entity = 'survey_record' and year = $1 order by id`,
    [year],
  );
  return {
    records: records.map((x) => x.r),
    events: events.map((e): Record<string, unknown> => ({
      ...e,
      entity_key: String(e.entity_key).replace(`/${year}`, '/Y'),
    })),
  };
}

const dataVersion = async () => Number((await t.db.query<{ n: string }>('select n from data_version'))[0]!.n);

describe('an import commit writes what saveRecords writes', () => {
  it('new, changed (classes merged), unchanged, locked, blank and external-quantity rows: records and audit events identical, worked by hand', async () => {
    const [wc, other] = set.components.slice(0, 2).map((c) => c.id) as [string, string];
    const [t0, t1, t2, t3, t4, t5, t6, t7] = townships as [string, ...string[]];
    // the same stored records in both years, written by the one write path, t2 then approved (locked)
    const before = (year: number): RawRecord[] => [
      {
        township: t0,
        year,
        values: { gdp: '100', land_area: { paddy: '10', forest_mixed: '20' }, precipitation: '1500' },
        overrides: { [wc]: { quantity: '5', source: 'model a' } },
      },
      { township: t1!, year, values: { gdp: '200', hot_days: '99' } },
      { township: t2!, year, values: { gdp: '300' } },
      { township: t3!, year, values: { gdp: '400', hot_days: '80' } },
      { township: t7!, year, values: { gdp: '700' } },
    ];
    // the file: t0 changes gdp and a class, adds a class and a second external quantity; t1 changes one value
    // and adds one; t2 is approved (skipped); t3 unchanged; t4 and t6 new (t6 with an external quantity); t5
    // blank; t7 changes only its external quantity
    const file = (year: number): RawRecord[] => [
      {
        township: t0,
        year,
        values: { gdp: '101', land_area: { paddy: '11', wetland: '5' }, precipitation: '1500' },
        overrides: { [other]: { quantity: '7', source: 'model b' } },
      },
      { township: t1!, year, values: { gdp: '200', hot_days: '98', lake_area: '0' } },
      { township: t2!, year, values: { gdp: '301' } },
      { township: t3!, year, values: { gdp: '400', hot_days: '80' } },
      {
        township: t4!,
        year,
        values: { gdp: '1', land_area: { paddy: '1' }, evapotranspiration: { paddy: '700' } },
      },
      { township: t5!, year, values: {} },
      {
        township: t6!,
        year,
        values: { gdp: '3' },
        overrides: { [wc]: { quantity: '9', source: 'model c' } },
      },
      {
        township: t7!,
        year,
        values: {},
        overrides: { [wc]: { quantity: '8', source: 'model d' } },
      },
    ];
    const [A, B] = [1990, 1991];
    for (const year of [A, B]) {
      await saveRecords(
        t.db,
        SYSTEM_ACTOR,
        set,
        (await validated(before(year))).map((record) => ({ record })),
        'replace',
      );
      await t.db.query(
        "update survey_records set status = 'approved', version = version + 1 where township_id = $1 and year = $2",
        [t2, year],
      );
    }
    const batch = await stage(file(A));
    expect(batch.payload.summary.total).toMatchObject({
      rows: 8,
      new: 2,
      changed: 3,
      unchanged: 1,
      locked: 1,
      blank: 1,
    });
    const version0 = await dataVersion();
    await commitBatch(t.db, editor, set, batch);
    expect(await dataVersion()).toBeGreaterThan(version0);
    await referenceCommit(file(B), editor);

    const a = await storedYear(A);
    const b = await storedYear(B);
    expect(a.records).toHaveLength(7); // 5 stored before + t4, t6 (t5 blank: not created)
    expect(a.records).toEqual(b.records);
    expect(a.events).toHaveLength(5 + 5); // 5 creates before, then t0, t1, t4, t6, t7 in file order
    expect(a.events).toEqual(b.events);

    // by hand: t0 merged class by class (forest_mixed kept, paddy 10 → 11, wetland added), both quantities
    const r0 = a.records.find((r) => (r as { township_id: string }).township_id === t0) as Record<
      string,
      unknown
    >;
    expect(r0).toMatchObject({
      values: {
        gdp: '101',
        land_area: { paddy: '11', forest_mixed: '20', wetland: '5' },
        precipitation: '1500',
      },
      overrides: {
        [wc]: { quantity: '5', source: 'model a' },
        [other]: { quantity: '7', source: 'model b' },
      },
      version: 2,
      status: 'draft',
      updated_by: editor.id,
    });
    const imported = a.events.slice(5);
    expect(imported.map((e) => [e.action, e.township_id])).toEqual([
      ['update', t0],
      ['update', t1],
      ['create', t4],
      ['create', t6],
      ['update', t7],
    ]);
    expect(imported[0]).toMatchObject({
      old_value: { gdp: '100', 'land_area.paddy': '10', 'land_area.wetland': null },
      new_value: {
        gdp: '101',
        'land_area.paddy': '11',
        'land_area.wetland': '5',
        overrides: {
          [wc]: { quantity: '5', source: 'model a' },
          [other]: { quantity: '7', source: 'model b' },
        },
      },
      user_id: editor.id,
      username: 'editor',
    });
    expect(imported[1]).toMatchObject({
      old_value: { hot_days: '99', lake_area: null },
      new_value: { hot_days: '98', lake_area: '0' },
    });
    expect(imported[2]).toMatchObject({
      old_value: null,
      new_value: { gdp: '1', 'land_area.paddy': '1', 'evapotranspiration.paddy': '700' },
    });
    expect(imported[4]).toMatchObject({
      old_value: {},
      new_value: { overrides: { [wc]: { quantity: '8', source: 'model d' } } },
    });
    // the import's own event: 5 records written, 4 + 2 + 3 + 2 + 1 = 12 fields changed (t0: gdp, paddy, wetland,
    // its new quantity; t1: 2; t4: 3; t6: gdp and its quantity; t7: its quantity)
    const [event] = await t.db.query<{ new_value: unknown }>(
      "select new_value from audit_events where entity = 'import_batch' and entity_key = $1",
      [String(batch.id)],
    );
    expect(event!.new_value).toEqual({ file: 'rows.csv', records: 5, changes: 12 });
    expect(await t.db.query('select 1 from import_batch_rows where batch_id = $1', [batch.id])).toEqual([]);
  });
});

describe('a refused commit says why, as saveRecords does, and writes nothing', () => {
  const refusal = async (run: Promise<unknown>) => {
    try {
      await run;
    } catch (e) {
      return { name: (e as Error).constructor.name, message: (e as { messageText?: unknown }).messageText };
    }
    throw new Error('not refused');
  };

  it(`a row in a part after the first (of ${BULK_ROWS.toLocaleString('en-US')} rows) changed or submitted since the upload refuses the whole file`, async () => {
    // 15 townships × 68 years (2030 … 2097) = 1,020 new rows; the last ones are in the last part (the third)
    const years = Array.from({ length: 68 }, (_, i) => 2030 + i);
    const raw = years.flatMap((year) =>
      townships.map((township, i) => ({ township, year, values: { gdp: String(10 + i) } })),
    );
    expect(raw.length).toBeGreaterThan(BULK_ROWS);
    const last = raw.at(-1)!;
    const count = async () =>
      (
        await t.db.query<{ n: number }>(
          'select count(*)::int as n from survey_records where year between 2030 and 2097',
        )
      )[0]!.n;
    // created by someone else after the upload: the row was staged as new (no version)
    let batch = await stage(raw, 'parts.csv');
    await saveRecords(
      t.db,
      SYSTEM_ACTOR,
      set,
      (await validated([{ ...last, values: { gdp: '1' } }])).map((record) => ({ record })),
      'replace',
    );
    const events = await t.db.query('select count(*) from audit_events');
    const stale = await refusal(commitBatch(t.db, editor, set, batch));
    expect(stale.name).toBe('ConflictError');
    const reference = await refusal(
      saveRecords(
        t.db,
        editor,
        set,
        (await validated([last])).map((record) => ({ record, expectedVersion: null })),
        'merge',
      ),
    );
    expect(stale).toEqual(reference);
    expect(JSON.stringify(stale.message)).toContain(`${last.year} `);
    expect(await count()).toBe(1);
    expect(await t.db.query('select count(*) from audit_events')).toEqual(events);
    expect((await t.db.query('select status from import_batches where id = $1', [batch.id]))[0]).toEqual({
      status: 'pending',
    });
    // submitted since the upload (of a row staged against version 1)
    await t.db.query('delete from survey_records where year between 2030 and 2097');
    await saveRecords(
      t.db,
      SYSTEM_ACTOR,
      set,
      (await validated([last])).map((record) => ({ record })),
      'replace',
    );
    batch = await stage(
      raw.map((r) => (r === last ? { ...r, values: { gdp: '2' } } : r)),
      'parts-2.csv',
    );
    await t.db.query(
      "update survey_records set status = 'submitted', version = version + 1 where year = $1",
      [last.year],
    );
    const locked = await refusal(commitBatch(t.db, editor, set, batch));
    expect(locked.name).toBe('ConflictError');
    expect(JSON.stringify(locked.message)).toContain('已提交待审');
    expect(JSON.stringify(locked.message)).toContain('submitted');
    expect(await count()).toBe(1);
  });

  it("a clerk's townships and departments: the first row outside them refuses the file, with saveRecords' words", async () => {
    const [t0, t1] = townships as [string, string];
    const year = 2099;
    const raw = [
      { township: t0, year, values: { gdp: '1' } },
      { township: t1, year, values: { gdp: '2', hot_days: '3' } },
    ];
    const gdpDept = set.inputs.find((i) => i.id === 'gdp')!.department.zh;
    const hotDept = set.inputs.find((i) => i.id === 'hot_days')!.department.zh;
    expect(hotDept).not.toBe(gdpDept);
    for (const scope of [
      { townships: [t0], departments: [] },
      { townships: [], departments: [gdpDept] },
    ]) {
      const clerk: Actor = { ...editor, scope };
      const batch = await stage(raw, 'scoped.csv');
      const refused = await refusal(commitBatch(t.db, clerk, set, batch));
      expect(refused.name).toBe('ForbiddenError');
      const reference = await refusal(
        saveRecords(
          t.db,
          clerk,
          set,
          (await validated(raw)).map((record) => ({ record })),
          'merge',
        ),
      );
      expect(refused).toEqual(reference);
      expect(await t.db.query('select 1 from survey_records where year = $1', [year])).toEqual([]);
    }
  });
});

describe('how the written values are stored (migrations 017 and 019)', () => {
  it('a record and its audit event: lz4 on PostgreSQL; uncompressed on the embedded database, which has no lz4', async () => {
    const year = 2098;
    // a sample county record's values again, for another year: values and event of several kB, over the ≈ 2 kB from
    // which the server compresses by default
    const [sample] = await t.db.query<{ township_id: string; values: Record<string, unknown> }>(
      'select township_id, values from survey_records where year = 2021 order by township_id limit 1',
    );
    const batch = await stage([{ township: sample!.township_id, year, values: sample!.values }], 'wide.csv');
    await commitBatch(t.db, editor, set, batch);
    const [stored] = await t.db.query<{
      bytes: number;
      how: string | null;
      event_bytes: number;
      event_how: string | null;
    }>(
      `select octet_length(r.values::text) as bytes, pg_column_compression(r.values) as how,
         octet_length(e.new_value::text) as event_bytes, pg_column_compression(e.new_value) as event_how
       from survey_records r join audit_events e on e.entity = 'survey_record' and e.entity_key = r.township_id || '/' || r.year
       where r.township_id = $1 and r.year = $2`,
      [sample!.township_id, year],
    );
    expect(stored!.bytes).toBeGreaterThan(2048);
    expect(stored!.event_bytes).toBeGreaterThan(2048);
    const expected = t.db.kind === 'postgres' ? 'lz4' : null;
    expect([stored!.how, stored!.event_how]).toEqual([expected, expected]);
  });
});

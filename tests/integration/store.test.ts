import { join } from 'node:path';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BACKUP_TABLES, backup, restore } from '../../src/store/backup.js';
import { boot } from '../../src/store/boot.js';
import { SYSTEM_ACTOR } from '../../src/store/audit.js';
import { migrate } from '../../src/store/migrate.js';
import { loadCompiledSet, syncSetsFromFolder } from '../../src/store/sets.js';
import { publishReport } from '../../src/store/published.js';
import { getRecord, saveRecords, validateSurvey } from '../../src/store/survey.js';
import { COEFFICIENTS, freshDatabase, SAMPLE, tempDir, testDatabaseUrl } from './harness.js';

const counts = async (db: Awaited<ReturnType<typeof boot>>['db']) =>
  (
    await db.query<{ records: number; townships: number; events: number; sets: number }>(
      `select (select count(*)::int from survey_records) as records, (select count(*)::int from townships) as townships,
              (select count(*)::int from audit_events) as events, (select count(*)::int from coefficient_sets) as sets`,
    )
  )[0]!;

describe('storage', () => {
  it('a new database gets the schema, the shipped sets and the sample county: 15 townships × 2 years', async () => {
    const { db, setupToken } = await boot({
      ...(await freshDatabase()),
      coefficientsDir: COEFFICIENTS,
      seedFile: SAMPLE,
    });
    expect(await counts(db)).toMatchObject({ records: 30, townships: 15, sets: 9 }); // 9: minhou-2021-ranges (low/high estimates for the scenario appraisal) is one of them
    expect(setupToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await migrate(db)).toEqual([]); // applied once
    // a backup carries every table the migrations made, except the web sessions, the rate-limit counters and the
    // data version (a cache key: a restore's writes bump it)
    const tables = await db.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
    );
    const kept = tables
      .map((t) => t.name)
      .filter((t) => !['session', 'rate_limits', 'data_version'].includes(t));
    expect([...BACKUP_TABLES].sort()).toEqual(kept.sort());
    await db.close();
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'two app processes starting together on a new PostgreSQL database prepare it once, and one setup link stays valid',
    async () => {
      const url = await testDatabaseUrl();
      const [a, b] = await Promise.all([
        boot({ url, coefficientsDir: COEFFICIENTS, seedFile: SAMPLE }),
        boot({ url, coefficientsDir: COEFFICIENTS, seedFile: SAMPLE }),
      ]);
      expect(await counts(a.db)).toMatchObject({ records: 30, townships: 15, sets: 9 });
      // one of the two printed the link; the other defers to it
      expect([a.setupToken, b.setupToken].filter(Boolean)).toHaveLength(1);
      await a.db.close();
      await b.db.close();
    },
  );

  it('the embedded database on disk keeps its data across a restart', async () => {
    const url = join(tempDir(), 'pgdata');
    const first = await boot({ url, coefficientsDir: COEFFICIENTS, seedFile: SAMPLE });
    const set = await loadCompiledSet(first.db, 'minhou-2021', '1.0.0');
    const { records } = await validateSurvey(
      first.db,
      set,
      [{ township: 'nanyu', year: 2022, values: { gdp: '123.45' } }],
      {
        allowMissing: true,
      },
    );
    await saveRecords(
      first.db,
      { id: null, username: 'system', role: 'system' },
      set,
      [{ record: records[0]! }],
      'replace',
    );
    await first.db.close();
    const second = await boot({ url, coefficientsDir: COEFFICIENTS, seedFile: SAMPLE });
    expect((await getRecord(second.db, 'nanyu', 2022))?.values).toEqual({ gdp: '123.45' });
    expect(await counts(second.db)).toMatchObject({ records: 31, townships: 15 }); // the sample is not loaded twice
    expect(second.setupToken).toBeDefined(); // still no user: a new one-time token
    await second.db.close();
  });

  it('backup and restore round-trip the whole sample county, every digit and the audit trail', async () => {
    const a = await boot({ ...(await freshDatabase()), coefficientsDir: COEFFICIENTS, seedFile: SAMPLE });
    const file = join(tempDir(), 'backup.gep');
    const written = await backup(a.db, file);
    expect(written.survey_records).toBe(30);
    const before = await a.db.query(
      'select township_id, year, values::text, status, version from survey_records order by 1, 2',
    );
    const auditBefore = await a.db.query(
      'select id::int as id, action, entity_key from audit_events order by id',
    );
    // a second, empty database (no sample) receives the backup
    const b = await boot({ ...(await freshDatabase()), coefficientsDir: COEFFICIENTS });
    expect((await counts(b.db)).records).toBe(0);
    await restore(b.db, file);
    expect(
      await b.db.query(
        'select township_id, year, values::text, status, version from survey_records order by 1, 2',
      ),
    ).toEqual(before);
    expect(
      await b.db.query('select id::int as id, action, entity_key from audit_events order by id'),
    ).toEqual(auditBefore);
    expect(
      (await b.db.query<{ area_km2: string }>("select area_km2::text from townships where id = 'ganzhe'"))[0]!
        .area_km2,
    ).toBe('98.40');
    // sequences continue after the restored ids
    await SYSTEM_ACTOR;
    const [next] = await b.db.query<{ id: number }>(
      "insert into audit_events (action, entity, entity_key) values ('t', 't', 't') returning id::int as id",
    );
    expect(next!.id).toBe((auditBefore.at(-1) as { id: number }).id + 1);
    await a.db.close();
    await b.db.close();
  });

  it('a set version in a published report’s lineage never reloads from a changed file', async () => {
    const { db } = await boot({
      ...(await freshDatabase()),
      coefficientsDir: COEFFICIENTS,
      seedFile: SAMPLE,
    });
    const set = await loadCompiledSet(db, 'minhou-2021', '2.0.0');
    const actor = { id: null, username: 'test', role: 'admin' } as const;
    await publishReport(db, actor, set, 'academic', {
      kind: 'gep',
      scope: 'total',
      year: 2021,
      appVersion: 'test',
    });
    // gep-functional, a parent of minhou-2021, changes its grain price in the file
    const dir = tempDir();
    cpSync(COEFFICIENTS, dir, { recursive: true });
    const file = join(dir, 'gep-functional', '2.0.0.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace("value: '2800'", "value: '2900'"));
    const hash = async () =>
      (
        await db.query<{ content_hash: string }>(
          "select content_hash from coefficient_sets where id = 'gep-functional' and version = '2.0.0'",
        )
      )[0]!.content_hash;
    const before = await hash();
    const problems = await syncSetsFromFolder(db, dir);
    expect(problems.join('\n')).toContain(
      'gep-functional@2.0.0 in the database is draft and used by a published report',
    );
    expect(await hash()).toBe(before);
    await db.close();
  });

  it('a damaged backup is refused and the database is left as it was', async () => {
    const db = (await boot({ ...(await freshDatabase()), coefficientsDir: COEFFICIENTS, seedFile: SAMPLE }))
      .db;
    const file = join(tempDir(), 'backup.gep');
    await backup(db, file);
    const { writeFileSync } = await import('node:fs');
    const broken = join(tempDir(), 'broken.gep');
    const text = readFileSync(file, 'utf8').replace(/"township_id":"ganzhe"/, '"township_id":"nowhere"');
    writeFileSync(broken, text);
    await expect(restore(db, broken)).rejects.toThrow();
    expect((await counts(db)).records).toBe(30);
    await expect(restore(db, join(tempDir(), 'missing.gep'))).rejects.toThrow();
    writeFileSync(broken, 'hello\n');
    await expect(restore(db, broken)).rejects.toThrow(/not a GEP Ledger backup|JSON/);
    expect((await counts(db)).records).toBe(30);
    await db.close();
  });
});

/**
 * An import commit (the one write path of survey data: 15 townships in one transaction) and a restore, each
 * killed with SIGKILL part-way, leave the database all old or all new, never a mix. A restore leaves the database all old or all new, never a mix: a child process
 * restores a backup over a changed database and is killed at a different moment in each round; the database is
 * then reopened and every township's area must match one state or the other for all townships at once.
 * Embedded database on disk, or PostgreSQL when TEST_DATABASE_URL is set.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup } from '../../src/store/backup.js';
import { boot } from '../../src/store/boot.js';
import { openDb } from '../../src/store/db.js';
import { COEFFICIENTS, ROOT, SAMPLE, dropTestDatabase, tempDir, testDatabaseUrl } from './harness.js';

const areas = async (url: string) => {
  const db = await openDb({ url });
  try {
    const rows = await db.query<{ id: string; a: string }>(
      'select id, area_km2::text as a from townships order by id',
    );
    return rows.map((r) => `${r.id}=${r.a}`).join(',');
  } finally {
    await db.close();
  }
};

/** Runs a script in a child process; kills it with SIGKILL `delayMs` after it prints "started" (never when
 * undefined: it runs to its end). Returns what it printed. */
async function runKilled(script: string, delayMs: number | undefined): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (out.includes('started') && delayMs !== undefined) {
        clearInterval(timer);
        setTimeout(resolve, delayMs);
      }
    }, 20);
    void exited.then(() => (clearInterval(timer), resolve()));
  });
  child.kill('SIGKILL');
  await exited;
  return out;
}

describe('kill -9 during a write', () => {
  it('leaves the whole database as it was before or as in the backup, in every round', async () => {
    const url = process.env.TEST_DATABASE_URL ? await testDatabaseUrl() : join(tempDir(), 'pgdata');
    const file = join(tempDir(), 'backup.jsonl');
    {
      const { db } = await boot({ url, coefficientsDir: COEFFICIENTS, seedFile: SAMPLE });
      await backup(db, file);
      // after the backup, every township's area changes: the restore must bring all of them back or none
      await db.query('update townships set area_km2 = area_km2 + 1');
      await db.close();
    }
    const changed = await areas(url);
    const script = `import { openDb } from ${JSON.stringify(join(ROOT, 'src/store/db.ts'))};
      import { restore } from ${JSON.stringify(join(ROOT, 'src/store/backup.ts'))};
      const db = await openDb({ url: ${JSON.stringify(url)} });
      console.log('started');
      await restore(db, ${JSON.stringify(file)});
      await db.close();
      console.log('restored');`;
    let restored: string | undefined;
    // killed right after it starts, 0.15 s and 0.4 s later; the last round is left to finish
    for (const delayMs of [0, 150, 400, undefined]) {
      const out = await runKilled(script, delayMs);
      const now = await areas(url);
      if (out.includes('restored')) restored = now;
      // all townships at once: either every area is the changed one or none is
      const changedSet = new Set(changed.split(','));
      const kept = now.split(',').filter((x) => changedSet.has(x)).length;
      expect([0, now.split(',').length]).toContain(kept);
      // put the changed state back for the next round when the restore went through
      if (now !== changed) {
        const db = await openDb({ url });
        await db.query('update townships set area_km2 = area_km2 + 1');
        await db.close();
      }
    }
    // the last round lets the restore finish: its result is the backup's areas, one less everywhere
    expect(restored).toBeDefined();
    expect(restored).not.toBe(changed);
    await dropTestDatabase(url);
  }, 240_000);

  it('an import commit of 15 townships killed at any moment leaves 0 or 15 records of the year', async () => {
    const url = process.env.TEST_DATABASE_URL ? await testDatabaseUrl() : join(tempDir(), 'pgdata');
    {
      const { db } = await boot({ url, coefficientsDir: COEFFICIENTS, seedFile: SAMPLE });
      await db.close();
    }
    const count = async () => {
      const db = await openDb({ url });
      try {
        return (
          await db.query<{ n: number }>('select count(*)::int as n from survey_records where year = 2022')
        )[0]!.n;
      } finally {
        await db.close();
      }
    };
    const module = (path: string) => JSON.stringify(join(ROOT, path));
    const script = `import { openDb } from ${module('src/store/db.ts')};
      import { loadCompiledSet } from ${module('src/store/sets.ts')};
      import { saveRecords } from ${module('src/store/survey.ts')};
      import { SYSTEM_ACTOR } from ${module('src/store/audit.ts')};
      import { readDatasetJson } from ${module('src/io/dataset.ts')};
      import { validateRecords } from ${module('src/domain/inputs.ts')};
      const db = await openDb({ url: ${JSON.stringify(url)} });
      const set = await loadCompiledSet(db, 'minhou-2021', '2.0.0');
      const raw = readDatasetJson(${JSON.stringify(SAMPLE)}).records
        .filter((r) => r.year === 2021).map((r) => ({ ...r, year: 2022 }));
      const { records } = validateRecords(set, raw);
      console.log('started');
      await saveRecords(db, SYSTEM_ACTOR, set, records.map((record) => ({ record })), 'replace');
      await db.close();
      console.log('committed');`;
    const seen = new Set<number>();
    for (const delayMs of [0, 100, 300, undefined]) {
      const out = await runKilled(script, delayMs);
      const n = await count();
      expect([0, 15]).toContain(n);
      if (out.includes('committed')) expect(n).toBe(15);
      seen.add(n);
      if (n === 15) {
        const db = await openDb({ url });
        await db.query('delete from survey_records where year = 2022');
        await db.close();
      }
    }
    expect(seen.has(15)).toBe(true); // the round left to finish committed all 15
    await dropTestDatabase(url);
  }, 240_000);
});

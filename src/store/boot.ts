import { createHash, randomBytes } from 'node:crypto';
import { readDatasetJson } from '../io/dataset.js';
import { openDb, type Db } from './db.js';
import { migrate } from './migrate.js';
import { loadDataset } from './seed.js';
import { syncSetsFromFolder } from './sets.js';
import { countUsers } from './users.js';

export interface BootOptions {
  url: string;
  coefficientsDir: string;
  /** A dataset loaded when the database has no region yet (the sample county). */
  seedFile?: string;
  log?: (event: Record<string, unknown>) => void;
}

export interface Booted {
  db: Db;
  /** A one-time token for /setup, when there is no user yet. */
  setupToken?: string;
}

export const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** Opens the database, applies migrations, loads the coefficient sets and, on a new database, the sample county. */
export async function boot(o: BootOptions): Promise<Booted> {
  const log = o.log ?? (() => {});
  const db = await openDb({ url: o.url });
  const applied = await migrate(db);
  if (applied.length) log({ msg: 'migrations applied', applied });
  const problems = await syncSetsFromFolder(db, o.coefficientsDir);
  for (const p of problems) log({ level: 'warn', msg: p });
  const [{ n }] = (await db.query<{ n: number }>('select count(*)::int as n from regions')) as [
    { n: number },
  ];
  if (!n && o.seedFile) {
    const { records } = await loadDataset(db, readDatasetJson(o.seedFile), o.seedFile);
    log({ msg: 'sample county loaded', file: o.seedFile, records });
  }
  let setupToken: string | undefined;
  if ((await countUsers(db)) === 0) {
    setupToken = randomBytes(24).toString('base64url');
    await db.query(
      `insert into settings (key, value) values ('setup_token_hash', $1)
       on conflict (key) do update set value = excluded.value`,
      [JSON.stringify(sha256Hex(setupToken))],
    );
  }
  await ensureSecret(db);
  return { db, setupToken };
}

/** The session secret, shared by every app process through the database. */
async function ensureSecret(db: Db): Promise<void> {
  await db.query(
    `insert into settings (key, value) values ('session_secret', $1) on conflict (key) do nothing`,
    [JSON.stringify(randomBytes(32).toString('base64url'))],
  );
}

export async function sessionSecret(db: Db): Promise<string> {
  const [row] = await db.query<{ value: string }>("select value from settings where key = 'session_secret'");
  return process.env.SESSION_SECRET ?? row!.value;
}

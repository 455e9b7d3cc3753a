import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readDatasetJson } from '../io/dataset.js';
import { openDb, type Db } from './db.js';
import { migrate } from './migrate.js';
import { loadDataset } from './seed.js';
import { loadRegisterSample } from './register-seed.js';
import { loadScenarioSample } from './scenario-seed.js';
import { syncSetsFromFolder } from './sets.js';
import { countUsers } from './users.js';
import { syncDocumentsFromFolder } from './documents.js';
import { ASSESSMENT_KIND } from '../methods/assessment.js';
import { AUDIT_KIND } from '../methods/audit-config.js';
import { decisionsSeedFor, loadDecisionsSeed } from './decisions-seed.js';

export interface BootOptions {
  url: string;
  /** Embedded database only: start from this dump of a data directory (the tests' seeded snapshot). */
  loadDataDir?: Blob;
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

// any constant distinct from RESTORE_LOCK (config.ts; it was the same, and a server on PostgreSQL waited on its
// own shared hold): app processes starting together on one PostgreSQL prepare the database one at a time
const BOOT_LOCK = 4_711_2023;
// a setup link another process printed this recently stays valid: processes started together print one
const SETUP_TOKEN_REUSE_MS = 60_000;

/** Opens the database, applies migrations, loads the coefficient sets and, on a new database, the sample county. */
export async function boot(o: BootOptions): Promise<Booted> {
  const log = o.log ?? (() => {});
  const db = await openDb({ url: o.url, loadDataDir: o.loadDataDir });
  const setupToken = await db.transaction(async (tx) => {
    if (tx.kind === 'postgres') await tx.query('select pg_advisory_xact_lock($1)', [BOOT_LOCK]);
    const applied = await migrate(tx);
    if (applied.length) log({ msg: 'migrations applied', applied });
    const problems = await syncSetsFromFolder(tx, o.coefficientsDir);
    for (const p of problems) log({ level: 'warn', msg: p });
    for (const p of await syncDocumentsFromFolder(tx, o.coefficientsDir, ASSESSMENT_KIND))
      log({ level: 'warn', msg: p });
    // tenure-audit configurations: the same method-document mechanism
    for (const p of await syncDocumentsFromFolder(tx, o.coefficientsDir, AUDIT_KIND))
      log({ level: 'warn', msg: p });
    const [{ n }] = (await tx.query<{ n: number }>('select count(*)::int as n from regions')) as [
      { n: number },
    ];
    if (!n && o.seedFile) {
      const { records } = await loadDataset(tx, readDatasetJson(o.seedFile), o.seedFile);
      log({ msg: 'sample county loaded', file: o.seedFile, records });
      // the sample county's eco-product register and realisation ledger, when its file is there
      const registerFile = join(dirname(o.seedFile), 'register.json');
      if (existsSync(registerFile)) {
        const loaded = await loadRegisterSample(tx, registerFile);
        log({ msg: 'sample register loaded', file: registerFile, ...loaded });
      }
      const decisions = decisionsSeedFor(o.seedFile);
      if (decisions)
        log({ msg: 'sample assessment data loaded', ...(await loadDecisionsSeed(tx, decisions)) });
      // the sample appraisal projects and tenure audit (示例数据), beside the dataset
      const scenarios = await loadScenarioSample(tx, join(dirname(o.seedFile), 'scenarios.json'));
      if (scenarios.projects || scenarios.audits) log({ msg: 'sample scenarios loaded', ...scenarios });
    }
    await ensureSecret(tx);
    return (await countUsers(tx)) === 0 ? newSetupToken(tx, log) : undefined;
  });
  return { db, setupToken };
}

/** A one-time token for /setup, stored as its hash; undefined when another process made one just now. */
async function newSetupToken(tx: Db, log: (e: Record<string, unknown>) => void): Promise<string | undefined> {
  const [made] = await tx.query<{ value: string }>("select value from settings where key = 'setup_token_at'");
  // only PostgreSQL has several processes; the embedded database's one process always prints a new link
  if (tx.kind === 'postgres' && made && Date.now() - Date.parse(made.value) < SETUP_TOKEN_REUSE_MS) {
    log({ msg: 'no user yet: use the setup link printed by the process that started just before this one' });
    return undefined;
  }
  const token = randomBytes(24).toString('base64url');
  for (const [key, value] of [
    ['setup_token_hash', sha256Hex(token)],
    ['setup_token_at', new Date().toISOString()],
  ])
    await tx.query(
      'insert into settings (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value',
      [key, JSON.stringify(value)],
    );
  return token;
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

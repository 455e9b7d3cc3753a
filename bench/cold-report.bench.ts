/**
 * Cold report bench: a generated province of BENCH_TOWNSHIPS (default 1,000) townships × 2 years (2020, 2021,
 * seeded like `npm run bench:http`) in the app on the embedded database, and the first request of each report
 * page in a fresh process (nothing cached but the boot's own work): county GEP report, township comparison,
 * balance sheet, in that order (a later page may find what an earlier one cached, as on a server), then the
 * same pages again (warm, the page cache bypassed with a new query parameter so the report model is rebuilt
 * from the cached accounts). Prints wall and cpu time per request, the page's size and the load average.
 * `BENCH_PROFILE=dir` writes a CPU profile of each cold request (node:inspector) to dir. The seeded database is
 * dumped once to the temp folder and reloaded on the next run (seeding 1,000 townships takes ≈ 20 s).
 * Run with `npx tsx bench/cold-report.bench.ts`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { SYSTEM_ACTOR } from '../src/store/audit.js';
import { boot } from '../src/store/boot.js';
import { createUser } from '../src/store/users.js';
import { createApp } from '../src/web/app.js';
import { provinceDataset } from './province-dataset.js';
import { benchLogin } from './session.js';

const TOWNSHIPS = Number(process.env.BENCH_TOWNSHIPS ?? 1000);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const PASSWORD = 'bench password 1';
const PAGES: ReadonlyArray<readonly [string, string]> = [
  ['county GEP report', '/reports/gep?year=2021'],
  ['township comparison', '/reports/compare?year=2021'],
  ['balance sheet', '/reports/balance-sheet?year=2021&from=2020'],
];
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

// ---- the province as a dataset file, as the http bench makes it
const text = provinceDataset(TOWNSHIPS);
const migrations = readdirSync('src/store/migrations')
  .filter((f) => f.endsWith('.sql'))
  .sort()
  .join(',');
const key = createHash('sha256').update(text).update(migrations).digest('hex').slice(0, 16);
const dump = join(tmpdir(), `gep-cold-province-${TOWNSHIPS}-${key}.tar`);

let loadDataDir: Blob | undefined;
if (existsSync(dump)) loadDataDir = new Blob([readFileSync(dump)]);
else {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'gep-cold-'));
  const file = join(dir, 'province.json');
  writeFileSync(file, text);
  const seeded = await boot({ url: join(dir, 'pgdata'), coefficientsDir: 'coefficients', seedFile: file });
  await createUser(seeded.db, SYSTEM_ACTOR, {
    username: 'bench',
    displayName: 'bench',
    role: 'admin',
    password: PASSWORD,
  });
  await seeded.db.close();
  const pg = await PGlite.create(join(dir, 'pgdata'));
  const blob = await pg.dumpDataDir('none');
  await pg.close();
  writeFileSync(dump, Buffer.from(await blob.arrayBuffer()));
  loadDataDir = blob;
  console.log(`seeded ${TOWNSHIPS} townships in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${dump}`);
}

const { db } = await boot({ url: 'memory://', loadDataDir, coefficientsDir: 'coefficients' });
const app = createApp({ db, sessionSecret: 'bench', log: () => {} });
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const { cookie } = await benchLogin(app, 'bench', PASSWORD);

const session = PROFILE_DIR ? new Session() : undefined;
if (session) {
  mkdirSync(PROFILE_DIR!, { recursive: true });
  session.connect();
  await session.post('Profiler.enable');
}

async function timed(path: string, profile?: string) {
  if (profile) await session!.post('Profiler.start');
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await fetch(base + path, { headers: { cookie } });
  const body = await r.text();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (profile) {
    const { profile: p } = await session!.post('Profiler.stop');
    writeFileSync(join(PROFILE_DIR!, `${profile}.cpuprofile`), JSON.stringify(p));
  }
  if (r.status !== 200) throw new Error(`${path}: status ${r.status}\n${body.slice(0, 2000)}`);
  return { wall, cpu: (c.user + c.system) / 1000, bytes: body.length, rss: process.memoryUsage().rss };
}

const fmt = (x: { wall: number; cpu: number; bytes: number; rss: number }) =>
  `${x.wall.toFixed(0).padStart(6)} ms wall ${x.cpu.toFixed(0).padStart(6)} ms cpu  ` +
  `${(x.bytes / 2 ** 20).toFixed(2)} MB  rss ${(x.rss / 2 ** 20).toFixed(0)} MB`;

console.log(
  `cold report bench: ${TOWNSHIPS} townships × 2 years, node ${process.version}, ${cpus()[0]?.model} × ${cpus().length}`,
);
console.log(`load average before: ${load()}`);
const only = process.env.BENCH_PAGES?.split(',').map((p) => p.trim());
const pages = PAGES.filter(([, path]) => !only || only.some((p) => path.includes(p)));
for (const [name, path] of pages)
  console.log(
    `  cold  ${name.padEnd(20)} ${fmt(await timed(path, PROFILE_DIR && name.replace(/\W+/g, '-')))}`,
  );
// warm: the page cache is keyed by the URL, so a new parameter rebuilds the page from what the cold requests cached
for (const [name, path] of pages)
  console.log(`  warm  ${name.padEnd(20)} ${fmt(await timed(`${path}&w=1`))}`);
console.log(`load average after: ${load()}`);
server.close();
await db.close();

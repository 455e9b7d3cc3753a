/**
 * HTTP bench on loopback: the app on the embedded database with the sample county (15 townships, full
 * catalogue), a logged-in session, autocannon at 1, 8 and 50 connections against the data-entry page, the
 * county GEP report and the township comparison (time-outs and errors counted); the same reports on a
 * generated province of 1,000 townships (2 years, cold first request timed); then a 15-township XLSX import
 * (upload → validation → preview → commit). With BENCH_DATABASE_URL (a PostgreSQL server, e.g.
 * postgres://gep:gep@127.0.0.1:5432/postgres) the county GEP report is also served by the app's build (`dist/src/server.js`, as `npm start` runs it) with WORKERS=1
 * and WORKERS=2 on a new database there (dropped at the end). BENCH_PAGES=gep,compare,… runs only those rows.
 * Run with `npm run bench:http` (BENCH_SECONDS per row, default 10). Every request goes to 127.0.0.1 only.
 */
import type autocannon from 'autocannon';
import ExcelJS from 'exceljs';
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { boot } from '../src/store/boot.js';
import { SYSTEM_ACTOR } from '../src/store/audit.js';
import { createUser } from '../src/store/users.js';
import { createApp } from '../src/web/app.js';
import { ROOT } from '../src/paths.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provinceDataset } from './province-dataset.js';
import { benchLogin } from './session.js';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
// 1: the latency a user sees; 8: throughput under concurrent use; 50: a crowd (time-outs counted)
const CONNECTIONS = [1, 8, 50];
const PROVINCE_TOWNSHIPS = Number(process.env.BENCH_TOWNSHIPS ?? 1000); // 0: skip the province
const PASSWORD = 'bench password 1';
const PAGES = process.env.BENCH_PAGES?.split(',').map((p) => p.trim());
const wanted = (path: string) => !PAGES || PAGES.some((p) => path.includes(p));
const PG_BASE = process.env.BENCH_DATABASE_URL;

const { db } = await boot({
  url: 'memory://',
  coefficientsDir: 'coefficients',
  seedFile: 'seeds/minhou/dataset.json',
});
for (const [username, role] of [
  ['bench', 'admin'],
  ['editor', 'editor'],
] as const)
  await createUser(db, SYSTEM_ACTOR, { username, displayName: username, role, password: PASSWORD });
const app = createApp({ db, sessionSecret: 'bench', log: () => {} });
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function session(username: string) {
  const { agent, cookie } = await benchLogin(app, username, PASSWORD);
  const token = (await agent.get('/api/v1/session')).body.csrfToken as string;
  return { agent, cookie, token };
}

const rows: string[] = [];
const AUTOCANNON = join(ROOT, 'node_modules/autocannon/autocannon.js');
// what a browser sends: the page may come gzip-compressed (BENCH_ENCODING= sends none, identity bytes)
const ACCEPT_ENCODING = process.env.BENCH_ENCODING ?? 'gzip, deflate, br';

/**
 * autocannon in a process of its own (not in this one, which serves the embedded rows): on 2 cores the load
 * generator's JSON, histograms and sockets would otherwise run on the server's event loop and be measured as
 * the server's time. Resolves with autocannon's JSON result.
 */
function autocannonChild(url: string, connections: number, headers: Record<string, string>) {
  const args = [AUTOCANNON, '--json', '-n', '-c', String(connections), '-d', String(DURATION_S), '-t', '10'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += String(d)));
  return new Promise<{ pid: number; r: autocannon.Result }>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve({ pid: child.pid!, r: JSON.parse(out) }) : reject(new Error(`autocannon ${code}`)),
    ),
  );
}

// BENCH_PROFILE=dir: a CPU profile of this process (the server of the embedded rows) per row, load generator excluded
const profileDir = process.env.BENCH_PROFILE;
const inspector = profileDir ? new (await import('node:inspector/promises')).Session() : undefined;
inspector?.connect();
await inspector?.post('Profiler.enable');

async function load(label: string, url: string, cookie: string, serverPid = process.pid) {
  const headers = { cookie, ...(ACCEPT_ENCODING ? { 'accept-encoding': ACCEPT_ENCODING } : {}) };
  // warm: the compiled set, the year's accounts and the page are cached by content, as on a running server
  let bytes = 0;
  for (let i = 0; i < 20; i++)
    bytes = (await (await fetch(url, { headers: { cookie } })).arrayBuffer()).byteLength;
  for (const connections of CONNECTIONS) {
    // the server's CPU time per request is measured only when it runs in this process
    const cpu0 = process.cpuUsage();
    if (inspector && serverPid === process.pid) await inspector.post('Profiler.start');
    const { pid, r } = await autocannonChild(url, connections, headers);
    const cpu = process.cpuUsage(cpu0);
    if (inspector && serverPid === process.pid) {
      const { profile } = await inspector.post('Profiler.stop');
      const file = `http-${label.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}-${connections}.cpuprofile`;
      writeFileSync(join(profileDir!, file), JSON.stringify(profile));
    }
    const cpuPerReq =
      serverPid === process.pid
        ? ((cpu.user + cpu.system) / 1000 / Math.max(1, r.requests.total)).toFixed(2)
        : '–';
    rows.push(
      `| ${label} | ${connections} | ${r.latency.p50} | ${r.latency.p90} | ${r.latency.p99} | ${Math.round(r.requests.average)} | ${r.timeouts} | ${r.non2xx + r.errors - r.timeouts} | ${Math.round(r.throughput.average / Math.max(1, r.requests.average) / 1024)} / ${Math.round(bytes / 1024)} | ${cpuPerReq} | ${serverPid} / ${pid} | ${loadavg()[0]!.toFixed(2)} |`,
    );
  }
}

const admin = await session('bench');
for (const [name, path] of [
  ['data-entry page', '/data/ganzhe/2021'],
  ['county GEP report', '/reports/gep?year=2021'],
  ['township comparison', '/reports/compare?year=2021'],
  ['balance sheet', '/reports/balance-sheet?year=2021&from=2020'],
] as const)
  if (wanted(path)) await load(`15 townships: ${name} \`${path}\``, base + path, admin.cookie);

// the same database and session through an app without the page cache: the cache's gain, in this run
const uncached = createApp({ db, sessionSecret: 'bench', log: () => {}, pageCacheBytes: 0 });
const uncachedServer = uncached.listen(0, '127.0.0.1');
await new Promise((r) => uncachedServer.once('listening', r));
await load(
  '15 townships, page cache off: county GEP report',
  `http://127.0.0.1:${(uncachedServer.address() as AddressInfo).port}/reports/gep?year=2021`,
  admin.cookie,
);
uncachedServer.close();

// the sample county on PostgreSQL, served by the app's own start (src/server.ts) with 1 and 2 processes
const pgRows: string[] = [];
if (PG_BASE) {
  const name = `gep_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_BASE });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  try {
    const pgDb = await boot({
      url: url.toString(),
      coefficientsDir: 'coefficients',
      seedFile: 'seeds/minhou/dataset.json',
    });
    await createUser(pgDb.db, SYSTEM_ACTOR, {
      username: 'bench',
      displayName: 'bench',
      role: 'admin',
      password: PASSWORD,
    });
    await pgDb.db.close();
    for (const workers of [1, 2]) {
      const port = 39000 + workers;
      // as `npm start` runs it: its build, with this bench's node flags (the heap ceiling of package.json's scripts)
      const child = spawn(process.execPath, [...process.execArgv, join(ROOT, 'dist/src/server.js')], {
        env: { ...process.env, DATABASE_URL: url.toString(), WORKERS: String(workers), PORT: String(port) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let listening = 0;
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          listening += (String(d).match(/"msg":"listening"/g) ?? []).length;
          if (listening >= workers) resolve();
        });
        child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      const pgBase = `http://127.0.0.1:${port}`;
      const loginPage = await fetch(`${pgBase}/login`);
      const preCookie = String(loginPage.headers.get('set-cookie')).split(';')[0]!;
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())![1]!;
      const res = await fetch(`${pgBase}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: preCookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, username: 'bench', password: PASSWORD }).toString(),
      });
      const cookie = String(res.headers.get('set-cookie')).split(';')[0]!;
      const before = rows.length;
      await load(
        `15 townships, PostgreSQL, WORKERS=${workers}: county GEP report`,
        `${pgBase}/reports/gep?year=2021`,
        cookie,
        child.pid,
      );
      pgRows.push(...rows.splice(before));
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

// a 15-township XLSX import: the 2021 export with its year column set to 2022
const editor = await session('editor');
const exported = await editor.agent
  .get('/export.xlsx?year=2021')
  .buffer(true)
  .parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
const wb = new ExcelJS.Workbook();
await wb.xlsx.load(exported.body as ArrayBuffer);
wb.worksheets[0]!.eachRow((row, n) => {
  if (n > 2) row.getCell(2).value = 2022;
});
const file = Buffer.from(await wb.xlsx.writeBuffer());
const t0 = performance.now();
const upload = await editor.agent
  .post('/import')
  .field('_csrf', editor.token)
  .attach('file', file, 'minhou-2022.xlsx');
const t1 = performance.now();
const id = /\/import\/(\d+)/.exec(upload.headers.location ?? '')?.[1];
if (!id) throw new Error(`upload failed: ${upload.status}`);
const preview = await editor.agent.get(`/import/${id}`);
const t2 = performance.now();
const commit = await editor.agent.post(`/import/${id}/commit`).type('form').send({ _csrf: editor.token });
const t3 = performance.now();
const [{ n }] = (await db.query<{ n: number }>(
  'select count(*)::int as n from survey_records where year = 2022',
)) as [{ n: number }];
if (commit.status !== 303 || n !== 15 || preview.status !== 200)
  throw new Error('import did not commit 15 records');

server.close();
await db.close();

// ---- a province of PROVINCE_TOWNSHIPS townships × 2 years, seeded like the sample county
const cold: string[] = [];
let bootMs = 0;
if (PROVINCE_TOWNSHIPS > 0) {
  const provinceFile = join(mkdtempSync(join(tmpdir(), 'gep-bench-')), 'province.json');
  writeFileSync(provinceFile, provinceDataset(PROVINCE_TOWNSHIPS));
  const tBoot = performance.now();
  const big = await boot({ url: 'memory://', coefficientsDir: 'coefficients', seedFile: provinceFile });
  bootMs = performance.now() - tBoot;
  await createUser(big.db, SYSTEM_ACTOR, {
    username: 'bench',
    displayName: 'bench',
    role: 'admin',
    password: PASSWORD,
  });
  const bigApp = createApp({ db: big.db, sessionSecret: 'bench', log: () => {} });
  const bigServer = bigApp.listen(0, '127.0.0.1');
  await new Promise((r) => bigServer.once('listening', r));
  const bigBase = `http://127.0.0.1:${(bigServer.address() as AddressInfo).port}`;
  const bigAdmin = await (async () => {
    return (await benchLogin(bigApp, 'bench', PASSWORD)).cookie;
  })();
  for (const [name, path] of [
    ['county GEP report', '/reports/gep?year=2021'],
    ['township comparison', '/reports/compare?year=2021'],
    ['balance sheet', '/reports/balance-sheet?year=2021&from=2020'],
  ] as const) {
    if (!wanted(path)) continue;
    const t = performance.now();
    const c0 = process.cpuUsage();
    const res = await fetch(bigBase + path, { headers: { cookie: bigAdmin } });
    const body = await res.text();
    const c = process.cpuUsage(c0);
    // cpu of this process (the server of the province; with V8's garbage-collector threads, so it can exceed wall)
    cold.push(
      `${name}: cold ${(performance.now() - t).toFixed(0)} ms (${((c.user + c.system) / 1000).toFixed(0)} ms cpu, load ${loadavg()[0]!.toFixed(2)}, status ${res.status}, ${(body.length / 2 ** 20).toFixed(2)} MB of HTML)`,
    );
    await load(`${PROVINCE_TOWNSHIPS} townships: ${name} \`${path}\``, bigBase + path, bigAdmin);
  }
  bigServer.close();
  await big.db.close();
}

console.log(
  `Node ${process.version}, ${cpus()[0]?.model} × ${cpus().length}, embedded PGlite, ${DURATION_S} s per row\n` +
    `server: this process (pid ${process.pid}) for the embedded rows, src/server.ts (its own pid) for PostgreSQL; ` +
    `load generator: autocannon in a child process of its own per row (pid given); ` +
    `Accept-Encoding: ${ACCEPT_ENCODING || '(none)'}\n`,
);
console.log(
  '| page | connections | p50 ms | p90 ms | p99 ms | req/s | time-outs | other errors | KiB sent / page | server CPU ms/req | server / load pid | load 1 min |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of [...rows, ...pgRows]) console.log(r);
console.log(
  `\n15-township XLSX import (${(file.length / 1024).toFixed(0)} KiB, ${15 * 260}+ cells): upload + validation ${(t1 - t0).toFixed(0)} ms, preview page ${(t2 - t1).toFixed(0)} ms, commit ${(t3 - t2).toFixed(0)} ms, total ${(t3 - t0).toFixed(0)} ms`,
);
console.log(
  `\n${PROVINCE_TOWNSHIPS}-township province: seeded in ${(bootMs / 1000).toFixed(1)} s; ${cold.join('; ')}`,
);

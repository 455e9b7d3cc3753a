/**
 * Load bench on loopback: 50 connections for 60 s (LOAD_CONNECTIONS, LOAD_SECONDS) cycling through the pages
 * people open most (data entry, county GEP report, comparison, GEEP, balance sheet, trace, price list), with a
 * logged-in session, on the embedded database with the sample county. Prints p50/p99, errors, time-outs,
 * non-2xx answers and the process RSS before and after. Run with `npm run bench:load`; it stops by itself.
 */
import autocannon from 'autocannon';
import { cpus } from 'node:os';
import type { AddressInfo } from 'node:net';
import { boot } from '../src/store/boot.js';
import { SYSTEM_ACTOR } from '../src/store/audit.js';
import { createUser } from '../src/store/users.js';
import { createApp } from '../src/web/app.js';
import { benchLogin } from './session.js';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 50);
const PASSWORD = 'bench password 1';
const PATHS = [
  '/data/ganzhe/2021',
  '/reports/gep?year=2021',
  '/reports/compare?year=2021',
  '/reports/geep?year=2021',
  '/reports/balance-sheet?from=2020&to=2021',
  '/reports/trace?year=2021&township=ganzhe&component=water_conservation&class=forest_broadleaf',
  '/prices',
];

const { db } = await boot({
  url: 'memory://',
  coefficientsDir: 'coefficients',
  seedFile: 'seeds/minhou/dataset.json',
});
await createUser(db, SYSTEM_ACTOR, {
  username: 'load',
  displayName: 'load',
  role: 'admin',
  password: PASSWORD,
});
const app = createApp({ db, sessionSecret: 'bench', log: () => {} });
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const { cookie } = await benchLogin(app, 'load', PASSWORD);

const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
for (const path of PATHS) {
  const r = await fetch(base + path, { headers: { cookie } });
  if (r.status !== 200) throw new Error(`${path}: ${r.status} before the run`);
}
const rssBefore = process.memoryUsage().rss;
const result = await autocannon({
  url: base,
  connections: CONNECTIONS,
  duration: SECONDS,
  timeout: 10,
  headers: { cookie },
  requests: PATHS.map((path) => ({ method: 'GET', path })),
});
const rssAfter = process.memoryUsage().rss;
const health = await fetch(base + '/healthz');

console.log(`Node ${process.version}, ${cpus()[0]?.model} × ${cpus().length}, embedded PGlite`);
console.log(`${CONNECTIONS} connections, ${SECONDS} s, ${PATHS.length} pages in turn\n`);
console.log(
  '| requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | time-outs | non-2xx | RSS before → after MB |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
console.log(
  `| ${result.requests.total} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p90} | ${result.latency.p99} | ${result.latency.max} | ${result.errors} | ${result.timeouts} | ${result.non2xx} | ${mb(rssBefore)} → ${mb(rssAfter)} |`,
);
console.log(`\n/healthz after the run: ${health.status}`);
server.close();
await db.close();
if (result.errors || result.non2xx || health.status !== 200) process.exitCode = 1;

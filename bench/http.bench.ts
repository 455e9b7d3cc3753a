/**
 * HTTP bench on loopback: the app on the embedded database with the sample county (15 townships, full
 * catalogue), a logged-in session, autocannon against the data-entry page, the county GEP report and the
 * township comparison; then a 15-township XLSX import (upload → validation → preview → commit).
 * Run with `npm run bench:http`. Every request goes to 127.0.0.1 only; the run stops by itself.
 */
import autocannon from 'autocannon';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { boot } from '../src/store/boot.js';
import { SYSTEM_ACTOR } from '../src/store/audit.js';
import { createUser } from '../src/store/users.js';
import { createApp } from '../src/web/app.js';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = [1, 8]; // 1: the latency a user sees; 8: throughput under concurrent use
const PASSWORD = 'bench password 1';

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
  const agent = request.agent(app);
  const page = await agent.get('/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const res = await agent.post('/login').type('form').send({ _csrf: csrf, username, password: PASSWORD });
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  const token = (await agent.get('/api/v1/session')).body.csrfToken as string;
  return { agent, cookie, token };
}

const admin = await session('bench');
const rows: string[] = [];
for (const [name, path] of [
  ['data-entry page', '/data/ganzhe/2021'],
  ['county GEP report', '/reports/gep?year=2021'],
  ['township comparison', '/reports/compare?year=2021'],
] as const) {
  // warm: the compiled set and the year's accounts are cached by content, as on a running server
  for (let i = 0; i < 20; i++) await fetch(base + path, { headers: { cookie: admin.cookie } });
  for (const connections of CONNECTIONS) {
    const r = await autocannon({
      url: base + path,
      connections,
      duration: DURATION_S,
      headers: { cookie: admin.cookie },
    });
    if (r.non2xx) throw new Error(`${path}: ${r.non2xx} responses were not 2xx`);
    rows.push(
      `| ${name} | \`${path}\` | ${connections} | ${r.latency.p50} | ${r.latency.p90} | ${r.latency.p99} | ${Math.round(r.requests.average)} |`,
    );
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

console.log(
  `Node ${process.version}, ${cpus()[0]?.model} × ${cpus().length}, embedded PGlite, ${DURATION_S} s per row\n`,
);
console.log('| page | path | connections | p50 ms | p90 ms | p99 ms | req/s |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(
  `\n15-township XLSX import (${(file.length / 1024).toFixed(0)} KiB, ${15 * 260}+ cells): upload + validation ${(t1 - t0).toFixed(0)} ms, preview page ${(t2 - t1).toFixed(0)} ms, commit ${(t3 - t2).toFixed(0)} ms, total ${(t3 - t0).toFixed(0)} ms`,
);
server.close();
await db.close();

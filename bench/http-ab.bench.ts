/**
 * Before and after in one run: the app of another checkout (BENCH_BASE, a worktree of the commit to compare with,
 * its node_modules in place: `git worktree add --detach /tmp/base <commit> && cp -al node_modules /tmp/base/`)
 * against this checkout's, row by row in turn, so that both see the same load of a shared machine. Embedded: one
 * database, both apps served by this process (its CPU time per request printed). With BENCH_DATABASE_URL also
 * `src/server.ts` of each checkout on one new PostgreSQL database, WORKERS=1 and 2. autocannon runs in a child
 * process per row, asking for gzip as a browser does. `npx tsx bench/http-ab.bench.ts`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type autocannon from 'autocannon';
import { loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { boot } from '../src/store/boot.js';
import { SYSTEM_ACTOR } from '../src/store/audit.js';
import { createUser } from '../src/store/users.js';
const BASE = process.env.BENCH_BASE;
if (!BASE) throw new Error('BENCH_BASE: the checkout to compare with');
const NEW = fileURLToPath(new URL('..', import.meta.url));
const S = Number(process.env.BENCH_SECONDS ?? 5);
const PASSWORD = 'bench password 1';
const AC = `${NEW}/node_modules/autocannon/autocannon.js`;
function cannon(url: string, c: number, cookie: string) {
  const child = spawn(
    process.execPath,
    [
      AC,
      '--json',
      '-n',
      '-c',
      String(c),
      '-d',
      String(S),
      '-t',
      '10',
      '-H',
      `cookie=${cookie}`,
      '-H',
      'accept-encoding=gzip, deflate, br',
      url,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += String(d)));
  return new Promise<autocannon.Result>((r) => child.once('exit', () => r(JSON.parse(out))));
}
async function loginAt(base: string) {
  const lp = await fetch(`${base}/login`);
  const pre = String(lp.headers.get('set-cookie')).split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await lp.text())![1]!;
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username: 'bench', password: PASSWORD }).toString(),
  });
  return String(res.headers.get('set-cookie')).split(';')[0]!;
}
const rows: string[] = [];
async function row(
  label: string,
  which: string,
  base: string,
  path: string,
  c: number,
  cookie: string,
  inProcess: boolean,
) {
  for (let i = 0; i < 10; i++) await (await fetch(base + path, { headers: { cookie } })).arrayBuffer();
  const cpu0 = process.cpuUsage();
  const r = await cannon(base + path, c, cookie);
  const cpu = process.cpuUsage(cpu0);
  rows.push(
    `| ${label} | ${which} | ${c} | ${r.latency.p50} | ${r.latency.p99} | ${Math.round(r.requests.average)} | ${r.timeouts} | ${r.non2xx + r.errors - r.timeouts} | ${Math.round(r.throughput.average / Math.max(1, r.requests.average) / 1024)} | ${inProcess ? ((cpu.user + cpu.system) / 1000 / r.requests.total).toFixed(2) : '–'} | ${loadavg()[0]!.toFixed(1)} |`,
  );
}
// embedded: one database, both apps in this process (BENCH_PG_ONLY=1 skips)
if (!process.env.BENCH_PG_ONLY) {
  const { db } = await boot({
    url: 'memory://',
    coefficientsDir: 'coefficients',
    seedFile: 'seeds/minhou/dataset.json',
  });
  await createUser(db, SYSTEM_ACTOR, {
    username: 'bench',
    displayName: 'bench',
    role: 'admin',
    password: PASSWORD,
  });
  const apps: Record<string, string> = {};
  for (const [which, dir] of [
    ['before', BASE],
    ['after', NEW],
  ] as const) {
    const { createApp } = (await import(`${dir}/src/web/app.ts`)) as typeof import('../src/web/app.js');
    const s = createApp({ db, sessionSecret: 'bench', log: () => {} }).listen(0, '127.0.0.1');
    await new Promise((r) => s.once('listening', r));
    apps[which] = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }
  const cookies = { before: await loginAt(apps.before!), after: await loginAt(apps.after!) } as Record<
    string,
    string
  >;
  for (const path of [
    '/reports/gep?year=2021',
    '/reports/compare?year=2021',
    '/reports/balance-sheet?year=2021&from=2020',
  ])
    for (const c of [1, 50])
      for (const which of ['before', 'after'])
        await row(`embedded ${path}`, which, apps[which]!, path, c, cookies[which]!, true);
}
// PostgreSQL: one database, src/server.ts of each checkout
const PGURL = process.env.BENCH_DATABASE_URL;
if (PGURL) {
  const name = `gep_ab_${process.pid}`;
  const admin = new pg.Client({ connectionString: PGURL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(PGURL);
  url.pathname = `/${name}`;
  try {
    const b = await boot({
      url: url.toString(),
      coefficientsDir: 'coefficients',
      seedFile: 'seeds/minhou/dataset.json',
    });
    await createUser(b.db, SYSTEM_ACTOR, {
      username: 'bench',
      displayName: 'bench',
      role: 'admin',
      password: PASSWORD,
    });
    await b.db.close();
    for (const workers of [1, 2]) {
      const servers: Record<string, { base: string; child: ReturnType<typeof spawn>; cookie?: string }> = {};
      for (const [which, dir, port] of [
        ['before', BASE, 39100],
        ['after', NEW, 39200],
      ] as const) {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
          cwd: dir,
          env: {
            ...process.env,
            DATABASE_URL: url.toString(),
            WORKERS: String(workers),
            PORT: String(port + workers),
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let n = 0;
        await new Promise<void>((resolve, reject) => {
          child.stdout!.on('data', (d: Buffer) => {
            n += (String(d).match(/"msg":"listening"/g) ?? []).length;
            if (n >= workers) resolve();
          });
          child.once('exit', (code) => reject(new Error(`server ${which} exited ${code}`)));
        });
        servers[which] = { base: `http://127.0.0.1:${port + workers}`, child };
        servers[which]!.cookie = await loginAt(servers[which]!.base);
      }
      for (const c of [1, 50])
        for (const which of ['before', 'after'])
          await row(
            `PostgreSQL WORKERS=${workers} /reports/gep?year=2021`,
            which,
            servers[which]!.base,
            '/reports/gep?year=2021',
            c,
            servers[which]!.cookie!,
            false,
          );
      for (const s of Object.values(servers)) {
        s.child.kill('SIGTERM');
        await new Promise((r) => s.child.once('exit', r));
      }
    }
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
console.log(`before: ${BASE}, after: ${NEW}, ${S} s per row\n`);
console.log(
  '| page | server | connections | p50 ms | p99 ms | req/s | time-outs | errors | KiB sent | server CPU ms/req | load 1 min |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
process.exit(0);

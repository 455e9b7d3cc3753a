import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { boot, sessionSecret } from './store/boot.js';
import { isPostgresUrl } from './store/db.js';
import { claimEmbedded, databaseUrl, holdAppLock, workerCount } from './store/config.js';
import { createApp, jsonLogger, trustProxySetting } from './web/app.js';

/**
 * The app: PORT (3000), DATA_DIR (./data, the embedded database) or DATABASE_URL (PostgreSQL), WORKERS (1; more
 * processes on one port need PostgreSQL).
 */
const log = jsonLogger();
const port = Number(process.env.PORT ?? 3000);
const url = databaseUrl();
let workers: number;
try {
  workers = workerCount(process.env, url);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
if (workers > 1 && cluster.isPrimary) superviseWorkers(workers);
else await serve();

/**
 * The primary of WORKERS processes: forks them (the port is shared; each boots, on PostgreSQL one at a time),
 * forks again one that dies, and passes SIGINT/SIGTERM on. A worker dying within 10 s of its start ends all
 * (a broken setup, not a crash to restart).
 */
function superviseWorkers(n: number) {
  let stopping = false;
  const started = new Map<number, number>();
  const fork = () => {
    const w = cluster.fork();
    started.set(w.id, Date.now());
  };
  log({ msg: 'starting workers', workers: n });
  for (let i = 0; i < n; i++) fork();
  cluster.on('exit', (w, code, signal) => {
    const early = Date.now() - (started.get(w.id) ?? 0) < 10_000;
    started.delete(w.id);
    if (stopping) {
      if (!started.size) process.exit(0);
      return;
    }
    log({ level: 'error', msg: 'worker exited', pid: w.process.pid, code, signal });
    if (early && code !== 0) {
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      if (!started.size) process.exit(1);
      return;
    }
    fork();
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function serve() {
  // restore and start exclude each other: a lock file on the embedded folder, an advisory lock on PostgreSQL
  const release = claimEmbedded(url, 'server');
  const releaseAppLock = await holdAppLock(url).catch((e: unknown) => {
    release();
    throw e;
  });

  const { db, setupToken } = await boot({
    url,
    coefficientsDir: resolve('coefficients'),
    seedFile: process.env.GEP_NO_SAMPLE ? undefined : resolve('seeds/minhou/dataset.json'),
    log,
  });
  const app = createApp({
    db,
    sessionSecret: await sessionSecret(db),
    log,
    secureCookies: process.env.COOKIE_SECURE === '1',
    pruneSessions: true,
    trustProxy: trustProxySetting(process.env.TRUST_PROXY),
  });
  const server = app.listen(port, process.env.HOST ?? '127.0.0.1', () => {
    log({
      msg: 'listening',
      ...(cluster.isWorker ? { worker: cluster.worker?.id, pid: process.pid } : {}),
      url: `http://localhost:${port}/`,
      database: isPostgresUrl(url) ? 'postgres' : url,
    });
    if (setupToken)
      process.stderr.write(
        `\n  GEP Ledger has no user yet. Create the first administrator:\n` +
          `    open  http://localhost:${port}/setup?token=${setupToken}\n` +
          `    or    npm run gep -- create-user --role admin --username admin --name 管理员\n\n`,
      );
  });

  const stop = () =>
    server.close(() =>
      Promise.all([db.close(), releaseAppLock()]).then(() => {
        release();
        process.exit(0);
      }),
    );
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

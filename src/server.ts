import { resolve } from 'node:path';
import { boot, sessionSecret } from './store/boot.js';
import { isPostgresUrl } from './store/db.js';
import { claimEmbedded, databaseUrl, holdAppLock } from './store/config.js';
import { createApp, jsonLogger, trustProxySetting } from './web/app.js';

/** The app: PORT (3000), DATA_DIR (./data, the embedded database) or DATABASE_URL (PostgreSQL). */
const log = jsonLogger();
const port = Number(process.env.PORT ?? 3000);
const url = databaseUrl();
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

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import pg from 'pg';
import { wholeNumberFromEnv } from '../env.js';
import { isPostgresUrl } from './db.js';

/** Where the database is: DATABASE_URL (PostgreSQL) or DATA_DIR/pgdata (embedded, default ./data). */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL || join(resolve(env.DATA_DIR ?? './data'), 'pgdata');
}

/** The lock file of an embedded database folder: {"pid", "owner"}, created exclusively. */
export const lockFileOf = (url: string) => join(url, '..', 'gep.lock');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const OWNER_TEXT = {
  server: { zh: '服务', en: 'the server' },
  cli: { zh: '命令行（如 restore）', en: 'a command-line command (e.g. restore)' },
} as const;

/**
 * The embedded database takes one process at a time, server or command line (restore, backup,
 * create-user): the folder is marked by a lock file created exclusively (so two processes starting at
 * once cannot both take it), and a process finding a live owner's mark refuses to start. A mark left by
 * a process that died is taken over.
 */
export function claimEmbedded(url: string, owner: 'server' | 'cli'): () => void {
  if (isPostgresUrl(url)) return () => {};
  mkdirSync(url, { recursive: true });
  const file = lockFileOf(url);
  const mine = JSON.stringify({ pid: process.pid, owner });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, mine, { flag: 'wx' });
      return () => {
        if (existsSync(file) && readFileSync(file, 'utf8') === mine) rmSync(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let held: { pid?: number; owner?: 'server' | 'cli' } = {};
    try {
      held = JSON.parse(readFileSync(file, 'utf8')) as typeof held;
    } catch {
      // unreadable: a mark being written this instant, or garbage; treated as held once, then taken over
      if (attempt < 2) continue;
    }
    if (held.pid && held.pid !== process.pid && alive(held.pid)) {
      const who = OWNER_TEXT[held.owner ?? 'server'];
      throw new Error(
        `嵌入式数据库 ${url} 正被${who.zh}（进程 ${held.pid}）使用，请等它结束 (the embedded database is in use by ${who.en}, process ${held.pid}; wait for it to finish)`,
      );
    }
    rmSync(file, { force: true });
  }
  throw new Error(`cannot lock the embedded database ${url}`);
}

/**
 * On PostgreSQL, restore and the app exclude each other with one advisory lock: every app process holds
 * it shared for its lifetime (on a connection of its own), a restore takes it exclusive for its
 * transaction. Any constant, distinct from the migration lock.
 */
export const RESTORE_LOCK = 4_711_2022;

/** Holds the shared lock for an app process; refuses to start while a restore runs. */
export async function holdAppLock(url: string): Promise<() => Promise<void>> {
  if (!isPostgresUrl(url)) return async () => {};
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const [row] = (
    await client.query<{ ok: boolean }>('select pg_try_advisory_lock_shared($1) as ok', [RESTORE_LOCK])
  ).rows;
  if (!row?.ok) {
    await client.end();
    throw new Error(
      '数据库正在恢复（restore），请等它结束后再启动 (a restore is running on this database; start the app when it has finished)',
    );
  }
  return () => client.end();
}

/**
 * WORKERS: how many app processes serve the port (node:cluster), default 1. More than one needs PostgreSQL: the
 * embedded database is one process's (its folder is locked to it).
 */
export function workerCount(env: NodeJS.ProcessEnv, url: string): number {
  const n = wholeNumberFromEnv(env, 'WORKERS', { min: 1, max: 64, fallback: 1 });
  if (n > 1 && !isPostgresUrl(url))
    throw new Error(
      `WORKERS=${n} 需要 PostgreSQL（设置 DATABASE_URL=postgres://…）：嵌入式数据库只能由一个进程使用 ` +
        `(WORKERS=${n} needs PostgreSQL (set DATABASE_URL=postgres://…): the embedded database is used by one process only)`,
    );
  return n;
}

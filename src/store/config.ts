import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { isPostgresUrl } from './db.js';

/** Where the database is: DATABASE_URL (PostgreSQL) or DATA_DIR/pgdata (embedded, default ./data). */
export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL || join(resolve(env.DATA_DIR ?? './data'), 'pgdata');
}

const pidFile = (url: string) => join(url, '..', 'server.pid');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The embedded database takes one process at a time: the server marks its folder, and the command line
 * refuses to open a folder a live server holds.
 */
export function claimEmbedded(url: string, owner: 'server' | 'cli'): () => void {
  if (isPostgresUrl(url)) return () => {};
  mkdirSync(url, { recursive: true });
  const file = pidFile(url);
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8'));
    if (pid && pid !== process.pid && alive(pid))
      throw new Error(
        `嵌入式数据库 ${url} 正被进程 ${pid} 使用；请先停止服务 (the embedded database is in use by process ${pid}; stop the server first)`,
      );
  }
  if (owner === 'cli') return () => {};
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

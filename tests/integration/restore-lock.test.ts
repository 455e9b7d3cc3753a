/**
 * Restore and start exclude each other (issue 11, L6). Embedded database: a lock file created
 * exclusively, held by the server or by a command-line command (restore, backup, create-user); a live
 * owner's mark refuses the other, a dead owner's mark is taken over. PostgreSQL (when TEST_DATABASE_URL
 * is set): every app process holds an advisory lock shared, a restore takes it exclusive.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { backup, restore } from '../../src/store/backup.js';
import { RESTORE_LOCK, claimEmbedded, holdAppLock, lockFileOf } from '../../src/store/config.js';
import { ROOT, startApp, tempDir } from './harness.js';

describe('embedded database: one process at a time', () => {
  it('a server does not start while a command-line restore holds the folder, and the reverse', () => {
    const url = join(tempDir(), 'pgdata');
    // another live process (our parent) marked as the command line running a restore
    writeFileSync(lockFileOf(url), JSON.stringify({ pid: process.ppid, owner: 'cli' }));
    expect(() => claimEmbedded(url, 'server')).toThrow(/in use by a command-line command \(e\.g\. restore\)/);
    writeFileSync(lockFileOf(url), JSON.stringify({ pid: process.ppid, owner: 'server' }));
    expect(() => claimEmbedded(url, 'cli')).toThrow(/in use by the server/);
  });

  it('a mark left by a process that died is taken over, and released by its owner only', () => {
    const url = join(tempDir(), 'pgdata');
    writeFileSync(lockFileOf(url), JSON.stringify({ pid: 2 ** 22 + 12345, owner: 'cli' }));
    const release = claimEmbedded(url, 'server');
    expect(JSON.parse(readFileSync(lockFileOf(url), 'utf8'))).toEqual({ pid: process.pid, owner: 'server' });
    release();
    expect(existsSync(lockFileOf(url))).toBe(false);
  });

  it('across processes: while a child holds the folder as the command line, the server is refused', async () => {
    const url = join(tempDir(), 'pgdata');
    const script = `import { claimEmbedded } from ${JSON.stringify(join(ROOT, 'src/store/config.ts'))};
      claimEmbedded(${JSON.stringify(url)}, 'cli'); console.log('held'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => (d.toString().includes('held') ? resolve() : undefined));
        child.on('exit', (code) => reject(new Error(`child exited ${code}`)));
      });
      expect(() => claimEmbedded(url, 'server')).toThrow(new RegExp(`process ${child.pid}`));
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    // killed with its mark in place: the mark is stale and the server takes the folder
    claimEmbedded(url, 'server')();
  }, 60_000);
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL: advisory lock', () => {
  it('a restore is refused while an app process runs; an app does not start during a restore', async () => {
    const t = await startApp({ users: false });
    try {
      const file = join(tempDir(), 'backup.jsonl');
      await backup(t.db, file);
      const release = await holdAppLock(t.url);
      await expect(restore(t.db, file)).rejects.toThrow(/the app is running on this database/);
      await release();
      await restore(t.db, file);
      // a restore holding the lock exclusive (as restore() does within its transaction)
      const client = new pg.Client({ connectionString: t.url });
      await client.connect();
      await client.query('select pg_advisory_lock($1)', [RESTORE_LOCK]);
      await expect(holdAppLock(t.url)).rejects.toThrow(/a restore is running/);
      await client.end();
      await (
        await holdAppLock(t.url)
      )();
    } finally {
      await t.close();
    }
  }, 120_000);
});

/** Commands that work on the app's database: create-user, backup, restore. */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { boot } from '../store/boot.js';
import { backup, restore } from '../store/backup.js';
import { claimEmbedded, databaseUrl } from '../store/config.js';
import { ValidationError } from '../store/errors.js';
import { SYSTEM_ACTOR } from '../store/audit.js';
import { createUser } from '../store/users.js';
import { formatIssue } from '../domain/inputs.js';

export interface DbCommandOptions {
  role?: string;
  username?: string;
  name?: string;
  out?: string;
  lang?: 'zh' | 'en';
}

async function readPassword(): Promise<string> {
  if (process.env.GEP_PASSWORD) return process.env.GEP_PASSWORD;
  if (!process.stdin.isTTY)
    throw new Error(
      '密码从环境变量 GEP_PASSWORD 读取，或在终端中输入 (set GEP_PASSWORD or run in a terminal)',
    );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question('密码 password (≥ 10): ');
  } finally {
    rl.close();
  }
}

/** Opens the app's database; the embedded one is marked as the command line's until release(). */
async function openStore() {
  const url = databaseUrl();
  const release = claimEmbedded(url, 'cli');
  try {
    const { db } = await boot({
      url,
      coefficientsDir: resolve('coefficients'),
      seedFile: resolve('seeds/minhou/dataset.json'),
    });
    return { db, release };
  } catch (e) {
    release();
    throw e;
  }
}

export async function runDbCommand(
  command: 'create-user' | 'backup' | 'restore',
  positional: string | undefined,
  o: DbCommandOptions,
  io: { out: (t: string) => void; err: (t: string) => void },
): Promise<number> {
  const { db, release } = await openStore();
  try {
    if (command === 'create-user') {
      try {
        const user = await createUser(db, SYSTEM_ACTOR, {
          username: o.username,
          displayName: o.name ?? o.username,
          role: o.role,
          password: await readPassword(),
        });
        io.out(`已创建用户 created ${user.role} "${user.username}"`);
        return 0;
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        e.issues.forEach((i) => io.err(formatIssue(i, o.lang ?? 'zh')));
        return 2;
      }
    }
    const file = command === 'backup' ? o.out : positional;
    if (!file) {
      io.err(command === 'backup' ? 'backup --out <file>' : 'restore <file>');
      return 64;
    }
    const counts = command === 'backup' ? await backup(db, resolve(file)) : await restore(db, resolve(file));
    io.out(
      `${command === 'backup' ? '已备份 backed up to' : '已恢复 restored from'} ${file}: ${Object.entries(
        counts,
      )
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}`,
    );
    return 0;
  } finally {
    await db.close();
    release();
  }
}

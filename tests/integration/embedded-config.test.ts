/**
 * Long text parameters sent to the embedded database as bytes (textSentAsBytes), read as the same text.
 * The embedded database's shared buffers: PGLITE_SHARED_BUFFERS (MB, default 32), checked before the database opens,
 * and what the database then runs with. A new data folder is opened again once made, so that the memory its making
 * took is given back.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, pgliteSharedBuffersMb, type Db } from '../../src/store/db.js';
import { ROOT, tempDir } from './harness.js';

describe('PGLITE_SHARED_BUFFERS', () => {
  let db: Db | undefined;
  afterEach(async () => {
    delete process.env.PGLITE_SHARED_BUFFERS;
    await db?.close();
    db = undefined;
  });

  it('is 32 MB unless set, a whole number of MB from 1 to 1024', () => {
    expect(pgliteSharedBuffersMb({})).toBe(32);
    expect(pgliteSharedBuffersMb({ PGLITE_SHARED_BUFFERS: ' 128 ' })).toBe(128);
    expect(pgliteSharedBuffersMb({ PGLITE_SHARED_BUFFERS: '1024' })).toBe(1024);
    for (const bad of ['0', '1025', '32MB', '1e3', '-5', '12.5', 'lots'])
      expect(() => pgliteSharedBuffersMb({ PGLITE_SHARED_BUFFERS: bad })).toThrow(
        new RegExp(`must be a whole number of MB from 1 to 1024; got "${bad.replace('.', '\\.')}"`),
      );
  });

  it("is what the embedded database runs with, the rest of initdb's configuration kept", async () => {
    db = await openDb({ url: 'memory://' });
    expect(await db.query('show shared_buffers')).toEqual([{ shared_buffers: '32MB' }]);
    // set on the command line: postgresql.conf (written by initdb) is not replaced, and its settings hold
    expect(await db.query('show timezone')).toEqual([{ TimeZone: 'UTC' }]);
    expect(await db.query('show default_text_search_config')).toEqual([
      { default_text_search_config: 'pg_catalog.english' },
    ]);
    await db.close();
    db = undefined;
    process.env.PGLITE_SHARED_BUFFERS = '48';
    db = await openDb({ url: 'memory://' });
    expect(await db.query('show shared_buffers')).toEqual([{ shared_buffers: '48MB' }]);
  });

  it('refuses a bad value, in Chinese and English, naming it', async () => {
    process.env.PGLITE_SHARED_BUFFERS = '4GB';
    await expect(openDb({ url: 'memory://' })).rejects.toThrow(
      /PGLITE_SHARED_BUFFERS 应为 1 到 1024 之间的整数（单位 MB），收到"4GB" \(PGLITE_SHARED_BUFFERS must be .*; got "4GB"\)/,
    );
  });
});

describe('long text, json and jsonb parameters (sent to the embedded database as UTF-8 bytes)', () => {
  it('are stored as the same text a short one is, Chinese, astral and escaped characters included', async () => {
    const db = await openDb({ url: 'memory://' });
    try {
      // 80,000 characters: over the 65,536 from which a parameter goes as bytes; 4 bytes for 𠀀, 3 for 林
      const unit = '林地 forest "q" \\ 𠀀 é\n';
      const long = unit.repeat(Math.ceil(80_000 / unit.length));
      expect(long.length).toBeGreaterThanOrEqual(80_000);
      const json = JSON.stringify({ township: '南屿镇', notes: long, values: [1, '2.50', null] });
      const [row] = await db.query<Record<string, unknown>>(
        `select $1::text as t, octet_length($1::text) as bytes, $2::jsonb as b, $2::json as j,
                $2::jsonb ->> 'notes' = $1::text as same, $3::text as short, $4::jsonb as short_b`,
        [long, json, 'é林', '{"a":"林"}'],
      );
      expect(row!.t).toBe(long);
      expect(row!.bytes).toBe(Buffer.byteLength(long, 'utf8'));
      expect(row!.b).toEqual(JSON.parse(json));
      expect(row!.j).toEqual(JSON.parse(json));
      expect(row!.same).toBe(true);
      expect(row!.short).toBe('é林');
      expect(row!.short_b).toEqual({ a: '林' });
      // bad JSON is refused as before, whichever way it is sent
      await expect(db.query('select $1::jsonb', ['{' + long])).rejects.toThrow(
        /invalid input syntax for type json/,
      );
    } finally {
      await db.close();
    }
  });
});

describe('a new data folder', () => {
  it('is opened again once made: the memory initdb grew is not kept (measured in a process of its own)', async () => {
    // the process's external memory (PGlite's WebAssembly memory, mostly) after a full collection, with the database
    // open: on a folder it has just made, then on the same folder opened again as any later start opens it
    const script = `
      import { openDb } from './src/store/db.ts';
      const external = async () => { gc(); gc(); return process.memoryUsage().external; };
      const made = await openDb({ url: process.argv[1] });
      await made.query('select 1');
      const afterMaking = await external();
      await made.close();
      const again = await openDb({ url: process.argv[1] });
      await again.query('select 1');
      console.log(JSON.stringify({ afterMaking, again: await external() }));
      await again.close();`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script, join(tempDir(), 'pgdata')],
      { cwd: ROOT },
    );
    const { afterMaking, again } = JSON.parse(stdout) as { afterMaking: number; again: number };
    // kept, the instance that ran initdb held ≈ 570 MB against ≈ 140 MB for a later start; now the two are alike
    expect(again).toBeGreaterThan(0);
    expect(afterMaking).toBeLessThan(1.5 * again);
  }, 60_000);
});

/**
 * Several app processes on one PostgreSQL database (WORKERS=N): each keeps its own page cache, and a write through
 * one invalidates the pages another has kept, because the data version they are keyed by is in the database. Two
 * app instances with their own connection pools stand in for two processes. WORKERS is refused without PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot } from '../../src/store/boot.js';
import { workerCount } from '../../src/store/config.js';
import type { Db } from '../../src/store/db.js';
import { createApp } from '../../src/web/app.js';
import { COEFFICIENTS, login, startApp, type TestApp } from './harness.js';

describe('WORKERS', () => {
  it('is 1 unless set, and more than 1 only on PostgreSQL', () => {
    expect(workerCount({}, '/data/pgdata')).toBe(1);
    expect(workerCount({ WORKERS: '1' }, 'memory://')).toBe(1);
    expect(workerCount({ WORKERS: '2' }, 'postgres://u:p@h/db')).toBe(2);
    expect(() => workerCount({ WORKERS: '2' }, '/data/pgdata')).toThrow(
      /WORKERS=2 needs PostgreSQL \(set DATABASE_URL=postgres:\/\/…\)/,
    );
    expect(() => workerCount({ WORKERS: 'two' }, 'postgres://u:p@h/db')).toThrow(/got "two"/);
    expect(() => workerCount({ WORKERS: '0' }, 'postgres://u:p@h/db')).toThrow(/from 1 to 64/);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('two app processes on one PostgreSQL database', () => {
  let a: TestApp;
  let bDb: Db;
  let b: ReturnType<typeof createApp>;

  beforeAll(async () => {
    a = await startApp();
    bDb = (await boot({ url: a.url, coefficientsDir: COEFFICIENTS })).db;
    b = createApp({ db: bDb, sessionSecret: 'test-secret', log: () => {} });
  });
  afterAll(async () => {
    await bDb.close();
    await a.close();
  });

  it('a write through process A shows at once on a page process B had cached', async () => {
    const admin = await login(a.app, 'admin');
    const reader = await login(b, 'reviewer');
    const url = '/reports/gep?year=2021';
    const first = (await reader.agent.get(url)).text;
    expect((await reader.agent.get(url)).text).toBe(first); // B serves it from its cache
    expect(first).not.toContain('工作进程测试县');
    const [{ admin_code }] = (await a.db.query<{ admin_code: string }>('select admin_code from regions')) as [
      { admin_code: string },
    ];
    const saved = await admin.agent.post('/admin/region').type('form').send({
      _csrf: admin.csrf,
      nameZh: '工作进程测试县',
      nameEn: 'Worker Test County',
      adminCode: admin_code,
    });
    expect(saved.status).toBe(303);
    const after = (await reader.agent.get(url)).text;
    expect(after).toContain('工作进程测试县');
    expect((await reader.agent.get(`${url}&lang=en`)).text).toContain('Worker Test County');
  });
});

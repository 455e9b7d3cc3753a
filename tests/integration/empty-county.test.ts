import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/store/users.js';
import { SYSTEM_ACTOR } from '../../src/store/audit.js';
import { login, PASSWORD, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let admin: Session;
let editor: Session;
let finance: Session;

beforeAll(async () => {
  // started as GEP_NO_SAMPLE=1 does: no county, no townships
  t = await startApp({ sample: false });
  await createUser(t.db, SYSTEM_ACTOR, {
    username: 'fin',
    displayName: 'fin',
    role: 'finance',
    password: PASSWORD,
  });
  [admin, editor, finance] = (await Promise.all(['admin', 'editor', 'fin'].map((u) => login(t.app, u)))) as [
    Session,
    Session,
    Session,
  ];
}, 60_000);
afterAll(() => t.close());

const steps = (html: string) =>
  [...html.slice(html.indexOf('id="setup-steps"')).matchAll(/<li>([\s\S]*?)<\/li>/g)]
    .slice(0, 4)
    .map((m) => m[1]!);

describe('an empty county: the home page guides instead of showing empty tables', () => {
  it('the administrator gets the set-up steps, each a link, in zh and en', async () => {
    const home = (await admin.agent.get('/')).text;
    expect(home).toContain('开始设置本县');
    expect(home).not.toContain('<table');
    const s = steps(home);
    expect(s).toHaveLength(4);
    expect(s[0]).toContain('href="/admin/regions#region-form"');
    expect(s[0]).not.toContain('已完成');
    expect(s[1]).toMatch(
      /href="\/admin\/regions#add-township"[\s\S]*href="\/admin\/regions#import-townships"/,
    );
    expect(s[2]).toContain('href="/admin/users"');
    expect(s[3]).toContain('href="/import"');
    const en = (await admin.agent.get('/?lang=en')).text;
    expect(en).toContain('Set up your county');
    expect(steps(en)[1]).toContain('Add the townships (names, administrative code, area)');
    await admin.agent.get('/?lang=zh');
  });

  it('a clerk and a finance official read a clear message, not an empty table', async () => {
    const home = (await editor.agent.get('/')).text;
    expect(home).toMatch(/id="setup-waiting"[^>]*>本县尚未设置乡镇/);
    expect(home).not.toContain('<table');
    expect(home).not.toContain('id="setup-steps"');
    const en = (await editor.agent.get('/?lang=en')).text;
    expect(en).toContain('The county has no townships yet');
    await editor.agent.get('/?lang=zh');
    expect((await finance.agent.get('/')).text).toMatch(/id="setup-waiting"[^>]*>本县尚未设置乡镇/);
  });

  it('once the county is named its step says done; once a township exists the home page is the data grid', async () => {
    const region = await admin.agent
      .post('/admin/region')
      .type('form')
      .send({ _csrf: admin.csrf, nameZh: '示范县', nameEn: 'Demo County', adminCode: '350999' });
    expect(region.status).toBe(303);
    expect(steps((await admin.agent.get('/')).text)[0]).toContain('已完成（示范县）');
    const township = await admin.agent.post('/admin/townships').type('form').send({
      _csrf: admin.csrf,
      nameZh: '城关街道',
      nameEn: 'Chengguan Subdistrict',
      adminCode: '350999001',
      kind: 'subdistrict',
      areaKm2: '25.5',
    });
    expect(township.status).toBe(303);
    const home = (await editor.agent.get('/')).text;
    expect(home).not.toContain('id="setup-waiting"');
    expect(home).toMatch(/<table class="grid">[\s\S]*城关街道/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formFields, login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let editor: Session;
let editor2: Session;
let reviewer: Session;
let reviewer2: Session;
let admin: Session;
let viewer: Session;

beforeAll(async () => {
  t = await startApp();
  [editor, editor2, reviewer, reviewer2, admin, viewer] = (await Promise.all(
    ['editor', 'editor2', 'reviewer', 'reviewer2', 'admin', 'viewer'].map((u) => login(t.app, u)),
  )) as [Session, Session, Session, Session, Session, Session];
});
afterAll(() => t.close());

const record = async (s: Session, township: string, year: number) =>
  (await s.agent.get(`/api/v1/records/${township}/${year}`)).body;

describe('survey data entry: draft → submitted → approved', () => {
  it('an editor prefills 2022 from 2021, enters GDP in 亿元 and it is stored in 万元', async () => {
    const form = await editor.agent.get('/data/ganzhe/2022?prefill=previous');
    expect(form.status).toBe(200);
    expect(form.text).toContain('已用上一年数据预填');
    const fields = formFields(form.text);
    const before = await record(editor, 'ganzhe', 2021);
    expect(fields['values[forest_stock]'] ?? fields['values[gdp]']).toBeDefined();
    expect(fields['values[gdp]']).toBe(before.values.gdp);
    // 12.5 亿元 = 12.5 × 10⁸ 元 = 12.5 × 10⁴ 万元 = 125000 万元
    const res = await editor.agent
      .post('/data/ganzhe/2022')
      .type('form')
      .send({ ...fields, 'values[gdp]': '12.5', 'units[gdp]': '亿元' });
    expect(res.status).toBe(303);
    const saved = await record(editor, 'ganzhe', 2022);
    expect(saved.values.gdp).toBe('125000');
    expect(saved.status).toBe('draft');
    expect(saved.version).toBe(1);
    expect(saved.updatedBy).toBe('editor');
    // land areas came over from 2021 unchanged (hm²)
    expect(saved.values.land_area).toEqual(before.values.land_area);
  });

  it('a value out of range is refused next to its field, in Chinese, and nothing changes', async () => {
    const form = await editor.agent.get('/data/ganzhe/2022');
    const fields = formFields(form.text);
    const res = await editor.agent
      .post('/data/ganzhe/2022')
      .type('form')
      .send({ ...fields, 'values[gdp]': '-5', 'values[resident_population]': 'abc' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/超出合理范围/);
    expect(res.text).toContain('&#34;abc&#34;不是数值');
    expect(res.text).toMatch(/id="f-gdp"[^>]*>/);
    expect(res.text).toMatch(/class="field has-error" id="f-gdp"/);
    const after = await record(editor, 'ganzhe', 2022);
    expect(after.values.gdp).toBe('125000');
    expect(after.version).toBe(1);
  });

  it('a save based on a stale version gets a conflict and never overwrites', async () => {
    const formA = formFields((await editor.agent.get('/data/ganzhe/2022')).text);
    const formB = formFields((await editor2.agent.get('/data/ganzhe/2022')).text);
    const a = await editor.agent
      .post('/data/ganzhe/2022')
      .type('form')
      .send({ ...formA, 'values[gdp]': '130000' });
    expect(a.status).toBe(303);
    const b = await editor2.agent
      .post('/data/ganzhe/2022')
      .type('form')
      .send({ ...formB, 'values[gdp]': '999' });
    expect(b.status).toBe(409);
    expect(b.text).toContain('已被他人修改');
    // the second editor's typed value is still in the form, not lost
    expect(b.text).toContain('value="999"');
    const now = await record(editor, 'ganzhe', 2022);
    expect(now.values.gdp).toBe('130000');
    expect(now.version).toBe(2);
  });

  it('submitting needs a complete record; the missing field is named', async () => {
    const fields = formFields((await editor.agent.get('/data/ganzhe/2022')).text);
    await editor.agent
      .post('/data/ganzhe/2022')
      .type('form')
      .send({ ...fields, 'values[gdp]': '' });
    const v = (await record(editor, 'ganzhe', 2022)).version;
    const res = await editor.agent
      .post('/data/ganzhe/2022/status')
      .type('form')
      .send({ _csrf: editor.csrf, action: 'submit', version: v });
    expect(res.status).toBe(422);
    expect(res.text).toContain('缺少必填项：地区生产总值');
    expect((await record(editor, 'ganzhe', 2022)).status).toBe('draft');
  });

  it('an editor submits, a reviewer approves, and the record is locked', async () => {
    const fields = formFields((await editor.agent.get('/data/ganzhe/2022')).text);
    await editor.agent
      .post('/data/ganzhe/2022')
      .type('form')
      .send({ ...fields, 'values[gdp]': '130000' });
    let r = await record(editor, 'ganzhe', 2022);
    expect(
      (
        await editor.agent
          .post('/data/ganzhe/2022/status')
          .type('form')
          .send({ _csrf: editor.csrf, action: 'submit', version: r.version })
      ).status,
    ).toBe(303);
    r = await record(editor, 'ganzhe', 2022);
    expect(r.status).toBe('submitted');
    expect(r.submittedBy).toBe('editor');
    // an editor cannot approve
    const byEditor = await editor.agent
      .post('/data/ganzhe/2022/status')
      .type('form')
      .send({ _csrf: editor.csrf, action: 'approve', version: r.version });
    expect(byEditor.status).toBe(403);
    const ok = await reviewer.agent
      .post('/data/ganzhe/2022/status')
      .type('form')
      .send({ _csrf: reviewer.csrf, action: 'approve', version: r.version });
    expect(ok.status).toBe(303);
    r = await record(editor, 'ganzhe', 2022);
    expect(r.status).toBe('approved');
    expect(r.approvedBy).toBe('reviewer');
    // locked: a save is refused and changes nothing
    const save = await editor.agent
      .post('/data/ganzhe/2022')
      .type('form')
      .send({ ...fields, version: String(r.version), 'values[gdp]': '1' });
    expect(save.status).toBe(409);
    expect((await record(editor, 'ganzhe', 2022)).values.gdp).toBe('130000');
  });

  it('reopening needs a reason; with one the record is a draft again', async () => {
    const r = await record(reviewer, 'ganzhe', 2022);
    const noReason = await reviewer2.agent
      .post('/data/ganzhe/2022/status')
      .type('form')
      .send({ _csrf: reviewer2.csrf, action: 'reopen', version: r.version });
    expect(noReason.status).toBe(422);
    expect((await record(reviewer, 'ganzhe', 2022)).status).toBe('approved');
    const ok = await reviewer2.agent
      .post('/data/ganzhe/2022/status')
      .type('form')
      .send({ _csrf: reviewer2.csrf, action: 'reopen', version: r.version, reason: '统计局更正 GDP' });
    expect(ok.status).toBe(303);
    expect((await record(reviewer, 'ganzhe', 2022)).status).toBe('draft');
    const audit = (await admin.agent.get('/api/v1/audit?township=ganzhe&year=2022')).body as {
      action: string;
      note: string | null;
    }[];
    expect(audit.map((e) => e.action)).toEqual([
      'reopen',
      'approve',
      'submit',
      'update',
      'update',
      'update',
      'create',
    ]);
    expect(audit[0]!.note).toBe('统计局更正 GDP');
  });

  it('nobody approves what they submitted themselves (an admin holds both rights)', async () => {
    let r = await record(admin, 'ganzhe', 2022);
    await admin.agent
      .post('/data/ganzhe/2022/status')
      .type('form')
      .send({ _csrf: admin.csrf, action: 'submit', version: r.version });
    r = await record(admin, 'ganzhe', 2022);
    expect(r.status).toBe('submitted');
    const own = await admin.agent
      .post('/data/ganzhe/2022/status')
      .type('form')
      .send({ _csrf: admin.csrf, action: 'approve', version: r.version });
    expect(own.status).toBe(403);
    expect(own.text).toContain('不能审核自己提交或修改的数据');
    expect((await record(admin, 'ganzhe', 2022)).status).toBe('submitted');
  });

  it('nobody approves what they changed themselves, even when someone else submitted it', async () => {
    // the admin corrects nanyu 2022 (a draft), then an editor changes another field and submits it: the
    // admin changed the record, so may not approve it, although the editor changed it last
    const fields = formFields((await admin.agent.get('/data/nanyu/2022?prefill=previous')).text);
    await admin.agent.post('/data/nanyu/2022').type('form').send(fields);
    const again = formFields((await editor.agent.get('/data/nanyu/2022')).text);
    await editor.agent
      .post('/data/nanyu/2022')
      .type('form')
      .send({ ...again, 'values[gdp]': '123456' });
    let r = await record(admin, 'nanyu', 2022);
    expect(r.updatedBy).toBe('editor');
    await editor.agent
      .post('/data/nanyu/2022/status')
      .type('form')
      .send({ _csrf: editor.csrf, action: 'submit', version: r.version });
    r = await record(admin, 'nanyu', 2022);
    expect(r.status).toBe('submitted');
    const own = await admin.agent
      .post('/data/nanyu/2022/status')
      .type('form')
      .send({ _csrf: admin.csrf, action: 'approve', version: r.version });
    expect(own.status).toBe(403);
    const other = await reviewer.agent
      .post('/data/nanyu/2022/status')
      .type('form')
      .send({ _csrf: reviewer.csrf, action: 'approve', version: r.version });
    expect(other.status).toBe(303);
    expect((await record(admin, 'nanyu', 2022)).status).toBe('approved');
  });

  it('two editors creating the same record at once: one is saved, the other refused, nothing lost silently', async () => {
    const put = (s: Session, gdp: string) =>
      s.agent
        .put('/api/v1/records/qingkou/2023')
        .set('x-csrf-token', s.csrf)
        .send({ values: { gdp }, version: null });
    const [a, b] = await Promise.all([put(editor, '111'), put(editor2, '222')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const saved = await record(editor, 'qingkou', 2023);
    expect(saved.version).toBe(1);
    expect(saved.values.gdp).toBe(a.status === 200 ? '111' : '222');
    const events = await t.db.query("select 1 from audit_events where entity_key = 'qingkou/2023'");
    expect(events).toHaveLength(1);
  });

  it('refuses a post without a CSRF token, without a session, and from a viewer', async () => {
    const fields = formFields((await editor.agent.get('/data/baisha/2021')).text);
    const noToken = await editor.agent
      .post('/data/baisha/2022')
      .type('form')
      .send({ ...fields, _csrf: '' });
    expect(noToken.status).toBe(403);
    const { default: request } = await import('supertest');
    const anon = await request(t.app).post('/data/baisha/2022').type('form').send({});
    expect(anon.status).toBe(403); // no session, so no CSRF token either
    const anonGet = await request(t.app).get('/data/baisha/2021');
    expect(anonGet.status).toBe(302);
    expect(anonGet.headers.location).toBe('/login?next=%2Fdata%2Fbaisha%2F2021');
    const byViewer = await viewer.agent
      .post('/data/baisha/2022')
      .type('form')
      .send({ ...fields, _csrf: viewer.csrf });
    expect(byViewer.status).toBe(403);
    expect((await viewer.agent.get('/api/v1/records/baisha/2022')).status).toBe(404);
  });

  it('a viewer reads a record but gets no form to change it', async () => {
    const page = await viewer.agent.get('/data/baisha/2021');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<button>保存</button>');
    expect(page.text).toMatch(/name="values\[gdp\]"[^>]* disabled/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/store/users.js';
import { SYSTEM_ACTOR } from '../../src/store/audit.js';
import { login, PASSWORD, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let admin: Session;

beforeAll(async () => {
  t = await startApp();
  for (const [username, role] of [
    ['clerk.water', 'editor'],
    ['fin', 'finance'],
    ['assess', 'assessor'],
    ['pw.user', 'viewer'],
  ] as const)
    await createUser(t.db, SYSTEM_ACTOR, { username, displayName: username, role, password: PASSWORD });
  admin = await login(t.app, 'admin');
}, 60_000);
afterAll(() => t.close());

const userId = async (username: string) =>
  (await t.db.query<{ id: number }>('select id from users where username = $1', [username]))[0]!.id;
const stored = async (township: string, year: number) =>
  (
    await t.db.query<{ values: Record<string, unknown> }>(
      'select values from survey_records where township_id = $1 and year = $2',
      [township, year],
    )
  )[0]?.values;

describe('a clerk bound to a township and a department edits only those', () => {
  let clerk: Session;
  beforeAll(async () => {
    // 甘蔗街道 and 县水利局 (precipitation, evapotranspiration … are its fields; gdp is 县统计局's)
    const res = await admin.agent
      .post(`/admin/users/${await userId('clerk.water')}/scope`)
      .type('form')
      .send({ _csrf: admin.csrf, townships: 'ganzhe', departments: '县水利局' });
    expect(res.status).toBe(303);
    clerk = await login(t.app, 'clerk.water');
  });

  it('the users page says what each user is responsible for, by name', async () => {
    const page = await admin.agent.get('/admin/users');
    const cell = /<td class="scope" id="scope-clerk.water">([\s\S]*?)<details>/.exec(page.text)![1]!;
    expect(cell).toContain('甘蔗街道');
    expect(cell).toContain('县水利局');
    expect(cell).not.toContain('ganzhe');
  });

  it('an unknown township or department is refused, named, and nothing changes', async () => {
    const res = await admin.agent
      .post(`/admin/users/${await userId('clerk.water')}/scope`)
      .type('form')
      .send({ _csrf: admin.csrf, townships: ['ganzhe', 'atlantis'], departments: '县气象办' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('乡镇&#34;atlantis&#34;不存在');
    expect(res.text).toContain('责任单位&#34;县气象办&#34;不在当前参数集中');
    const [u] = await t.db.query<{ townships: string[] }>(
      "select townships from users where username = 'clerk.water'",
    );
    expect(u!.townships).toEqual(['ganzhe']);
  });

  it('the form shows other departments\u2019 fields read-only; a save keeps them and changes the own ones', async () => {
    // a draft for 2032 with gdp 1000 万元 written by the county-wide editor
    const editor = await login(t.app, 'editor');
    let res = await editor.agent
      .put('/api/v1/records/ganzhe/2032')
      .set('x-csrf-token', editor.csrf)
      .send({ version: null, values: { gdp: '1000', precipitation: '1500' } });
    expect(res.status).toBe(200);
    const form = await clerk.agent.get('/data/ganzhe/2032');
    expect(form.text).toMatch(/id="in-gdp"[^>]*disabled/);
    expect(form.text).not.toMatch(/id="in-precipitation"[^>]*disabled/);
    expect(form.text).toContain('非本人负责的责任单位，只读');
    const version = /name="version" value="(\d+)"/.exec(form.text)![1]!;
    // a browser does not post disabled fields: only precipitation (1600 mm) comes
    res = await clerk.agent
      .post('/data/ganzhe/2032')
      .type('form')
      .send({ _csrf: clerk.csrf, version, 'values[precipitation]': '1600' });
    expect(res.status).toBe(303);
    expect(await stored('ganzhe', 2032)).toMatchObject({ gdp: '1000', precipitation: '1600' });
  });

  it('the server refuses a field of another department and another township, whatever the client sends', async () => {
    let res = await clerk.agent
      .put('/api/v1/records/ganzhe/2032')
      .set('x-csrf-token', clerk.csrf)
      .send({ version: 2, mode: 'merge', values: { gdp: '2000' } });
    expect(res.status).toBe(403);
    expect(res.body.error).toContain('以下字段不属于您负责的责任单位，不能修改：地区生产总值（县统计局）');
    res = await clerk.agent
      .put('/api/v1/records/baisha/2032')
      .set('x-csrf-token', clerk.csrf)
      .send({ version: null, values: { precipitation: '1500' } });
    expect(res.status).toBe(403);
    expect(res.body.error).toContain('您负责的乡镇不包括白沙镇');
    expect(await stored('ganzhe', 2032)).toMatchObject({ gdp: '1000' });
    expect(await stored('baisha', 2032)).toBeUndefined();
    // another township's form is read-only for the clerk
    const form = await clerk.agent.get('/data/baisha/2021');
    expect(form.text).not.toContain('id="survey-form"><button');
    expect(form.text).toMatch(/id="in-precipitation"[^>]*disabled/);
  });
});

describe('finance officials and assessors have their own home pages', () => {
  it('a finance official lands on the reports, balance sheet and exports, and may publish', async () => {
    const fin = await login(t.app, 'fin');
    const home = await fin.agent.get('/');
    expect(home.text).toContain('财政人员首页');
    const links = [...home.text.matchAll(/<a href="(\/reports[^"]*)"/g)].map((m) => m[1]);
    expect(links).toEqual(
      expect.arrayContaining(['/reports/gep', '/reports/balance-sheet', '/reports/geep', '/reports']),
    );
    expect(home.text).not.toContain('id="survey-form"');
    const gep = await fin.agent.get('/reports/gep?year=2021');
    expect(gep.text).toContain('action="/reports/publish"');
    let pub = await fin.agent
      .post('/reports/publish')
      .type('form')
      .send({ _csrf: fin.csrf, kind: 'gep', year: '2021', township: '' });
    // publishing asks for the title, the 文号 and a confirmation, all named at once
    expect(pub.status).toBe(422);
    expect(pub.text).toContain('请填写报告标题');
    expect(pub.text).toContain('请填写文号');
    expect(pub.text).toContain('请勾选确认发布');
    pub = await fin.agent.post('/reports/publish').type('form').send({
      _csrf: fin.csrf,
      kind: 'gep',
      year: '2021',
      township: '',
      title: '闽侯县2021年GEP核算报告',
      docNumber: '侯财〔2026〕7号',
      confirm: 'on',
    });
    expect(pub.status).toBe(303);
    const published = await fin.agent.get(pub.headers.location!);
    expect(published.text).toContain('闽侯县2021年GEP核算报告');
    expect(published.text).toContain('文号 侯财〔2026〕7号');
    expect(pub.headers.location).toMatch(/^\/reports\/published\/\d+$/);
    // a finance official does not enter data
    const save = await fin.agent
      .put('/api/v1/records/ganzhe/2033')
      .set('x-csrf-token', fin.csrf)
      .send({ version: null, values: { gdp: '1' } });
    expect(save.status).toBe(403);
  });

  it('an assessor lands on the comparison and rankings and may not publish', async () => {
    const a = await login(t.app, 'assess');
    const home = await a.agent.get('/?lang=en');
    expect(home.text).toContain('Assessor home');
    expect(home.text).toContain('href="/reports/compare"');
    const pub = await a.agent
      .post('/reports/publish')
      .type('form')
      .send({ _csrf: a.csrf, kind: 'gep', year: '2021', township: '' });
    expect(pub.status).toBe(403);
  });
});

describe('passwords', () => {
  it('a user changes their own password: the current one is checked, the new one twice; then logs in again', async () => {
    const u = await login(t.app, 'pw.user');
    let res = await u.agent.post('/account/password').type('form').send({
      _csrf: u.csrf,
      current: 'wrong password!!',
      password: 'a new long password',
      confirm: 'a new long passwort',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('当前密码不正确');
    expect(res.text).toContain('两次输入的新密码不一致');
    res = await u.agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: u.csrf, current: PASSWORD, password: 'short', confirm: 'short' });
    expect(res.status).toBe(422);
    res = await u.agent.post('/account/password').type('form').send({
      _csrf: u.csrf,
      current: PASSWORD,
      password: 'a new long password',
      confirm: 'a new long password',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?changed=1');
    // the old session is over; the old password no longer works, the new one does
    expect((await u.agent.get('/')).status).toBe(302);
    await expect(login(t.app, 'pw.user')).rejects.toThrow(/401/);
    await login(t.app, 'pw.user', 'a new long password');
  });

  it('an administrator resets a user\u2019s password from the users page', async () => {
    const res = await admin.agent
      .post(`/admin/users/${await userId('pw.user')}/password`)
      .type('form')
      .send({ _csrf: admin.csrf, password: 'reset by the admin 1' });
    expect(res.status).toBe(303);
    await login(t.app, 'pw.user', 'reset by the admin 1');
  });
});

describe('townships: created, edited and imported by the administrator', () => {
  const townshipRow = async (name: string) =>
    (
      await t.db.query<{ id: string; admin_code: string | null; kind: string; area_km2: string }>(
        'select id, admin_code, kind, area_km2::text as area_km2 from townships where name_zh = $1',
        [name],
      )
    )[0];

  it('a new township with its 行政区划代码: created and audited; a bad one refused field by field', async () => {
    let res = await admin.agent.post('/admin/townships').type('form').send({
      _csrf: admin.csrf,
      nameZh: '新区街道',
      nameEn: 'Xinqu Subdistrict',
      adminCode: '350121999',
      kind: 'subdistrict',
      areaKm2: '12.5',
    });
    expect(res.status).toBe(303);
    expect(await townshipRow('新区街道')).toEqual({
      id: 'xinqu',
      admin_code: '350121999',
      kind: 'subdistrict',
      area_km2: '12.5',
    });
    // the audit trail says it in words
    const audit = await admin.agent.get('/audit?township=xinqu');
    expect(audit.text).toContain('行政区划代码：350121999');
    expect(audit.text).toContain('类型：街道');
    res = await admin.agent.post('/admin/townships').type('form').send({
      _csrf: admin.csrf,
      nameZh: '甘蔗街道',
      nameEn: '',
      adminCode: '35012',
      kind: '区',
      areaKm2: '0',
    });
    expect(res.status).toBe(422);
    for (const m of [
      '中文名称已属于甘蔗街道',
      '缺少英文名称',
      '行政区划代码应为 9 位数字（县级 6 位 + 乡级 3 位），收到&#34;35012&#34;',
      '类型应为 街道、镇 或 乡，收到&#34;区&#34;',
      '面积应为 0.01 至 200000 之间的数值（km²），收到&#34;0&#34;',
    ])
      expect(res.text).toContain(m);
  });

  it('an import previews every change, then writes all rows at once; a file with one bad row changes nothing', async () => {
    // 新区街道 grows to 13 km², 上街镇's code is given again (unchanged), 荆溪新镇 is new (a 镇)
    const csv =
      '\ufeff序号,行政区划代码,中文名称,英文名称,类型,面积（km²）\n' +
      '1,350121999,新区街道,Xinqu Subdistrict,街道,13\n' +
      '2,350121998,荆溪新镇,Jingxi New Town,镇,20.25\n';
    let res = await admin.agent
      .post('/admin/townships/import')
      .field('_csrf', admin.csrf)
      .attach('file', Buffer.from(csv), 'townships.csv');
    expect(res.status).toBe(200);
    expect(res.text).toContain('新增 1 个，修改 1 个，未变 0 个');
    expect(res.text).toContain('13 ← 12.5');
    expect(await townshipRow('荆溪新镇')).toBeUndefined();
    const rows = /name="rows" value="([^"]+)"/.exec(res.text)![1]!.replace(/&#34;/g, '"');
    res = await admin.agent
      .post('/admin/townships/import/commit')
      .type('form')
      .send({ _csrf: admin.csrf, rows });
    expect(res.status).toBe(303);
    expect(await townshipRow('荆溪新镇')).toMatchObject({
      id: 'jingxi_new',
      kind: 'town',
      area_km2: '20.25',
    });
    expect((await townshipRow('新区街道'))!.area_km2).toBe('13');

    const bad =
      '行政区划代码,中文名称,英文名称,类型,面积（km²）\n' +
      '350121997,东区街道,Dongqu Subdistrict,街道,8\n' +
      '350121997,西区街道,Xiqu Subdistrict,街道,abc\n';
    res = await admin.agent
      .post('/admin/townships/import')
      .field('_csrf', admin.csrf)
      .attach('file', Buffer.from(bad), 'bad.csv');
    expect(res.status).toBe(422);
    expect(res.text).toContain('行 3 · 行政区划代码：行政区划代码&#34;350121997&#34;与第 2 行重复');
    expect(res.text).toContain('行 3 · 面积 (km²)：面积应为');
    expect(await townshipRow('东区街道')).toBeUndefined();
  });

  it('an XLSX file with English headers imports the same way; an unknown column is named', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('townships');
    ws.addRow(['admin_code', 'name_zh', 'name_en', 'kind', 'area_km2', 'mayor']);
    ws.addRow(['350121996', '南区乡', 'Nanqu Township', 'township', 31.5, '']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    let res = await admin.agent
      .post('/admin/townships/import')
      .field('_csrf', admin.csrf)
      .attach('file', buf, 't.xlsx');
    expect(res.status).toBe(422);
    expect(res.text).toContain('F 列&#34;mayor&#34;不是可识别的列');
    ws.spliceColumns(6, 1);
    res = await admin.agent
      .post('/admin/townships/import')
      .field('_csrf', admin.csrf)
      .attach('file', Buffer.from(await wb.xlsx.writeBuffer()), 't.xlsx');
    expect(res.status).toBe(200);
    expect(res.text).toContain('新增 1 个');
  });
});

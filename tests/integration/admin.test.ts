import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let admin: Session;
let editor: Session;
let reviewer: Session;
let viewer: Session;

beforeAll(async () => {
  t = await startApp();
  [admin, editor, reviewer, viewer] = (await Promise.all(
    ['admin', 'editor', 'reviewer', 'viewer'].map((u) => login(t.app, u)),
  )) as [Session, Session, Session, Session];
});
afterAll(() => t.close());

interface UserRow {
  id: number;
  username: string;
  role: string;
  active: boolean;
}
const userRow = async (username: string) =>
  (
    await t.db.query<UserRow>('select id, username, role, active from users where username = $1', [username])
  )[0];
const userCount = async () => (await t.db.query<{ n: number }>('select count(*)::int as n from users'))[0]!.n;
const userEvents = async (username: string) =>
  t.db.query<{ action: string; username: string; old_value: unknown; new_value: unknown }>(
    "select action, username, old_value, new_value from audit_events where entity = 'user' and entity_key = $1 order by id",
    [username],
  );
const township = async (id: string) =>
  (
    await t.db.query<{ name_zh: string; area_km2: string }>(
      'select name_zh, area_km2::text as area_km2 from townships where id = $1',
      [id],
    )
  )[0]!;
const population = async (id: string) =>
  Object.fromEntries(
    (
      await t.db.query<{ year: number; population: string }>(
        "select year, values->>'resident_population' as population from survey_records where township_id = $1 and values ? 'resident_population' order by year",
        [id],
      )
    ).map((r) => [r.year, r.population]),
  );

const newUser = (s: Session, fields: Record<string, string>) =>
  s.agent
    .post('/admin/users')
    .type('form')
    .send({
      _csrf: s.csrf,
      displayName: 'Test',
      role: 'editor',
      password: 'a long enough password',
      ...fields,
    });

describe('admin: users', () => {
  it('the user page is for admins only', async () => {
    expect((await admin.agent.get('/admin/users')).status).toBe(200);
    expect((await editor.agent.get('/admin/users')).status).toBe(403);
    expect((await viewer.agent.get('/admin')).status).toBe(403);
    const anon = await request(t.app).get('/admin/users');
    expect(anon.status).toBe(302);
    expect(anon.headers.location).toBe('/login?next=%2Fadmin%2Fusers');
  });

  it('an admin creates a user, who can log in; the creation is audited', async () => {
    const res = await newUser(admin, { username: 'wang.li', displayName: '王丽', role: 'reviewer' });
    expect(res.status).toBe(303);
    expect(await userRow('wang.li')).toMatchObject({ role: 'reviewer', active: true });
    const events = await userEvents('wang.li');
    expect(events).toEqual([
      {
        action: 'create',
        username: 'admin',
        old_value: null,
        new_value: { username: 'wang.li', displayName: '王丽', role: 'reviewer' },
      },
    ]);
    // the password is stored as a hash, never as given
    const [stored] = await t.db.query<{ password_hash: string }>(
      "select password_hash from users where username = 'wang.li'",
    );
    expect(stored!.password_hash).not.toContain('a long enough password');
    const s = await login(t.app, 'wang.li', 'a long enough password');
    expect((await s.agent.get('/api/v1/session')).body.user.role).toBe('reviewer');
  });

  it('refuses creation from an editor, without a session and without a CSRF token', async () => {
    const n = await userCount();
    expect((await newUser(editor, { username: 'by.editor' })).status).toBe(403);
    expect((await newUser(reviewer, { username: 'by.reviewer' })).status).toBe(403);
    const noToken = await admin.agent
      .post('/admin/users')
      .type('form')
      .send({ username: 'no.token', displayName: 'x', role: 'editor', password: 'a long enough password' });
    expect(noToken.status).toBe(403);
    const anon = await request(t.app)
      .post('/admin/users')
      .type('form')
      .send({ username: 'anon', displayName: 'x', role: 'admin', password: 'a long enough password' });
    expect(anon.status).toBe(403);
    expect(await userCount()).toBe(n);
  });

  it('refuses a duplicate username naming the field, and a short password', async () => {
    const n = await userCount();
    const dup = await newUser(admin, { username: 'editor' });
    expect(dup.status).toBe(422);
    expect(dup.text).toContain('用户名：&#34;editor&#34;已被其他用户使用');
    // the typed values stay in the form
    expect(dup.text).toContain('name="username" required value="editor"');
    const short = await newUser(admin, { username: 'short.pw', password: 'short' });
    expect(short.status).toBe(422);
    expect(short.text).toMatch(/密码：至少 10 个字符/);
    const badRole = await newUser(admin, { username: 'bad.role', role: 'root' });
    expect(badRole.status).toBe(422);
    const badName = await newUser(admin, { username: 'X' });
    expect(badName.status).toBe(422);
    expect(await userCount()).toBe(n);
    expect(await userRow('short.pw')).toBeUndefined();
  });

  it('records a role change with old → new in the audit trail', async () => {
    await newUser(admin, { username: 'zhao.min', role: 'editor' });
    const u = (await userRow('zhao.min'))!;
    const byEditor = await editor.agent
      .post(`/admin/users/${u.id}`)
      .type('form')
      .send({ _csrf: editor.csrf, role: 'admin', active: 'true' });
    expect(byEditor.status).toBe(403);
    const noToken = await admin.agent
      .post(`/admin/users/${u.id}`)
      .type('form')
      .send({ role: 'admin', active: 'true' });
    expect(noToken.status).toBe(403);
    const badRole = await admin.agent
      .post(`/admin/users/${u.id}`)
      .type('form')
      .send({ _csrf: admin.csrf, role: 'root', active: 'true' });
    expect(badRole.status).toBe(422);
    expect((await userRow('zhao.min'))!.role).toBe('editor');
    const res = await admin.agent
      .post(`/admin/users/${u.id}`)
      .type('form')
      .send({ _csrf: admin.csrf, role: 'reviewer', active: 'true' });
    expect(res.status).toBe(303);
    expect((await userRow('zhao.min'))!.role).toBe('reviewer');
    const events = await userEvents('zhao.min');
    expect(events.at(-1)).toEqual({
      action: 'update',
      username: 'admin',
      old_value: { role: 'editor', active: true },
      new_value: { role: 'reviewer', active: true },
    });
    const audit = await admin.agent.get('/audit?user=admin');
    expect(audit.text).toContain('<td>修改</td><td>用户 <span class="subject">zhao.min</span></td>');
    // in words: the field that changed, old → new (the unchanged 启用 is not listed)
    expect(audit.text).toContain('<li>角色：填报员 → 审核员</li>');
    expect(audit.text).not.toContain('&#34;role&#34;');
  });

  it('an unknown user id is refused without a server error', async () => {
    for (const id of ['999999', 'abc']) {
      const res = await admin.agent
        .post(`/admin/users/${id}`)
        .type('form')
        .send({ _csrf: admin.csrf, role: 'viewer', active: 'true' });
      expect([404, 422], id).toContain(res.status);
    }
  });

  it('the last active admin can be neither demoted nor deactivated', async () => {
    const me = (await userRow('admin'))!;
    const before = (await userEvents('admin')).length;
    for (const change of [
      { role: 'editor', active: 'true' },
      { role: 'admin', active: 'false' },
    ]) {
      const res = await admin.agent
        .post(`/admin/users/${me.id}`)
        .type('form')
        .send({ _csrf: admin.csrf, ...change });
      expect(res.status).toBe(422);
      expect(res.text).toContain('不能停用或降级最后一位管理员');
      expect(await userRow('admin')).toEqual(me);
    }
    expect((await userEvents('admin')).length).toBe(before);
    // with a second admin the first one may step down
    await newUser(admin, { username: 'admin.two', role: 'admin' });
    const two = (await userRow('admin.two'))!;
    const other = await login(t.app, 'admin.two', 'a long enough password');
    const demote = await other.agent
      .post(`/admin/users/${two.id}`)
      .type('form')
      .send({ _csrf: other.csrf, role: 'viewer', active: 'true' });
    expect(demote.status).toBe(303);
    expect((await userRow('admin.two'))!.role).toBe('viewer');
    // the demoted admin's session loses its admin rights at once
    expect((await other.agent.get('/admin/users')).status).toBe(403);
  });

  it('a deactivated user cannot log in, and their open session ends', async () => {
    await newUser(admin, { username: 'li.qiang', role: 'editor' });
    const u = (await userRow('li.qiang'))!;
    const open = await login(t.app, 'li.qiang', 'a long enough password');
    const res = await admin.agent
      .post(`/admin/users/${u.id}`)
      .type('form')
      .send({ _csrf: admin.csrf, role: 'editor', active: 'false' });
    expect(res.status).toBe(303);
    expect((await userRow('li.qiang'))!.active).toBe(false);
    expect((await userEvents('li.qiang')).at(-1)).toMatchObject({
      old_value: { role: 'editor', active: true },
      new_value: { role: 'editor', active: false },
    });
    await expect(login(t.app, 'li.qiang', 'a long enough password')).rejects.toThrow(/failed: 401/);
    expect((await open.agent.get('/api/v1/session')).status).toBe(401);
  });
});

describe('admin: townships', () => {
  it('edits the area, and the population of a year that is not locked, through the survey data', async () => {
    const page = await admin.agent.get('/admin/regions/baisha');
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="areaKm2" inputmode="decimal" required value="186.20"');
    const before = await population('baisha');
    expect(Object.keys(before)).toEqual(['2020', '2021']);
    // 2021 is approved in the sample: its population is locked like the rest of the record
    const locked = await admin.agent.post('/admin/regions/baisha').type('form').send({
      _csrf: admin.csrf,
      nameZh: '白沙镇',
      nameEn: 'Baisha Town',
      areaKm2: '186.75',
      'population[2021]': '51234',
    });
    expect(locked.status).toBe(409);
    expect(locked.text).toContain('已审核锁定');
    expect((await township('baisha')).area_km2).toBe('186.20');
    const res = await admin.agent.post('/admin/regions/baisha').type('form').send({
      _csrf: admin.csrf,
      nameZh: '白沙镇',
      nameEn: 'Baisha Town',
      areaKm2: '186.75',
      'population[2020]': before['2020'],
      'population[2021]': before['2021'],
      'population[2022]': '52000',
    });
    expect(res.status).toBe(303);
    expect((await township('baisha')).area_km2).toBe('186.75');
    expect(await population('baisha')).toEqual({ ...before, 2022: '52000' });
    // the 2022 value is a draft survey record, made by the admin
    const [draft] = await t.db.query<{ status: string }>(
      "select status from survey_records where township_id = 'baisha' and year = 2022",
    );
    expect(draft!.status).toBe('draft');
    const list = await admin.agent.get('/admin/regions');
    expect(list.text).toContain('186.75');
    const [event] = await t.db.query<{ old_value: unknown; new_value: unknown }>(
      "select old_value, new_value from audit_events where entity = 'township' and entity_key = 'baisha' order by id desc limit 1",
    );
    expect(event!.old_value).toMatchObject({ areaKm2: '186.20' });
    expect(event!.new_value).toMatchObject({ areaKm2: '186.75' });
    const [popEvent] = await t.db.query<{ new_value: unknown }>(
      "select new_value from audit_events where entity = 'survey_record' and entity_key = 'baisha/2022'",
    );
    expect(popEvent!.new_value).toEqual({ resident_population: '52000' });
  });

  it('refuses a bad area or population and changes nothing', async () => {
    const area = (await township('nanyu')).area_km2;
    const pop = await population('nanyu');
    for (const bad of [
      { areaKm2: '-1' },
      { areaKm2: 'abc' },
      { areaKm2: '0' },
      { areaKm2: '100', 'population[2021]': '-5' },
      { areaKm2: '100', 'population[2021]': 'many' },
    ]) {
      const res = await admin.agent
        .post('/admin/regions/nanyu')
        .type('form')
        .send({ _csrf: admin.csrf, nameZh: '南屿镇', nameEn: 'Nanyu Town', ...bad });
      expect(res.status, JSON.stringify(bad)).toBe(422);
      expect(res.text).toContain('发现以下问题，数据未保存');
    }
    expect((await township('nanyu')).area_km2).toBe(area);
    expect(await population('nanyu')).toEqual(pop);
    const byEditor = await editor.agent
      .post('/admin/regions/nanyu')
      .type('form')
      .send({ _csrf: editor.csrf, nameZh: 'x', nameEn: 'x', areaKm2: '1' });
    expect(byEditor.status).toBe(403);
    const noToken = await admin.agent
      .post('/admin/regions/nanyu')
      .type('form')
      .send({ nameZh: 'x', nameEn: 'x', areaKm2: '1' });
    expect(noToken.status).toBe(403);
    expect((await township('nanyu')).name_zh).toBe('南屿镇');
    expect((await admin.agent.get('/admin/regions/nowhere')).status).toBe(404);
  });
});

describe('admin: settings', () => {
  const settings = async () =>
    Object.fromEntries(
      (await t.db.query<{ key: string; value: unknown }>('select key, value from settings')).map((r) => [
        r.key,
        r.value,
      ]),
    );

  it('refuses an unknown profile or set and changes nothing', async () => {
    const before = await settings();
    const profile = await admin.agent
      .post('/admin/settings')
      .type('form')
      .send({ _csrf: admin.csrf, activeSet: 'minhou-2021@1.0.0', profile: 'nonsense' });
    expect(profile.status).toBe(422);
    expect(profile.text).toContain('参数集没有核算口径&#34;nonsense&#34;');
    const noSet = await admin.agent
      .post('/admin/settings')
      .type('form')
      .send({ _csrf: admin.csrf, activeSet: '', profile: 'academic' });
    expect(noSet.status).toBe(422);
    const unknownSet = await admin.agent
      .post('/admin/settings')
      .type('form')
      .send({ _csrf: admin.csrf, activeSet: 'nope@1.0.0', profile: 'academic' });
    expect(unknownSet.status).toBe(404);
    expect((await viewer.agent.get('/admin/settings')).status).toBe(403);
    expect(await settings()).toEqual(before);
  });

  it('an admin switches the profile; the change is audited', async () => {
    const res = await admin.agent
      .post('/admin/settings')
      .type('form')
      .send({ _csrf: admin.csrf, activeSet: 'minhou-2021@1.0.0', profile: 'national_2022' });
    expect(res.status).toBe(303);
    expect((await settings()).profile).toBe('national_2022');
    const [event] = await t.db.query<{ old_value: unknown; new_value: unknown }>(
      "select old_value, new_value from audit_events where entity = 'setting' and entity_key = 'profile' order by id desc limit 1",
    );
    expect(event).toEqual({ old_value: 'academic', new_value: 'national_2022' });
  });
});

describe('the audit trail page', () => {
  const rows = (html: string) =>
    [
      ...html
        .slice(html.indexOf('<tbody>'))
        .matchAll(
          /<tr><td>(\d+)<\/td><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<span class="subject">([^<]*)<\/span>/g,
        ),
    ].map((m) => ({ who: m[2], action: m[3], entity: m[4]!.trim(), key: m[5]! }));

  it('filters by township, year and user; a viewer gets 403', async () => {
    // a change by the editor to ganzhe 2023, through the API
    const put = await editor.agent
      .put('/api/v1/records/ganzhe/2023')
      .set('x-csrf-token', editor.csrf)
      .send({ values: { gdp: '100000' }, version: null, mode: 'merge' });
    expect(put.status).toBe(200);

    const byTownship = rows((await reviewer.agent.get('/audit?township=baisha')).text);
    expect(byTownship.length).toBeGreaterThan(0);
    // townships, actions and entities in words, never ids
    expect(byTownship.every((r) => r.key.startsWith('白沙镇'))).toBe(true);
    expect(byTownship.some((r) => r.entity === '乡镇' && r.who === 'admin')).toBe(true);

    const byYear = rows((await reviewer.agent.get('/audit?year=2023')).text);
    expect(byYear).toEqual([{ who: 'editor', action: '新建', entity: '填报数据', key: '甘蔗街道 2023' }]);

    // the change itself in words: 地区生产总值：（空） → 100000 万元
    expect((await reviewer.agent.get('/audit?year=2023')).text).toContain(
      '<li>地区生产总值：（空） → 100000 万元</li>',
    );

    const byUser = rows((await editor.agent.get('/audit?user=editor')).text);
    expect(byUser.length).toBeGreaterThan(0);
    expect(byUser.every((r) => r.who === 'editor')).toBe(true);

    const combined = rows((await admin.agent.get('/audit?township=ganzhe&year=2023&user=admin')).text);
    expect(combined).toEqual([]);
    const page = await admin.agent.get('/audit?township=ganzhe&year=2023&user=editor');
    expect(rows(page.text)).toHaveLength(1);
    // the filter is kept in the form
    expect(page.text).toContain('<option value="ganzhe" selected>');
    expect(page.text).toContain('<option value="editor" selected>');

    // paging parameters that are not whole numbers are ignored, never a server error
    for (const q of ['before=1.5', 'before=abc', 'before=-1', 'limit=-5', 'limit=2.5', 'limit=abc']) {
      expect((await admin.agent.get(`/audit?${q}`)).status, q).toBe(200);
      expect((await admin.agent.get(`/api/v1/audit?${q}`)).status, q).toBe(200);
    }
    expect((await admin.agent.get('/api/v1/audit?limit=2')).body).toHaveLength(2);

    expect((await viewer.agent.get('/audit')).status).toBe(403);
    expect((await viewer.agent.get('/api/v1/audit')).status).toBe(403);
    expect((await request(t.app).get('/audit')).status).toBe(302);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formFields, login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let editor: Session;
let reviewer: Session;
let admin: Session;

beforeAll(async () => {
  t = await startApp();
  [editor, reviewer, admin] = (await Promise.all(
    ['editor', 'reviewer', 'admin'].map((u) => login(t.app, u)),
  )) as [Session, Session, Session];
  // the harness names every user by their username; give them display names to see those are shown
  await t.db.query("update users set display_name = '王审核' where username = 'reviewer'");
  await t.db.query("update users set display_name = '李填报' where username = 'editor'");
}, 120_000);
afterAll(() => t.close());

const status = async (township: string, year: number) =>
  (
    await t.db.query<{ status: string; version: number }>(
      'select status, version from survey_records where township_id = $1 and year = $2',
      [township, year],
    )
  )[0];

/** A complete 2022 draft, prefilled from 2021 through the form, saved by `s`. */
async function draft(s: Session, township: string) {
  const form = await s.agent.get(`/data/${township}/2022?prefill=previous`);
  const res = await s.agent.post(`/data/${township}/2022`).type('form').send(formFields(form.text));
  expect(res.status).toBe(303);
}

async function act(s: Session, township: string, action: string, reason?: string) {
  const v = (await status(township, 2022))!.version;
  return s.agent
    .post(`/data/${township}/2022/status`)
    .type('form')
    .send({ _csrf: s.csrf, version: String(v), action, ...(reason ? { reason } : {}) });
}

describe('workflow that talks', () => {
  it('a returned record shows 已退回 with its reason, by name, on the form and the home page, until resubmitted', async () => {
    // the grid's years are kept until the data changes: no 2022 column before its first record
    expect((await editor.agent.get('/')).text).not.toMatch(/<th>2022<\/th>/);
    await draft(editor, 'ganzhe');
    expect((await editor.agent.get('/')).text).toMatch(/<th>2022<\/th>/);
    expect((await act(editor, 'ganzhe', 'submit')).status).toBe(303);
    expect((await act(reviewer, 'ganzhe', 'return', '水田面积与三调数据不符，请核对')).status).toBe(303);
    const form = await editor.agent.get('/data/ganzhe/2022');
    expect(form.text).toMatch(/class="status status-returned">已退回</);
    expect(form.text).toMatch(
      /id="returned-reason"[\s\S]*?审核员退回修改[\s\S]*?王审核[\s\S]*?水田面积与三调数据不符，请核对/,
    );
    const home = await editor.agent.get('/');
    expect(home.text).toMatch(
      /id="returned-list"[\s\S]*?甘蔗街道 2022[\s\S]*?王审核：水田面积与三调数据不符，请核对/,
    );
    expect(home.text).toMatch(/title="水田面积与三调数据不符，请核对">已退回</);
    // English too
    const en = await editor.agent.get('/data/ganzhe/2022?lang=en');
    expect(en.text).toMatch(/>Returned</);
    expect(en.text).toContain('Returned by the reviewer');
    await editor.agent.get('/?lang=zh');
    // submitted again: no longer returned
    expect((await act(editor, 'ganzhe', 'submit')).status).toBe(303);
    const after = await editor.agent.get('/data/ganzhe/2022');
    expect(after.text).not.toContain('id="returned-reason"');
    expect(after.text).toMatch(/class="status status-submitted">已提交</);
    // the reviewer's home page: the record waiting, by the name of who submitted it, and its status in the grid
    const review = await reviewer.agent.get('/');
    expect(review.text).toMatch(/待审核[\s\S]*?甘蔗街道 2022<\/a> — 李填报/);
    expect(review.text).toMatch(/href="\/data\/ganzhe\/2022">已提交</);
  });

  it('a locked record is read-only: every value input and unit select disabled, no 保存, and a save is refused', async () => {
    const page = await editor.agent.get('/data/baisha/2021');
    const form = page.text.slice(page.text.indexOf('id="survey-form"'));
    const inputs = [...form.matchAll(/<input id="in-[^>]*>/g)].map((m) => m[0]);
    const selects = [...form.matchAll(/<select name="units[^>]*>/g)].map((m) => m[0]);
    expect(inputs.length).toBeGreaterThan(20);
    expect(inputs.filter((i) => !/ disabled/.test(i))).toEqual([]);
    expect(selects.filter((i) => !/ disabled/.test(i))).toEqual([]);
    expect(page.text).not.toContain('<button>保存</button>');
    expect(page.text).not.toContain('/static/entry.js');
    expect(page.text).toMatch(/id="locked-note">数据已锁定/);
    const res = await editor.agent
      .post('/data/baisha/2021')
      .type('form')
      .send({ ...formFields(page.text), _csrf: editor.csrf, version: '1', 'values[gdp]': '1' });
    expect(res.status).toBe(409);
    // named by the township's name, not its id
    expect(res.text).toContain('白沙镇 2021 年数据已审核锁定，不能修改');
  });

  it('bulk submit asks for confirmation first, then submits every chosen record', async () => {
    for (const id of ['baisha', 'shangjie']) await draft(editor, id);
    const choose = await editor.agent.get('/data/bulk?action=submit&year=2022');
    expect(choose.text).toContain('白沙镇');
    expect(choose.text).toContain('上街镇');
    const keys = [...choose.text.matchAll(/name="records" value="([^"]+)"/g)].map((m) => m[1]!);
    expect(keys.sort()).toEqual([
      `baisha/2022/${(await status('baisha', 2022))!.version}`,
      `shangjie/2022/${(await status('shangjie', 2022))!.version}`,
    ]);
    const confirm = await editor.agent
      .post('/data/bulk')
      .type('form')
      .send({ _csrf: editor.csrf, action: 'submit', records: keys });
    expect(confirm.status).toBe(200);
    expect(confirm.text).toMatch(/确认提交审核以下 2 条数据？[\s\S]*白沙镇 2022[\s\S]*上街镇 2022/);
    // nothing happened yet
    expect((await status('baisha', 2022))!.status).toBe('draft');
    const done = await editor.agent
      .post('/data/bulk')
      .type('form')
      .send({ _csrf: editor.csrf, action: 'submit', records: keys, confirm: '1' });
    expect(done.text).toMatch(/id="bulk-done">已提交审核 2 条/);
    expect((await status('baisha', 2022))!.status).toBe('submitted');
    expect((await status('shangjie', 2022))!.status).toBe('submitted');
  });

  it('bulk approve approves what it may and names each record it may not, with the reason', async () => {
    // the admin enters and submits one record themselves: four eyes forbid them to approve it
    await draft(admin, 'nanyu');
    expect((await act(admin, 'nanyu', 'submit')).status).toBe(303);
    const keys = await Promise.all(
      ['ganzhe', 'baisha', 'shangjie', 'nanyu'].map(
        async (id) => `${id}/2022/${(await status(id, 2022))!.version}`,
      ),
    );
    const done = await admin.agent
      .post('/data/bulk')
      .type('form')
      .send({ _csrf: admin.csrf, action: 'approve', records: keys, confirm: '1' });
    expect(done.text).toMatch(/已审核通过 3 条：甘蔗街道 2022、白沙镇 2022、上街镇 2022/);
    expect(done.text).toMatch(/id="bulk-refused"[\s\S]*南屿镇 2022：不能审核自己提交或修改的数据/);
    expect((await status('baisha', 2022))!.status).toBe('approved');
    expect((await status('nanyu', 2022))!.status).toBe('submitted');
    // a stale version is refused, not approved blindly
    const stale = await reviewer.agent
      .post('/data/bulk')
      .type('form')
      .send({ _csrf: reviewer.csrf, action: 'approve', records: ['nanyu/2022/1'], confirm: '1' });
    expect(stale.text).toMatch(/南屿镇 2022：数据已被他人修改/);
    // an editor cannot bulk approve
    const forbidden = await editor.agent.get('/data/bulk?action=approve');
    expect(forbidden.status).toBe(403);
  });
});

describe('the reviewer sees each change against the last approved version', () => {
  const act2021 = async (s: Session, township: string, action: string, reason?: string) => {
    const [r] = await t.db.query<{ version: number }>(
      'select version from survey_records where township_id = $1 and year = 2021',
      [township],
    );
    return s.agent
      .post(`/data/${township}/2021/status`)
      .type('form')
      .send({ _csrf: s.csrf, version: String(r!.version), action, ...(reason ? { reason } : {}) });
  };

  it('approve, reopen, change two fields: the review says 上次审核通过 old → 现值 new with the unit and Δ, by label', async () => {
    // 竹岐乡 2021 arrives approved (sample): its snapshot is what was approved
    expect((await act2021(reviewer, 'zhuqi', 'reopen', 'GDP 按统计年鉴修正')).status).toBe(303);
    const page = await editor.agent.get('/data/zhuqi/2021');
    expect(page.text).not.toContain('id="approved-changes"');
    // GDP 203147.49 → 204147.99 万元: Δ = 204147.99 − 203147.49 = +1000.5 万元
    // 水田 626.67 → 621.67 hm² (Δ −5) and 旱地及水浇地 174.32 → 179.32 hm² (Δ +5): the total area is unchanged
    const saved = await editor.agent
      .post('/data/zhuqi/2021')
      .type('form')
      .send({
        ...formFields(page.text),
        'values[gdp]': '204147.99',
        'values[land_area][paddy]': '621.67',
        'values[land_area][dry_farmland]': '179.32',
      });
    expect(saved.status).toBe(303);
    expect((await act2021(editor, 'zhuqi', 'submit')).status).toBe(303);

    const review = await reviewer.agent.get('/data/zhuqi/2021');
    const box = review.text.slice(review.text.indexOf('id="approved-changes"'));
    expect(box).toContain('与上次审核通过版本相比的修改（3 项）');
    const items = [...box.slice(0, box.indexOf('</section>')).matchAll(/<li[^>]*>([\s\S]*?)<\/li>/g)].map(
      (m) => m[1]!.replace(/<[^>]+>/g, ''),
    );
    expect(items).toEqual([
      '地类面积·水田 上次审核通过：626.67 → 现值 621.67 hm²（Δ −5）',
      '地类面积·旱地及水浇地 上次审核通过：174.32 → 现值 179.32 hm²（Δ +5）',
      '地区生产总值 上次审核通过：203147.49 → 现值 204147.99 万元（Δ +1000.5）',
    ]);
    // beside the field itself too
    expect(review.text).toMatch(
      /id="f-gdp"[\s\S]*?data-approved="gdp">上次审核通过：203147\.49 → 现值 204147\.99 万元（Δ \+1000\.5）</,
    );
    const en = await reviewer.agent.get('/data/zhuqi/2021?lang=en');
    expect(en.text).toContain('Changed since last approved (3)');
    expect(en.text).toContain(
      'Gross domestic product</strong> last approved: 203147.49 → now 204147.99 10⁴ yuan (Δ +1000.5)',
    );
    await reviewer.agent.get('/?lang=zh');

    // approved again: the snapshot is the new values, so a reopening shows no change
    expect((await act2021(reviewer, 'zhuqi', 'approve')).status).toBe(303);
    const [row] = await t.db.query<{ approved_values: { gdp: string } }>(
      "select approved_values from survey_records where township_id = 'zhuqi' and year = 2021",
    );
    expect(row!.approved_values.gdp).toBe('204147.99');
    expect((await act2021(reviewer, 'zhuqi', 'reopen', '再核对一次')).status).toBe(303);
    const again = await editor.agent.get('/data/zhuqi/2021');
    expect(again.text).not.toContain('id="approved-changes"');
  });
});

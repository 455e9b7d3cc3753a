import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dec, sum } from '../../src/domain/decimal.js';
import { SYSTEM_ACTOR } from '../../src/store/audit.js';
import { createUser } from '../../src/store/users.js';
import { binary, login, PASSWORD, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let assessor: Session;
let finance: Session;
let editor: Session;
let reviewer: Session;
let viewer: Session;

beforeAll(async () => {
  t = await startApp();
  for (const [username, role] of [
    ['assessor', 'assessor'],
    ['finance', 'finance'],
  ] as const)
    await createUser(t.db, SYSTEM_ACTOR, { username, displayName: username, role, password: PASSWORD });
  [assessor, finance, editor, reviewer, viewer] = (await Promise.all(
    ['assessor', 'finance', 'editor', 'reviewer', 'viewer'].map((u) => login(t.app, u)),
  )) as [Session, Session, Session, Session, Session];
});
afterAll(() => t.close());

const FUJIAN = '/assessment/scheme/fujian-comprehensive-compensation';
/** The cells of the row of a township (by its Chinese name) in a results table. */
function rowCells(html: string, name: string): string[] {
  const row = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
    .map((m) => m[1]!)
    .find((r) => r.includes(`>${name}<`));
  if (!row) throw new Error(`no row ${name}`);
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').trim());
}

describe('assessment results (sample county, Fujian-style scheme)', () => {
  it('scores, ranks and grades every township, with last year and the change', async () => {
    const page = await assessor.agent.get(`${FUJIAN}?year=2021`);
    expect(page.status).toBe(200);
    // 廷坪乡 2021: forest cover 79.6 % ≥ 75 % → 20; good-air days 99.1 % ≥ 98 % → 20; air index 2.45 ≤ 2.5 → 20;
    // main rivers 100 % of 100 % → 20; small watersheds 100 % of a 90 % target = 111 %, credited 110 % → 22; total 102
    const tingping = rowCells(page.text, '廷坪乡');
    expect(tingping[0]).toBe('1');
    expect(tingping.slice(2, 9)).toEqual(['20.00', '20.00', '20.00', '20.00', '22.00', '0.00', '102.00']);
    expect(tingping[9]).toBe('好');
    // 祥谦镇 was vetoed in 2020 (one major incident): 0 then, so its change is its whole 2021 total
    const xiangqian = rowCells(page.text, '祥谦镇');
    expect(xiangqian[10]).toBe('0.00');
    expect(xiangqian[11]).toBe(`+${xiangqian[8]}`);
    const y2020 = await assessor.agent.get(`${FUJIAN}?year=2020`);
    expect(y2020.text).toMatch(/<strong>0\.00<\/strong>\s*<span class="status status-draft"[^>]*>一票否决/);
  });

  it('opens the explanation of each score: figure, rule, bounds, weight and points', async () => {
    const page = await assessor.agent.get(`${FUJIAN}/township/xiangqian?year=2021`);
    // air index 3.33 between 2.5 (best) and 4.0: 20 × (4.0 − 3.33) / 1.5 = 8.9333… → 8.93
    expect(page.text).toContain(
      '空气质量综合指数：数值 3.33（县生态环境局填报，佐证：空气自动监测站年报（示例））；在 2.5 至 4 之间线性赋分（越低越好），得分比例 44.6667%；分值 20.00 分，得 8.93 分',
    );
    // small watersheds 90.9 % of a 90 % target = 101 % → 20 × 1.01 = 20.2
    expect(page.text).toContain(
      '目标 90%，完成率 101%（计分上限 110%），按完成率计分；分值 20.00 分，得 20.20 分',
    );
    expect(page.text).toMatch(/薄弱指标<\/strong>: 森林覆盖率/);
  });

  it('exports the official layout to XLSX with numbers as numbers', async () => {
    const res = await binary(assessor, `${FUJIAN}?year=2021&format=xlsx`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const rows: unknown[][] = [];
    ws.eachRow((r) => rows.push(r.values as unknown[]));
    const header = rows.find((r) => r.includes('总分 (分)'))!;
    // the township's name sits after the 序号 column
    const tingping = rows.find((r) => r.some((c) => String(c).trim() === '廷坪乡'))!;
    expect(tingping[header.indexOf('总分 (分)')]).toBe(102);
    expect(tingping[header.indexOf('排名')]).toBe('1');
  });

  it('scores only approved department figures: a submitted one leaves the township without a total until approved', async () => {
    await t.db.query(
      "delete from assessment_figures where township_id = 'nanyu' and year = 2021 and figure = 'good_air_share'",
    );
    let page = await assessor.agent.get(`${FUJIAN}?year=2021`);
    expect(page.text).toContain('南屿镇：缺少指标“空气优良天数比例”的数值（缺失不按 0 计）');
    expect(rowCells(page.text, '南屿镇')[0]).toBe('—');
    // a bad value is refused with the field named; nothing is written
    const bad = await editor.agent.post('/assessment/figures').type('form').send({
      _csrf: editor.csrf,
      year: '2021',
      'v|nanyu|good_air_share': '9６.x',
      'e|good_air_share': '年报',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('不是数值');
    const ok = await editor.agent.post('/assessment/figures').type('form').send({
      _csrf: editor.csrf,
      year: '2021',
      'v|nanyu|good_air_share': '97.2',
      'e|good_air_share': '年报',
    });
    expect(ok.status).toBe(302);
    page = await assessor.agent.get(`${FUJIAN}?year=2021`);
    expect(rowCells(page.text, '南屿镇')[0]).toBe('—'); // submitted, not yet approved
    // the editor cannot approve; the reviewer can
    expect(
      (
        await editor.agent
          .post('/assessment/figures/approve')
          .type('form')
          .send({ _csrf: editor.csrf, year: '2021' })
      ).status,
    ).toBe(403);
    expect(
      (
        await reviewer.agent
          .post('/assessment/figures/approve')
          .type('form')
          .send({ _csrf: reviewer.csrf, year: '2021' })
      ).status,
    ).toBe(302);
    page = await assessor.agent.get(`${FUJIAN}?year=2021`);
    // 97.2 % ≥ 95 % → 90 % of 20 = 18 points
    expect(rowCells(page.text, '南屿镇')[3]).toBe('18.00');
    const [audit] = await t.db.query<{ n: number }>(
      "select count(*)::int as n from audit_events where entity = 'assessment_figure' and entity_key = 'nanyu|2021|good_air_share'",
    );
    expect(audit!.n).toBe(2); // entered, approved (the sample was loaded as one batch event)
  });
});

describe('fund allocation', () => {
  const amounts = (html: string) =>
    [...html.matchAll(/class="num amount" data-value="([^"]+)"/g)].map((m) => new Dec(m[1]!));

  it('splits the score-based sample fund so the parts add to the fund to the fen', async () => {
    const page = await finance.agent.get('/funds/1');
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="fund-amount" data-value="26000000"');
    const parts = amounts(page.text);
    expect(parts).toHaveLength(15);
    expect(sum(parts).toFixed(2)).toBe('26000000.00');
    // 廷坪乡: score 102 keeps its base 2,500,000; first place 500,000; improvement share of the pool
    expect(page.text).toContain(
      '得分 102 分（满分 100），基数 2,500,000.00 元 → 保持性 2,500,000.00 元；排名第 1 名，奖励 500,000.00 元',
    );
  });

  it('settles the twelve-month upstream–downstream sample to zero', async () => {
    const page = await finance.agent.get('/funds/2');
    // 闽江白沙—竹岐: met 10 of 12 months at 100,000 元 → 白沙镇 +800,000, 竹岐乡 −800,000;
    // 大目溪廷坪—白沙: met 11 of 12 at 50,000 → 廷坪乡 +500,000, 白沙镇 −500,000; 白沙镇 net +300,000
    expect(amounts(page.text).map((d) => d.toFixed(2))).toEqual(['300000.00', '-800000.00', '500000.00']);
    expect(page.text).toContain('id="allocation-total" data-value="0.00"');
  });

  it('an admin adds a fund by its document; a bad one lists every problem and adds nothing', async () => {
    const admin = await login(t.app, 'admin');
    const doc = (weights: [string, string], upstream: string) => `
format: gep-ledger/fund@1
name: { zh: 测试因素法资金, en: Test factor fund }
year: 2021
amount: "1000000.00"
source: { zh: 县财政, en: County budget }
rule:
  kind: factor
  factors:
    - { id: forest, labels: { zh: 森林覆盖率, en: Forest cover }, weight: "${weights[0]}", unit: "%", source: { from: account, figure: forest_cover } }
    - { id: area, labels: { zh: ${upstream}, en: x }, weight: "${weights[1]}", unit: "hm2", source: { from: input, input: land_area } }
`;
    const before = await t.db.query('select count(*)::int as n from funds');
    const bad = await admin.agent
      .post('/funds')
      .type('form')
      .send({ _csrf: admin.csrf, document: doc(['60%', '30%'], '土地面积') });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('因素权重之和为 90%，应为 100%');
    expect(await t.db.query('select count(*)::int as n from funds')).toEqual(before);
    const good = await admin.agent
      .post('/funds')
      .type('form')
      .send({ _csrf: admin.csrf, document: doc(['60%', '40%'], '土地面积') });
    expect(good.status).toBe(302);
    const page = await finance.agent.get(good.headers.location!);
    const parts = amounts(page.text);
    expect(parts).toHaveLength(15);
    expect(sum(parts).toFixed(2)).toBe('1000000.00');
    expect(
      (
        await finance.agent
          .post('/funds')
          .type('form')
          .send({ _csrf: finance.csrf, document: doc(['60%', '40%'], 'x') })
      ).status,
    ).toBe(403);
  });

  it('lets finance publish a frozen allocation, and refuses a viewer', async () => {
    expect(
      (await viewer.agent.post('/funds/1/publish').type('form').send({ _csrf: viewer.csrf })).status,
    ).toBe(403);
    const res = await finance.agent.post('/funds/3/publish').type('form').send({ _csrf: finance.csrf });
    expect(res.status).toBe(302);
    const published = await finance.agent.get(res.headers.location!);
    expect(published.text).toContain('快照完整（内容哈希一致）');
    expect(published.text).toContain('8,000,000.00');
  });
});

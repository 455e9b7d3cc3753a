import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dec, formatFixed } from '../../src/domain/decimal.js';
import { binary, login, startApp, type Session, type TestApp } from './harness.js';
import { runCli } from '../unit/cli-run.js';

/** What the publish form asks: a title, a 文号 and the confirmation. */
const PUBLISH = { title: '闽侯县生态产品总值核算报告', docNumber: '侯环〔2026〕1号', confirm: 'on' };

let t: TestApp;
let viewer: Session;
let reviewer: Session;
let reviewer2: Session;
let admin: Session;

beforeAll(async () => {
  t = await startApp();
  [viewer, reviewer, reviewer2, admin] = (await Promise.all(
    ['viewer', 'reviewer', 'reviewer2', 'admin'].map((u) => login(t.app, u)),
  )) as [Session, Session, Session, Session];
});
afterAll(() => t.close());

/** The exact value behind a table row's figure: the page carries it in data-value, unrounded. */
function rowValue(html: string, key: string, nth = 0): Dec {
  const row = new RegExp(`<tr[^>]*data-key="${key.replace(/[|]/g, '\\|')}"[^>]*>([\\s\\S]*?)</tr>`).exec(
    html,
  );
  if (!row) throw new Error(`no row ${key}`);
  const values = [...row[1]!.matchAll(/data-value="([^"]*)"/g)].map((m) => m[1]!);
  return new Dec(values[nth]!);
}

describe('GEP report', () => {
  it('a product value is its quantity × the set’s price, worked by hand', async () => {
    const page = (await viewer.agent.get('/reports/gep?year=2021&township=ganzhe')).text;
    // ganzhe 2021: grain output 4438.3 t × grain price 2700 元/t (minhou-2021 overrides gep-functional's 2800;
    // a 2021 price at 2021 prices) = 11,983,410 元 = 1,198.341 万元
    expect(rowValue(page, 'ganzhe|grain|').toString()).toBe('11983410');
    expect(new Dec('4438.3').times(2700).toString()).toBe('11983410');
    expect(page).toContain('1,198.34'); // shown in 万元, rounded for display only
  });

  it('the summary and the GEP total’s explanation show the plausibility warnings the CLI gives for the same data', async () => {
    // the CLI accounts the seeded file with the same set and profile; whatever the sample's magnitudes,
    // the page must list exactly the warnings of the domain check (or say there are none)
    const cli = await runCli(
      'account',
      '--set',
      'minhou-2021',
      '--data',
      'seeds/minhou/dataset.json',
      '--year',
      '2021',
      '--format',
      'json',
    );
    const expected = (JSON.parse(cli.out) as { warnings: { id: string }[] }).warnings.map((w) => w.id);
    const ids = (html: string) => [...html.matchAll(/<tr data-id="([^"]+)">/g)].map((m) => m[1]!);
    const page = (await viewer.agent.get('/reports/gep?year=2021')).text;
    expect(ids(page)).toEqual(expected);
    if (!expected.length) expect(page).toContain('合理性检查：所查各项均在已发表核算范围与区间之内');
    const parts = (await viewer.agent.get('/reports/parts?year=2021&township=total&key=total%7Cgep')).text;
    expect(ids(parts)).toEqual(expected);
    // a subtotal's explanation does not repeat them
    const category = (
      await viewer.agent.get('/reports/parts?year=2021&township=total&key=total%7Ccategory%7Cregulating')
    ).text;
    expect(ids(category)).toEqual([]);
  });

  it('the county is the sum of its 15 townships, to the last digit', async () => {
    const county = rowValue(
      (await viewer.agent.get('/reports/gep?year=2021')).text,
      'total|category|regulating',
    );
    const townships = (await viewer.agent.get('/api/v1/townships')).body as { id: string }[];
    let sum = new Dec(0);
    for (const tw of townships)
      sum = sum.plus(
        rowValue(
          (await viewer.agent.get(`/reports/gep?year=2021&township=${tw.id}`)).text,
          `${tw.id}|category|regulating`,
        ),
      );
    expect(townships).toHaveLength(15);
    expect(county.minus(sum).abs().lte('1e-9')).toBe(true);
  });

  it('every figure opens its trace: formula, inputs with units and departments, parameters with source and set version', async () => {
    const page = (await viewer.agent.get('/reports/trace?year=2021&township=ganzhe&component=grain')).text;
    expect(page).toContain('Q * grain_price');
    expect(page).toContain('4438.3');
    expect(page).toContain('县统计局'); // department of grain_output
    expect(page).toMatch(/\[M\][^<]*示例值/); // sample price, not verified
    expect(page).toContain('minhou-2021@2.0.0');
    expect(page).toContain('11983410');
    // a county figure's trace: the sum of the 15 townships' traces equals the report's figure
    const county = (await viewer.agent.get('/reports/trace?year=2021&township=total&component=grain')).text;
    const report = (await viewer.agent.get('/reports/gep?year=2021')).text;
    // shown to the fen with separators, the exact value in the title
    const exact = rowValue(report, 'total|grain|');
    expect(county).toContain(
      `<strong><span class="exact" title="${exact.toString()}">${formatFixed(exact, 2)}</span> 元</strong>`,
    );
    expect(county.match(/class="card trace"/g)).toHaveLength(15);
    // a 2010 price restated to 2021 prices by the CPI, shown beside the parameter: 7.06 × 692.7 ÷ 536.1
    const wc = (
      await viewer.agent.get(
        '/reports/trace?year=2021&township=ganzhe&component=water_conservation&class=forest_broadleaf',
      )
    ).text;
    expect(wc).toContain('2010年价 7.06 × 692.7 ÷ 536.1（CPI 2021年 ÷ 2010年）');
    expect(wc).toContain('金额为2021年当年价');
    // figures for a reader: 6,610,491.31 m³ (exact 6610491.31459 in the title), money to the fen; kinds and land
    // classes in words, never (input)/(parameter) or forest_broadleaf
    expect(wc).toContain('<span class="exact" title="6610491.31459">6,610,491.31</span> m³');
    expect(wc).toMatch(/title="60302847\.55704\d+">60,302,847\.56<\/span> 元/);
    expect(wc).toContain('= 9.12</span>');
    expect(wc).toContain('年降水量 <span class="meta">(填报数据)</span>');
    expect(wc).toContain('(参数)');
    expect(wc).toContain('地类面积 · 阔叶林');
    expect(wc.replace(/<code>[^<]*<\/code>|<[^>]+>/g, '')).not.toMatch(
      /forest_broadleaf|\((input|parameter)\)/,
    );
    const wcEn = (
      await viewer.agent.get(
        '/reports/trace?year=2021&township=ganzhe&component=water_conservation&class=forest_broadleaf&lang=en',
      )
    ).text;
    expect(wcEn).toContain('(survey input)');
    expect(wcEn).toMatch(/60,302,847\.56<\/span> yuan/);
    expect(wcEn).toContain('yuan/m³');
    await viewer.agent.get('/reports?lang=zh');
    // the upstream share of ganzhe's water supply, deducted for net GEP
    const water = (
      await viewer.agent.get('/reports/trace?year=2021&township=ganzhe&component=water_domestic')
    ).text;
    expect(water).toContain('区域外输入份额（净GEP扣除）');
    expect(water).toContain('upstream_inflow / (upstream_inflow + water_resources_total)');
    const unknown = await viewer.agent.get('/reports/trace?year=2021&township=ganzhe&component=nope');
    expect(unknown.status).toBe(404);
  });

  it('a subtotal opens the figures it adds up, each with its own link', async () => {
    const report = (await viewer.agent.get('/reports/gep?year=2021&township=ganzhe')).text;
    const link =
      /data-key="ganzhe\|product\|agricultural_products"[\s\S]*?href="([^"]+)" class="trace-link"/.exec(
        report,
      )![1]!;
    expect(link).toContain('/reports/parts?');
    const parts = (await viewer.agent.get(link.replace(/&amp;/g, '&'))).text;
    const keys = [...parts.matchAll(/data-key="(ganzhe\|[a-z_]+\|)"/g)].map((m) => m[1]!);
    // grain, vegetables, fruit, tea: the agricultural products of the catalogue
    expect(keys.length).toBeGreaterThanOrEqual(2);
    const total = keys.reduce((acc, k) => acc.plus(rowValue(parts, k)), new Dec(0));
    expect(total.minus(rowValue(report, 'ganzhe|product|agricultural_products')).abs().lte('1e-9')).toBe(
      true,
    );
    expect(parts).toContain('/reports/trace?year=2021&amp;township=ganzhe&amp;component=grain');
    // GEP net is GEP minus a deduction, not a sum of the rows above it: no parts link, and the page refuses
    const net = await viewer.agent.get('/reports/parts?year=2021&township=ganzhe&key=nope');
    expect(net.status).toBe(404);
  });

  it('a year without approved data is a clear 404, naming the years there are', async () => {
    const res = await viewer.agent.get('/reports/gep?year=2030');
    expect(res.status).toBe(404);
    expect(res.text).toContain('可选年份：2020、2021');
  });
});

describe('exports', () => {
  it('XLSX keeps numbers as numbers, units in headers, and SUM formulas for subtotals and totals', async () => {
    const res = await binary(viewer, '/reports/gep?year=2021&format=xlsx');
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    // an official table: title, 编制单位, 编制日期, 数据来源, 单位 line, then 序号 and the columns; header frozen
    const lines = [1, 2, 3, 4].map((n) => String(ws.getRow(n).getCell(1).value));
    expect(lines[1]).toBe('编制单位：闽侯县');
    expect(lines[2]).toMatch(/^编制日期：\d{4}-\d\d-\d\d$/);
    expect(lines[3]).toBe('数据来源：各乡镇经审核的填报数据');
    let headerAt = 0;
    ws.eachRow((row, n) => {
      if (!headerAt && row.getCell(1).value === '序号') headerAt = n;
    });
    expect(ws.getRow(headerAt - 1).getCell(1).value).toBe('单位：万元');
    const header = ws.getRow(headerAt).values as unknown[];
    expect(header).toContain('价值量 (万元)');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 2, ySplit: headerAt });
    expect(ws.pageSetup.printArea).toMatch(new RegExp(`^A${headerAt - 2}:[A-Z]+\\d+$`));
    const rows: { no: unknown; label: string; cell: ExcelJS.CellValue }[] = [];
    ws.eachRow((row) =>
      rows.push({
        no: row.getCell(1).value,
        label: String(row.getCell(2).value ?? '').trim(),
        cell: row.getCell(3).value,
      }),
    );
    const regulating = rows.find((r) => r.label === '调节服务')!;
    expect(regulating.no).toBe('2'); // 1 provisioning, 2 regulating, 3 cultural
    const regulatingSum = regulating.cell as { formula: string; result: number };
    expect(regulatingSum.formula).toMatch(/^SUM\(C\d+(,C\d+)+\)$/);
    // the GEP row is the 合计: a SUM of the three categories whose cached value is the exact total
    const gepRow = rows.find((r) => r.no === '合计')!;
    expect(gepRow.label).toBe('生态系统生产总值（GEP）');
    expect((gepRow.cell as { formula: string }).formula).toMatch(/^SUM\(C\d+,C\d+,C\d+\)$/);
    const page = (await viewer.agent.get('/reports/gep?year=2021')).text;
    const exact = rowValue(page, 'total|category|regulating');
    expect(regulatingSum.result).toBeCloseTo(Number(exact.div(1e4).toString()), 6);
    const grain = rows.find((r) => r.label === '粮食')!.cell;
    expect(typeof grain).toBe('number');
    // every SUM adds up the cells it names to its cached result (what a spreadsheet recomputes)
    let formulas = 0;
    ws.eachRow((row) =>
      row.eachCell((cell) => {
        const v = cell.value as { formula?: string; result?: number } | null;
        if (!v || typeof v !== 'object' || !v.formula) return;
        formulas++;
        const refs = /^SUM\((.+)\)$/.exec(v.formula)![1]!.split(',');
        const total = refs.reduce((acc, ref) => {
          const c = ws.getCell(ref).value as number | { result: number };
          return acc + (typeof c === 'number' ? c : c.result);
        }, 0);
        expect(total).toBeCloseTo(v.result!, 4);
      }),
    );
    expect(formulas).toBeGreaterThan(20);
  });

  it('CSV is UTF-8 with a BOM, unrounded in the column unit', async () => {
    const res = await viewer.agent.get('/reports/gep?year=2021&township=ganzhe&format=csv');
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    expect(res.text).toContain('粮食,1198.341,');
  });

  it('CSV carries 序号 like the XLSX: 1, 1.1 …, 合计 on the total that is the sum of the top-level rows, the 单位 line, statuses in words', async () => {
    const text = (await viewer.agent.get('/reports/gep?year=2021&township=ganzhe&format=csv')).text;
    const lines = text.split(/\r?\n/);
    const head = lines.indexOf('序号,项目,价值量 (万元),占GEP比例 (%)');
    expect(head).toBeGreaterThan(0);
    expect(lines[head - 1]).toBe('单位：万元');
    const table = lines.slice(head + 1, lines.indexOf('', head));
    expect(table[0]).toMatch(/^1,物质产品,/);
    expect(table[1]).toMatch(/^1\.1, {2}农业产品,/);
    // 合计 = 物质产品 + 调节服务 + 文化服务 (the rows numbered 1, 2, 3), exactly, in 万元
    const total = table.find((l) => l.startsWith('合计,'))!;
    expect(total).toMatch(/^合计,生态系统生产总值（GEP）,/);
    const tops = table.filter((l) => /^\d+,/.test(l)).map((l) => new Dec(l.split(',')[2]!));
    expect(tops).toHaveLength(3);
    const sum = tops.reduce((a, b) => a.plus(b));
    expect(
      sum
        .minus(new Dec(total.split(',')[2]!))
        .abs()
        .lte('1e-9'),
    ).toBe(true);
    // the physical table: statuses in words, a large quantity in the scaled unit
    expect(text).toContain('序号,项目,单位,实物量,状态');
    expect(text).toMatch(/,\s+生活用水,万m³,851\.5055,已核算/);
    expect(text).not.toMatch(/,ok\r?\n/);
    const en = (await viewer.agent.get('/reports/gep?year=2021&township=ganzhe&format=csv&lang=en')).text;
    expect(en).toContain('No.,Item,Unit,Physical quantity,Status');
    expect(en).toMatch(/,\s+Domestic water,10⁴ m³,851\.5055,accounted/);
    await viewer.agent.get('/reports?lang=zh');
  });

  it('an English report writes units in English: 10⁴ m³, 10⁴ visits, never 万m³ or 人次', async () => {
    const page = (await viewer.agent.get('/reports/gep?year=2021&lang=en')).text;
    await viewer.agent.get('/reports?lang=zh');
    const physical = page.slice(page.indexOf('id="table-physical"'));
    const units = [...physical.slice(0, physical.indexOf('</table>')).matchAll(/<td>([^<]*)<\/td>/g)].map(
      (m) => m[1]!,
    );
    expect(units).toContain('10⁴ visits');
    expect(units).toContain('10⁴ m³');
    expect(physical.slice(0, physical.indexOf('</table>'))).not.toMatch(/<td>[^<]*[万亿人次元亩][^<]*<\/td>/);
  });

  it('an unknown format is refused', async () => {
    expect((await viewer.agent.get('/reports/gep?format=doc')).status).toBe(422);
  });
});

describe('balance sheet', () => {
  it('shows its identities and they hold: the county’s closing extent is its area', async () => {
    const page = (await viewer.agent.get('/reports/balance-sheet?from=2020&to=2021')).text;
    expect(page).toContain('各恒等式均成立');
    expect(page).not.toMatch(/<tr class="fail">/);
    // closing extent = 2136.00 km² × 100 hm²/km² = 213,600 hm²
    expect(rowValue(page, 'total|extent|total', 3).toString()).toBe('213600');
    const assets = rowValue(page, 'total|position|assets');
    const liabilities = rowValue(page, 'total|position|liabilities');
    const net = rowValue(page, 'total|position|net_assets');
    expect(assets.minus(liabilities).eq(net)).toBe(true);
  });
});

describe('published reports are frozen', () => {
  it('only reviewers and admins publish; later data changes do not alter it, and the page shows what would change', async () => {
    const forbidden = await viewer.agent
      .post('/reports/publish')
      .type('form')
      .send({ _csrf: viewer.csrf, year: 2021, township: 'ganzhe' });
    expect(forbidden.status).toBe(403);
    const res = await reviewer.agent
      .post('/reports/publish')
      .type('form')
      .send({ _csrf: reviewer.csrf, ...PUBLISH, kind: 'gep', year: 2021, township: 'ganzhe' });
    expect(res.status).toBe(303);
    const url = res.headers.location!;
    const before = (await viewer.agent.get(url)).text;
    expect(before).toContain('快照完整');
    expect(before).toContain('用当前已审核数据重新核算，结果相同');
    const grainBefore = rowValue(before, 'ganzhe|grain|');

    // the statistics bureau corrects ganzhe's 2021 grain output: reopen, change, submit, approve
    const v = (await admin.agent.get('/api/v1/records/ganzhe/2021')).body.version as number;
    await reviewer.agent
      .post('/api/v1/records/ganzhe/2021/reopen')
      .set('x-csrf-token', reviewer.csrf)
      .send({ version: v, reason: '更正粮食产量' });
    const put = await admin.agent
      .put('/api/v1/records/ganzhe/2021')
      .set('x-csrf-token', admin.csrf)
      .send({ values: { grain_output: '5000' }, version: v + 1, mode: 'merge' });
    expect(put.status).toBe(200);
    const v2 = put.body.record.version as number;
    await admin.agent
      .post('/api/v1/records/ganzhe/2021/submit')
      .set('x-csrf-token', admin.csrf)
      .send({ version: v2 });
    await reviewer2.agent
      .post('/api/v1/records/ganzhe/2021/approve')
      .set('x-csrf-token', reviewer2.csrf)
      .send({ version: v2 + 1 });

    const after = (await viewer.agent.get(url)).text;
    expect(rowValue(after, 'ganzhe|grain|').eq(grainBefore)).toBe(true);
    expect(after).toContain('快照完整');
    // 4438.3 t → 5000 t at 2700 元/t: 11,983,410 → 13,500,000 元
    // in words and 万元: +1,516,590 元 = +151.66 万元 on 甘蔗街道's agricultural products; no machine paths
    const changes = /<div class="notice" id="would-change">([\s\S]*?)<\/div>/.exec(after)![1]!;
    expect(changes).toMatch(/<li>2021年 甘蔗街道 GEP：[\d,.]+ → [\d,.]+ 万元（\+151\.66 万元）<\/li>/);
    expect(changes).toMatch(
      /<li>2021年 甘蔗街道 [^<：]*农[^<：]*：[\d,.]+ → [\d,.]+ 万元（\+151\.66 万元）<\/li>/,
    );
    expect(changes).not.toContain('townships.');
    const live = (await viewer.agent.get('/reports/gep?year=2021&township=ganzhe')).text;
    expect(rowValue(live, 'ganzhe|grain|').toString()).toBe('13500000');
    const row = await t.db.query<{ n: number }>('select count(*)::int as n from published_reports');
    expect(row[0]!.n).toBe(1);
  });
});

describe('published balance sheet', () => {
  it('freezes both years, the matrices and the liabilities list, and re-runs identically', async () => {
    const res = await reviewer.agent
      .post('/reports/publish')
      .type('form')
      .send({
        _csrf: reviewer.csrf,
        ...PUBLISH,
        kind: 'balance_sheet',
        year: 2021,
        from: 2020,
        township: 'total',
      });
    expect(res.status).toBe(303);
    const page = (await viewer.agent.get(res.headers.location!)).text;
    expect(page).toContain('快照完整');
    expect(page).toContain('各恒等式均成立');
    expect(rowValue(page, 'total|extent|total', 3).toString()).toBe('213600');
    expect(page).toContain('生态修复负债（待修复损害存量）');
    const [row] = await t.db.query<{ kind: string; compare_year: number }>(
      "select kind, compare_year from published_reports where kind = 'balance_sheet'",
    );
    expect(row).toEqual({ kind: 'balance_sheet', compare_year: 2020 });
    const bad = await reviewer.agent
      .post('/reports/publish')
      .type('form')
      .send({
        _csrf: reviewer.csrf,
        ...PUBLISH,
        kind: 'balance_sheet',
        year: 2020,
        from: 2021,
        township: 'total',
      });
    expect(bad.status).toBe(409);
  });
});

describe('published GEEP, comparison and ESV', () => {
  it('each freezes its year (and the year it compares with) and shows the same figures as the live page', async () => {
    for (const [kind, live, marker] of [
      ['geep', '/reports/geep?year=2021', 'id="table-geep'],
      ['comparison', '/reports/compare?year=2021&previous=2020', 'id="ranking-gep"'],
      ['esv', '/reports/esv?year=2021', 'id="table-'],
    ] as const) {
      const livePage = (await viewer.agent.get(live)).text;
      const form = (await reviewer.agent.get(live)).text;
      const from = /name="from" value="(\d+)"/.exec(form)?.[1];
      const res = await reviewer.agent
        .post('/reports/publish')
        .type('form')
        .send({
          _csrf: reviewer.csrf,
          ...PUBLISH,
          kind,
          year: 2021,
          township: 'total',
          ...(from ? { from } : {}),
        });
      expect(res.status, kind).toBe(303);
      const frozen = (await viewer.agent.get(res.headers.location!)).text;
      expect(frozen, kind).toContain('快照完整');
      expect(frozen, kind).toContain(marker);
      // the frozen page's figures are the live page's (nothing changed in between)
      const values = (html: string) =>
        [...html.matchAll(/data-value="([^"]+)"/g)].map((m) => m[1]).slice(0, 40);
      expect(values(frozen), kind).toEqual(values(livePage));
    }
    expect((await viewer.agent.get('/reports/geep?year=2021')).text).not.toContain('发布为编号的冻结报告');
  });
});

describe('comparison', () => {
  it('ranks townships by GEP with one bar per township, largest first', async () => {
    const page = (await viewer.agent.get('/reports/compare?year=2021&previous=2020')).text;
    const section = page.slice(
      page.indexOf('id="ranking-gep"'),
      page.indexOf('</section>', page.indexOf('id="ranking-gep"')),
    );
    const bars = [...section.matchAll(/<rect[^>]*class="mark"[^>]*data-value="([^"]+)"/g)].map(
      (m) => new Dec(m[1]!),
    );
    expect(bars).toHaveLength(15);
    for (let i = 1; i < bars.length; i++) expect(bars[i - 1]!.gte(bars[i]!)).toBe(true);
    expect(page.match(/<svg/g)!.length).toBeGreaterThanOrEqual(8);
  });
});

describe('robustness', () => {
  it('ids and years out of range are a 404 or 422, never a server error', async () => {
    for (const url of [
      '/reports/published/99999999999',
      '/reports/published/1e400',
      '/import/99999999999',
      '/import/abc',
    ])
      expect((await admin.agent.get(url)).status, url).toBe(404);
    const noVersion = await admin.agent
      .post('/data/ganzhe/2021/status')
      .type('form')
      .send({ _csrf: admin.csrf, action: 'reopen', reason: 'x' });
    expect(noVersion.status).toBe(422);
    expect(noVersion.text).toContain('缺少数据版本号');
    const badYear = await admin.agent
      .post('/transitions/ganzhe/2020.5/2021')
      .type('form')
      .send({ _csrf: admin.csrf });
    expect(badYear.status).toBe(404);
    const wrongField = await admin.agent
      .post('/import')
      .field('_csrf', admin.csrf)
      .attach('upload', Buffer.from('x'), 'a.csv');
    expect(wrongField.status).toBe(422);
    expect(wrongField.text).toContain('文件应放在');
  });

  it('a multipart post carries no way around the CSRF check', async () => {
    const res = await admin.agent.post('/reports/publish').field('kind', 'gep').field('year', '2021');
    expect(res.status).toBe(403);
    const publish = await admin.agent.post('/sets/gep-functional/1.0.0/publish').field('x', '1');
    expect(publish.status).toBe(403);
    const [set] = await t.db.query<{ status: string }>(
      "select status from coefficient_sets where id = 'gep-functional' and version = '1.0.0'",
    );
    expect(set!.status).toBe('draft');
  });

  it('saving the form keeps the externally modelled quantities entered through the API', async () => {
    const put = await admin.agent
      .put('/api/v1/records/shanggan/2023')
      .set('x-csrf-token', admin.csrf)
      .send({
        values: { gdp: '1' },
        overrides: { grain: { quantity: '5000', source: 'InVEST run 7' } },
        version: null,
      });
    expect(put.status).toBe(200);
    const page = (await admin.agent.get('/data/shanggan/2023')).text;
    const fields = Object.fromEntries(
      [...page.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    const save = await admin.agent
      .post('/data/shanggan/2023')
      .type('form')
      .send({ ...fields, 'values[gdp]': '2' });
    expect(save.status).toBe(303);
    const after = (await admin.agent.get('/api/v1/records/shanggan/2023')).body;
    expect(after.values.gdp).toBe('2');
    expect(after.overrides).toEqual({ grain: { quantity: '5000', source: 'InVEST run 7' } });
    // an API replace that sends overrides sets them exactly: {} removes the model figure
    const cleared = await admin.agent
      .put('/api/v1/records/shanggan/2023')
      .set('x-csrf-token', admin.csrf)
      .send({ values: { gdp: '2' }, overrides: {}, version: after.version });
    expect(cleared.status).toBe(200);
    expect(cleared.body.record.overrides).toEqual({});
  });

  it('a township’s registered area changing later does not unmake its approved accounts', async () => {
    const before = rowValue(
      (await viewer.agent.get('/reports/gep?year=2021')).text,
      'total|category|regulating',
    );
    await admin.agent
      .post('/admin/regions/nanyu')
      .type('form')
      .send({ _csrf: admin.csrf, nameZh: '南屿镇', nameEn: 'Nanyu Town', areaKm2: '180' });
    const after = await viewer.agent.get('/reports/gep?year=2021');
    expect(after.status).toBe(200);
    expect(rowValue(after.text, 'total|category|regulating').eq(before)).toBe(true);
    // and a report published after the change re-runs as well
    const published = await reviewer.agent
      .post('/reports/publish')
      .type('form')
      .send({ _csrf: reviewer.csrf, ...PUBLISH, kind: 'gep', year: 2021, township: 'total' });
    expect((await viewer.agent.get(published.headers.location!)).text).toContain('快照完整');
  });

  it('a balance sheet leaves out, and names, a township without approved data in one year', async () => {
    // nantong (66.80 km² = 6,680 hm²) reopened for 2020: the county sheet covers 213,600 − 6,680 = 206,920 hm²
    const v = (await admin.agent.get('/api/v1/records/nantong/2020')).body.version as number;
    const reopen = await reviewer.agent
      .post('/api/v1/records/nantong/2020/reopen')
      .set('x-csrf-token', reviewer.csrf)
      .send({ version: v, reason: '核查' });
    expect(reopen.status).toBe(200);
    const page = await viewer.agent.get('/reports/balance-sheet?from=2020&to=2021');
    expect(page.status).toBe(200);
    expect(page.text).toContain('未纳入（其中一年无已审核数据）：南通镇');
    expect(rowValue(page.text, 'total|extent|total', 3).toString()).toBe('206920');
    const township = await viewer.agent.get('/reports/balance-sheet?from=2020&to=2021&township=nantong');
    expect(township.status).toBe(404);
    const publish = await reviewer.agent
      .post('/reports/publish')
      .type('form')
      .send({
        _csrf: reviewer.csrf,
        ...PUBLISH,
        kind: 'balance_sheet',
        year: 2021,
        from: 2020,
        township: 'nantong',
      });
    expect(publish.status).toBe(409);
  });

  it('a year only some townships have is never the default, and is not compared with a full year', async () => {
    await t.db.query(
      `insert into survey_records (township_id, year, set_id, set_version, values, overrides, status, version)
       select township_id, 2022, set_id, set_version, values, overrides, 'approved', 1 from survey_records
       where township_id = 'xiangqian' and year = 2021`,
    );
    const byDefault = (await viewer.agent.get('/reports/gep')).text;
    expect(byDefault).toContain('闽侯县 2021 年生态系统生产总值');
    // the report index opens on 2021 too (every township approved), and marks 2022 (1 of 15) as partial
    const index = (await viewer.agent.get('/reports')).text;
    const yearSelect = /<select name="year">([\s\S]*?)<\/select>/.exec(index)![1]!;
    expect(yearSelect).toContain('<option value="2021" selected>2021</option>');
    expect(yearSelect).toContain('<option value="2022">2022（部分乡镇未审核）</option>');
    expect(/<select name="to">[\s\S]*?<\/select>/.exec(index)![0]).toContain(
      '<option value="2021" selected>2021</option>',
    );
    const partial = (await viewer.agent.get('/reports/gep?year=2022')).text;
    expect(partial).toContain('未纳入（该年无已审核数据）');
    // compared like for like: xiangqian's 2022 (a copy of its 2021) against xiangqian's 2021, not 1 township against 15
    expect(partial).toMatch(
      /<strong>[\d,.]+ 亿元<\/strong>\s*<span class="change [a-z]+">[+−]?0\.00 亿元 \([+−]?0\.00%\) 较2021年/,
    );
    const own = (await viewer.agent.get('/reports/gep?year=2022&township=xiangqian')).text;
    expect(own).toContain('较2021年'); // the township itself has both years
    const compare = (await viewer.agent.get('/reports/compare?year=2022')).text;
    expect(compare).toContain('未纳入（该年无已审核数据）');
    const section = compare.slice(
      compare.indexOf('id="ranking-gep"'),
      compare.indexOf('</section>', compare.indexOf('id="ranking-gep"')),
    );
    expect(section.match(/class="mark"/g)).toHaveLength(1);
  });

  it('the comparison exports its rankings, composition and change as numbers', async () => {
    const res = await binary(viewer, '/reports/compare?year=2021&previous=2020&format=xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(expect.arrayContaining(['GEP排名', '按类别构成']));
    const ranking = wb.getWorksheet('GEP排名')!;
    const values: number[] = [];
    ranking.eachRow((row) => {
      const v = row.getCell(4).value; // 序号, 排名, 乡镇, GEP
      if (typeof v === 'number') values.push(v);
    });
    expect(values).toHaveLength(15);
    expect([...values].sort((a, b) => b - a)).toEqual(values);
  });
});

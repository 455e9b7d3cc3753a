import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dec } from '../../src/domain/decimal.js';
import { appraiseProject, tenureAuditPack } from '../../src/store/scenario-reports.js';
import { getProject, getTenureAudit, listProjects, listTenureAudits } from '../../src/store/scenarios.js';
import { loadCompiledSet } from '../../src/store/sets.js';
import { canonicalJson, sha256 } from '../../src/methods/resolve.js';
import { binary, login, startApp, type Session, type TestApp } from './harness.js';

let t: TestApp;
let editor: Session;
let reviewer: Session;
let viewer: Session;

beforeAll(async () => {
  t = await startApp();
  [editor, reviewer, viewer] = (await Promise.all(
    ['editor', 'reviewer', 'viewer'].map((u) => login(t.app, u)),
  )) as [Session, Session, Session];
});
afterAll(() => t.close());

const sampleProject = async () => (await listProjects(t.db)).find((p) => p.sample)!;

describe('sample project appraisal (示例数据)', () => {
  it('seeds one project with two alternatives, appraised at constant prices in three cases', async () => {
    const p = await sampleProject();
    expect(p.name).toContain('示例');
    const { alternatives } = await appraiseProject(t.db, p);
    expect(alternatives.map((a) => a.row.name)).toEqual(['方案一：红线方案', '方案二：紧凑布局']);
    const [red, compact] = alternatives.map((a) => a.appraisal!);
    for (const a of [red!, compact!]) {
      // a loss in every case, low ≥ central ≥ high in magnitude order (the estimates all act one way)
      expect(a.cases.central.difference.gep.delta.isNeg()).toBe(true);
      expect(a.cases.low.difference.gep.delta.gt(a.cases.central.difference.gep.delta)).toBe(true);
      expect(a.cases.high.difference.gep.delta.lt(a.cases.central.difference.gep.delta)).toBe(true);
      expect(a.warnings).toEqual([]);
    }
    // the smaller footprint loses less
    expect(compact!.cases.central.difference.gep.delta.gt(red!.cases.central.difference.gep.delta)).toBe(
      true,
    );
    // plausibility of the magnitude: the red line's loss per hectare converted (150 hm²) lies between the
    // baseline's value per hectare of paddy and of coniferous forest in 南屿镇
    const d = red!.cases.central.difference;
    const perHa = d.gep.delta.neg().div(150);
    const perClass = (id: string) => {
      const c = d.byLandClass.find((x) => x.id === id)!;
      return c.before.div(c.area!.before);
    };
    expect(perHa.gt(perClass('paddy').times(0.5))).toBe(true);
    expect(perHa.lt(perClass('forest_coniferous').times(1.5))).toBe(true);
    // grain and vegetables follow cultivated land (paddy 1,160.24 + dry farmland 570.53 = 1,730.77 hm² in 南屿镇,
    // 2021) at the baseline's yield: grain 7,256.8 t × 30 ÷ 1,730.77 = 125.7845 t less, vegetables 29,784.1 t × 30
    // ÷ 1,730.77 = 516.2575 t less; each valued at the baseline's price per t
    for (const [id, dq] of [
      ['grain', '-125.7845'],
      ['vegetables', '-516.2575'],
    ]) {
      const c = d.byComponent.find((x) => x.id === id)!;
      expect(c.quantity.delta.toFixed(4)).toBe(dq);
      expect(c.value.delta.div(c.quantity.delta).toFixed(6)).toBe(
        c.value.before.div(c.quantity.before).toFixed(6),
      );
    }
    // present value over 20 years at 5 %: ΔGEP × 12.4622103425…
    expect(red!.cases.central.presentValue.div(d.gep.delta).toFixed(8)).toBe('12.46221034');
  });

  it('shows the alternatives side by side and the appraisal table in the official layout', async () => {
    const p = await sampleProject();
    const page = await viewer.agent.get(`/scenarios/${p.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('项目生态产品价值影响评估表');
    expect(page.text).toContain('单位：万元');
    expect(page.text).toContain('序号');
    expect(page.text).toContain('合计（GEP）');
    expect(page.text).toContain('方案二：紧凑布局');
    const xlsx = await binary(viewer, `/scenarios/${p.id}/appraisal.xlsx`);
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A1').value).toBe('项目生态产品价值影响评估表');
    // the 合计 row's annual change equals the domain figure in 万元
    const { alternatives } = await appraiseProject(t.db, p);
    const delta = alternatives[0]!.appraisal!.cases.central.difference.gep.delta.div(1e4);
    let total: number | undefined;
    ws.eachRow((row) => {
      if (row.getCell(2).value === '合计（GEP）') total = row.getCell(5).value as number;
    });
    expect(total).toBeCloseTo(delta.toNumber(), 6);
  });

  it('saves a new version through the form; a conversion beyond the area is refused by name, nothing written', async () => {
    const p = await sampleProject();
    const before = await t.db.query('select count(*)::int as n from scenario_versions');
    const refused = await editor.agent.post(`/scenarios/${p.id}/alternatives`).type('form').send({
      _csrf: editor.csrf,
      name: '方案三',
      changes: '南屿镇, 水田, 建设用地, 5000',
      edits: '',
      note: '',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('水田转出合计 5000 hm²，超过可用面积 1160.24 hm²');
    expect(await t.db.query('select count(*)::int as n from scenario_versions')).toEqual(before);
    const ok = await editor.agent.post(`/scenarios/${p.id}/alternatives`).type('form').send({
      _csrf: editor.csrf,
      name: '方案一：红线方案',
      changes: '南屿镇, 针叶林, 建设用地, 100\n南屿镇, 水田, 建设用地, 30',
      edits: '',
      note: '缩小 20 hm²',
    });
    expect(ok.status).toBe(303);
    const versions = await t.db.query<{ version: number }>(
      "select version from scenario_versions where name = '方案一：红线方案' order by version",
    );
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    const [event] = await t.db.query<{ action: string; username: string }>(
      "select action, username from audit_events where entity = 'scenario' order by id desc limit 1",
    );
    expect(event).toEqual({ action: 'update', username: 'editor' });
  });

  it('a viewer cannot save; a reviewer publishes a frozen appraisal with its hash', async () => {
    const p = await sampleProject();
    const denied = await viewer.agent
      .post(`/scenarios/${p.id}/alternatives`)
      .type('form')
      .send({ _csrf: viewer.csrf, name: 'x', changes: '', edits: '' });
    expect(denied.status).toBe(403);
    const publish = (body: Record<string, string>) =>
      reviewer.agent
        .post(`/scenarios/${p.id}/publish`)
        .type('form')
        .send({ _csrf: reviewer.csrf, alt: '方案一：红线方案', ...body });
    // a title, a 文号 and the confirmation are asked for; nothing is written without them
    const refused = await publish({ title: '南屿镇项目评估表', docNumber: '' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('请填写文号');
    expect(refused.text).toContain('请勾选确认发布：发布后评估表冻结');
    expect(refused.text).not.toContain('docNumber');
    expect((await t.db.query('select id from scenario_publications')).length).toBe(0);
    const res = await publish({
      title: '南屿镇项目评估表（示例）',
      docNumber: '侯环评〔2026〕7号',
      confirm: 'on',
    });
    expect(res.status).toBe(303);
    const url = res.headers.location as string;
    expect(url).toMatch(new RegExp(`^/scenarios/${p.id}/published/\\d+$`));
    const [pub] = await t.db.query<{
      content_hash: string;
      title: string;
      doc_number: string;
      snapshot: { alternative: { name: string } };
    }>('select content_hash, title, doc_number, snapshot from scenario_publications');
    expect(pub!.snapshot.alternative.name).toBe('方案一：红线方案');
    expect([pub!.title, pub!.doc_number]).toEqual(['南屿镇项目评估表（示例）', '侯环评〔2026〕7号']);
    expect(pub!.content_hash).toBe(sha256(canonicalJson(pub!.snapshot)));
    const tablesOf = (html: string) => html.slice(html.indexOf('<table'), html.lastIndexOf('</table>'));
    const before = (await viewer.agent.get(url)).text;
    expect(before).toContain('文号：侯环评〔2026〕7号');
    expect(before).toContain('项目名称：');
    expect(before).not.toContain('快照与其哈希不一致');
    const liveDelta = async () =>
      /data-alt="方案一：红线方案"[\s\S]*?data-col="delta">([^<]*)</.exec(
        (await viewer.agent.get(`/scenarios/${p.id}`)).text,
      )![1];
    const liveBefore = await liveDelta();
    // later the baseline's grain changes: the live appraisal moves, the published one does not
    const [{ values }] = (await t.db.query<{ values: Record<string, unknown> }>(
      `select values from survey_records where year = 2021 and township_id = 'nanyu'`,
    )) as [{ values: Record<string, unknown> }];
    await t.db.query(
      `update survey_records set values = jsonb_set(values, '{grain_output}', '"99999"') where year = 2021 and township_id = 'nanyu'`,
    );
    try {
      expect(await liveDelta()).not.toBe(liveBefore);
      const after = (await viewer.agent.get(url)).text;
      expect(tablesOf(after)).toBe(tablesOf(before));
      expect(after).toContain('文号：侯环评〔2026〕7号');
    } finally {
      await t.db.query(
        `update survey_records set values = jsonb_set(values, '{grain_output}', $1::jsonb) where year = 2021 and township_id = 'nanyu'`,
        [JSON.stringify(values.grain_output)],
      );
    }
    // its PDF is made from the same snapshot
    expect((await binary(viewer, `${url}?format=pdf`)).body.subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('sample tenure audit (示例数据)', () => {
  it('balances every stock, scores on 100 points and shows the official tables', async () => {
    const row = (await listTenureAudits(t.db)).find((a) => a.sample)!;
    const set = await loadCompiledSet(t.db, 'minhou-2021', '2.0.0');
    const pack = await tenureAuditPack(t.db, set, 'academic', await getTenureAudit(t.db, row.id));
    expect(pack.audit.broken).toEqual([]);
    const land = pack.audit.stocks.filter((s) => s.group === 'land');
    // the county's land is 213,600 hm² at both ends: the changes add up to 0
    expect(land.reduce((s, l) => s.plus(l.opening!), new Dec(0)).toString()).toBe('213600');
    expect(land.reduce((s, l) => s.plus(l.change!), new Dec(0)).toString()).toBe('0');
    const status = Object.fromEntries(pack.audit.indicators.map((s) => [s.indicator.id, s]));
    // 耕地 2021: paddy 14,017.29 + dry 4,200.27 = 18,217.56 hm² < target 18,300: not met (99.55 %)
    expect(status.cultivated_land!.figure!.toString()).toBe('18217.56');
    expect(status.cultivated_land!.met).toBe(false);
    expect(status.construction_land!.met).toBe(true);
    const score = pack.audit.score.townships[0]!;
    expect(score.complete).toBe(true);
    expect(score.total!.gt(60) && score.total!.lte(100)).toBe(true);
    const page = await viewer.agent.get(`/tenure-audits/${row.id}`);
    expect(page.status).toBe(200);
    for (const title of [
      '自然资源资产实物量及价值变动表',
      '任期内生态产品总值（GEP）变化表',
      '约束性指标完成情况表',
      '自然资源资产离任审计评价计分表（预填）',
    ])
      expect(page.text).toContain(title);
    const xlsx = await binary(viewer, `/tenure-audits/${row.id}/audit.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toHaveLength(4);
    void getProject;
  });
});

describe('tenure audit: department items and the published pack', () => {
  const sampleAudit = async () => (await listTenureAudits(t.db)).find((a) => a.sample)!;
  const scoreOf = (html: string) =>
    /预填得分: ([\d.]+)<\/strong> · 等次: <strong>([^<]+)</.exec(html)?.slice(1);
  const figureRows = async () =>
    (await t.db.query<{ n: number }>('select count(*)::int as n from tenure_audit_figures'))[0]!.n;

  it('the audit team enters a department item; the score recomputes; out-of-bounds figures change nothing', async () => {
    const a = await sampleAudit();
    // the pre-filled sample: 1 reform task not started (25 − 2 × 1 = 23 points), 0 damage cases (10 points),
    // binding indicators 44.95495 of 45 (cultivated land 10 × 18,217.56 ÷ 18,300 = 9.95495; the others full),
    // GEP growth 0.17 % ≥ 0 % (0.8 × 20 = 16): 23 + 44.95495 + 16 + 10 = 93.95495 → 93.95, 好 (≥ 90)
    expect(scoreOf((await viewer.agent.get(`/tenure-audits/${a.id}`)).text)).toEqual(['93.95', '好']);
    const post = (s: Session, value: string, figure = 'reform_tasks', note = '') =>
      s.agent
        .post(`/tenure-audits/${a.id}/figures`)
        .type('form')
        .send({ _csrf: s.csrf, figure, value, note });
    // refused, each by name and reason, nothing written: above the item's max (30), not whole, negative, text
    for (const [value, zh] of [
      ['31', '生态文明体制改革与重点任务推进（未开展部署任务每项扣2分）："31"须在 0 与 30 项 之间'],
      ['1.5', '"1.5"须为整数'],
      ['-1', '"-1"须在 0 与 30 项 之间'],
      ['三', '"三"不是数值'],
    ]) {
      const res = await post(reviewer, value!);
      expect(res.status).toBe(422);
      expect(res.text).toContain(zh!.replace(/"/g, '&#34;'));
    }
    const en = await reviewer.agent
      .post(`/tenure-audits/${a.id}/figures?lang=en`)
      .type('form')
      .send({ _csrf: reviewer.csrf, figure: 'damage_cases', value: '51' });
    expect(en.text).toContain(
      'Environmental damage cases (2 points off each): &#34;51&#34; must lie between 0 and 50 起',
    );
    await reviewer.agent.get('/scenarios?lang=zh'); // the language is kept in the session: back to Chinese
    expect((await post(reviewer, '2', 'gep_growth')).status).toBe(422);
    expect(await figureRows()).toBe(0);
    // editors and viewers do not audit
    expect((await post(editor, '3')).status).toBe(403);
    expect((await post(viewer, '3')).status).toBe(403);
    expect(await figureRows()).toBe(0);
    // 3 tasks not started: 25 − 2 × 3 = 19 points; total 93.95495 − 4 = 89.95495 → 较好 (80 ≤ 89.95 < 90)
    expect((await post(reviewer, '3', 'reform_tasks', '核查发现 3 项未部署')).status).toBe(303);
    const page = (await viewer.agent.get(`/tenure-audits/${a.id}`)).text;
    expect(scoreOf(page)).toEqual(['89.95', '较好']);
    expect(page).toContain('审计组录入（reviewer）：核查发现 3 项未部署');
    const [event] = await t.db.query<{
      action: string;
      username: string;
      old_value: unknown;
      new_value: unknown;
    }>(
      "select action, username, old_value, new_value from audit_events where entity = 'tenure_audit_figure' order by id desc limit 1",
    );
    expect(event).toMatchObject({
      action: 'create',
      username: 'reviewer',
      old_value: { value: '1', note: 'prefilled' },
      new_value: { value: '3', note: '核查发现 3 项未部署' },
    });
  });

  it('publishes a frozen pack with title and 文号; later changes do not alter it', async () => {
    const a = await sampleAudit();
    const publish = (body: Record<string, string>) =>
      reviewer.agent
        .post(`/tenure-audits/${a.id}/publish`)
        .type('form')
        .send({ _csrf: reviewer.csrf, ...body });
    // 文号 and the confirmation are asked for; nothing is written without them
    const refused = await publish({ title: '闽侯县任期审计表', docNumber: '' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('请填写文号');
    expect(refused.text).toContain('请勾选确认发布');
    expect((await t.db.query('select id from tenure_audit_publications')).length).toBe(0);
    const denied = await editor.agent
      .post(`/tenure-audits/${a.id}/publish`)
      .type('form')
      .send({ _csrf: editor.csrf, title: 'x', docNumber: 'x', confirm: 'on' });
    expect(denied.status).toBe(403);

    const res = await publish({
      title: '闽侯县任期审计表（示例）',
      docNumber: '侯审〔2026〕3号',
      confirm: 'on',
    });
    expect(res.status).toBe(303);
    const url = res.headers.location as string;
    const [pub] = await t.db.query<{
      content_hash: string;
      title: string;
      doc_number: string;
      snapshot: unknown;
    }>('select content_hash, title, doc_number, snapshot from tenure_audit_publications');
    expect([pub!.title, pub!.doc_number]).toEqual(['闽侯县任期审计表（示例）', '侯审〔2026〕3号']);
    expect(pub!.content_hash).toBe(sha256(canonicalJson(pub!.snapshot)));
    const before = (await viewer.agent.get(url)).text;
    expect(before).toContain('文号：侯审〔2026〕3号');
    expect(before).toContain('预填得分：89.95 · 等次：较好');
    expect(before).not.toContain('快照与其哈希不一致');
    const gepOf = (html: string) =>
      /data-table="tenure_gep"[\s\S]*?<tr class="subtotal" data-row="Total \(GEP\)">([\s\S]*?)<\/tr>/.exec(
        html,
      )![1];
    const frozenGep = gepOf(before);

    // later: the department figure goes back to 1, and the 2021 grain output of one township changes
    expect(
      (
        await reviewer.agent
          .post(`/tenure-audits/${a.id}/figures`)
          .type('form')
          .send({ _csrf: reviewer.csrf, figure: 'reform_tasks', value: '1' })
      ).status,
    ).toBe(303);
    await t.db.query(
      `update survey_records set values = jsonb_set(values, '{grain_output}', '"99999"') where year = 2021 and township_id = 'nanyu'`,
    );
    const live = (await viewer.agent.get(`/tenure-audits/${a.id}`)).text;
    expect(scoreOf(live)).toEqual(['93.95', '好']);
    expect(gepOf(live)).not.toBe(frozenGep);
    // the published page reads its snapshot: the same score and the same GEP row as when it was published
    const after = (await viewer.agent.get(url)).text;
    expect(after).toContain('预填得分：89.95 · 等次：较好');
    expect(gepOf(after)).toBe(frozenGep);
    expect(live).toContain('侯审〔2026〕3号');
  });
});

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dec } from '../../src/domain/decimal.js';
import { appraiseProject, tenureAuditPack } from '../../src/store/scenario-reports.js';
import { getProject, getTenureAudit, listProjects, listTenureAudits } from '../../src/store/scenarios.js';
import { loadCompiledSet } from '../../src/store/sets.js';
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
    const res = await reviewer.agent
      .post(`/scenarios/${p.id}/publish`)
      .type('form')
      .send({ _csrf: reviewer.csrf, alt: '方案二：紧凑布局' });
    expect(res.status).toBe(303);
    const [pub] = await t.db.query<{ content_hash: string; snapshot: { alternative: { name: string } } }>(
      'select content_hash, snapshot from scenario_publications',
    );
    expect(pub!.snapshot.alternative.name).toBe('方案二：紧凑布局');
    expect(pub!.content_hash).toMatch(/^[0-9a-f]{64}$/);
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

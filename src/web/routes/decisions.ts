/**
 * Decision uses of the accounts: township assessment (考核) on a scheme, department figures, fund
 * allocation, and their published snapshots. Reads for every role; department figures are entered by
 * editors and approved by reviewers; admins, finance officials and assessors publish results.
 */
import { Router, type Request, type Response } from 'express';
import { leavesOf, type AssessmentScheme, type Leaf } from '../../domain/assessment/index.js';
import { allocationLabels } from '../../domain/allocation/index.js';
import { Dec, formatFixed } from '../../domain/decimal.js';
import { reportCsv, reportXlsx } from '../../io/report-export.js';
import { ASSESSMENT_FOLDER, ASSESSMENT_KIND } from '../../methods/assessment.js';
import { allocationTable } from '../../report/allocation-report.js';
import { assessmentTables, townshipDetail } from '../../report/assessment-report.js';
import type { ReportTable } from '../../report/table.js';
import { figureMap } from '../../report/township-map.js';
import { listBoundaries } from '../../store/geo.js';
import { listTownships } from '../../store/regions.js';
import { approvedYears } from '../../store/accounts.js';
import {
  approveFigures,
  decisionIntact,
  getDecision,
  listDecisions,
  listFigures,
  publishDecision,
  saveFigures,
  type FigureEntry,
} from '../../store/assessment.js';
import { listDocumentRows, loadStoredDocument } from '../../store/documents.js';
import { BadRequestError, NotFoundError } from '../../store/errors.js';
import { createFund, getFund, listFunds } from '../../store/funds.js';
import { parse as parseYaml } from 'yaml';
import { actorOf, page } from '../app.js';
import { ANY_ROLE, requireRole } from '../auth.js';
import { names, runAllocation, runAssessment } from '../decisions-data.js';
import { dbOf, positiveInt, yearParam } from '../context.js';
import type { Lang } from '../i18n.js';

const PUBLISHERS = ['admin', 'finance', 'assessor'] as const;
/** A snapshot as plain JSON: decimals as exact strings (mathjs serialises a BigNumber as an object). */
const plain = (x: unknown): unknown =>
  JSON.parse(
    JSON.stringify(x, (_k, v: unknown) =>
      v && typeof v === 'object' && (v as { mathjs?: string }).mathjs === 'BigNumber'
        ? (v as { value: string }).value
        : v,
    ),
  );

async function schemes(req: Request) {
  const rows = await listDocumentRows(dbOf(req), ASSESSMENT_FOLDER);
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) latest.set(r.id, r);
  return Promise.all(
    [...latest.values()].map(async (r) => ({
      ...r,
      title: (await loadStoredDocument(dbOf(req), ASSESSMENT_KIND, r.id, r.version)).compiled.title,
    })),
  );
}

function pickYear(raw: unknown, years: number[]): number {
  const y = raw === undefined || raw === '' ? years.at(-1) : yearParam(raw);
  if (!y || !years.includes(y))
    throw new NotFoundError({
      zh: `${String(raw ?? '')} 年没有已审核的数据；可选年份：${years.join('、') || '无'}`,
      en: `no approved data for ${String(raw ?? '')}; years with data: ${years.join(', ') || 'none'}`,
    });
  return y;
}

async function sendTables(
  res: Response,
  format: string,
  tables: ReportTable[],
  lang: Lang,
  fileName: string,
  intro: string[],
) {
  if (format === 'xlsx') {
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(`${fileName}.xlsx`);
    return res.send(await reportXlsx(tables, lang, intro));
  }
  res.type('text/csv; charset=utf-8').attachment(`${fileName}.csv`);
  return res.send(reportCsv(tables, lang, intro));
}

/** The figures departments enter: every department-sourced indicator of the stored schemes, once per figure id. */
function departmentFigures(all: AssessmentScheme[]) {
  const byFigure = new Map<string, Leaf>();
  for (const s of all)
    for (const { leaf } of leavesOf(s.indicators))
      if (leaf.source.from === 'department' && !byFigure.has(leaf.source.figure))
        byFigure.set(leaf.source.figure, leaf);
  return [...byFigure.entries()].map(([figure, leaf]) => ({ figure, leaf }));
}

export function decisionRoutes() {
  const r = Router();
  const read = requireRole(...ANY_ROLE);

  r.get('/assessment', read, async (req, res) => {
    const db = dbOf(req);
    page(res, 'decisions/index', {
      title: req.lang === 'en' ? 'Assessment and funds' : '考核与资金分配',
      schemes: await schemes(req),
      years: await approvedYears(db),
      funds: (await listFunds(db)).map((f) => ({
        ...f,
        amount: new Dec(String((f.document as { amount: unknown }).amount)),
      })),
      published: await listDecisions(db),
    });
  });

  r.get('/assessment/figures', read, async (req, res) => {
    const db = dbOf(req);
    const years = await approvedYears(db);
    const year = pickYear(req.query.year, years);
    const all = await Promise.all(
      (await schemes(req)).map(
        async (s) => (await loadStoredDocument(db, ASSESSMENT_KIND, s.id, s.version)).compiled,
      ),
    );
    const { order, names: n } = await names(db);
    const specs = departmentFigures(all);
    const percent = new Set(specs.filter((x) => x.leaf.unit === '%').map((x) => x.figure));
    // shares are stored as fractions and shown (and typed) in %
    const rows = (await listFigures(db, year)).map((row) => ({
      ...row,
      shown: percent.has(row.figure) ? new Dec(row.value).times(100).toString() : row.value,
    }));
    page(res, 'decisions/figures', {
      title: req.lang === 'en' ? 'Department figures' : '部门考核数据',
      year,
      years,
      specs,
      order,
      names: n,
      stored: new Map(rows.map((row) => [`${row.township_id}|${row.figure}`, row])),
    });
  });

  r.post('/assessment/figures', requireRole('editor', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const year = yearParam(req.body.year);
    if (!year) throw new BadRequestError({ zh: '年份无效', en: 'invalid year' });
    const all = await Promise.all(
      (await schemes(req)).map(
        async (s) => (await loadStoredDocument(db, ASSESSMENT_KIND, s.id, s.version)).compiled,
      ),
    );
    const specs = new Map(departmentFigures(all).map((s) => [s.figure, s.leaf]));
    const { order } = await names(db);
    const body = req.body as Record<string, unknown>;
    const entries: FigureEntry[] = [];
    for (const t of order)
      for (const [figure, leaf] of specs) {
        const value = body[`v|${t}|${figure}`];
        if (typeof value !== 'string' || value.trim() === '') continue;
        const src = leaf.source as Extract<Leaf['source'], { from: 'department' }>;
        const evidence = body[`e|${figure}`];
        entries.push({
          township: t,
          figure,
          value: value.trim(),
          percent: leaf.unit === '%',
          department: src.department,
          evidence: typeof evidence === 'string' ? evidence.trim() : '',
        });
      }
    const n = await saveFigures(db, actorOf(req.user!), year, entries);
    res.redirect(`/assessment/figures?year=${year}&saved=${n}`);
  });

  r.post('/assessment/figures/approve', requireRole('reviewer', 'admin'), async (req, res) => {
    const year = yearParam(req.body.year);
    if (!year) throw new BadRequestError({ zh: '年份无效', en: 'invalid year' });
    const n = await approveFigures(dbOf(req), actorOf(req.user!), year);
    res.redirect(`/assessment/figures?year=${year}&approved=${n}`);
  });

  r.get('/assessment/scheme/:scheme', read, async (req, res) => {
    const db = dbOf(req);
    const year = pickYear(req.query.year, await approvedYears(db));
    const run = await runAssessment(db, String(req.params.scheme), year);
    if (!run)
      throw new NotFoundError({ zh: `${year} 年没有已审核的数据`, en: `no approved data for ${year}` });
    const format = String(req.query.format ?? '');
    if (format === 'xlsx' || format === 'csv')
      return sendTables(
        res,
        format,
        assessmentTables(run.report, run.scheme),
        req.lang,
        `assessment-${run.scheme.id}-${year}`,
        [
          `${run.scheme.title[req.lang]} · ${year}`,
          `${run.scheme.id}@${run.scheme.version} sha256 ${run.scheme.hash ?? ''}`,
        ],
      );
    // each township's total on its boundary (or the schematic), its rank in the tooltip
    const areas = new Map((await listTownships(db)).map((t) => [t.id, new Dec(t.area_km2)]));
    const map = figureMap(
      await listBoundaries(db),
      run.report.rows.map((row) => ({
        township: row.township,
        labels: row.name,
        areaKm2: areas.get(row.township) ?? new Dec(0),
        value: row.score.total,
        detail:
          row.score.rank === undefined
            ? undefined
            : { zh: `第 ${row.score.rank} 名`, en: `rank ${row.score.rank}` },
      })),
      { indicator: { zh: '考核总分', en: 'Assessment total' }, unit: 'points', lang: req.lang },
    );
    page(res, 'decisions/assessment', {
      title: `${year} ${run.scheme.title[req.lang]}`,
      run,
      map,
      year,
      years: await approvedYears(db),
      canPublish: (PUBLISHERS as readonly string[]).includes(req.user!.role),
    });
  });

  r.get('/assessment/scheme/:scheme/township/:township', read, async (req, res) => {
    const db = dbOf(req);
    const year = pickYear(req.query.year, await approvedYears(db));
    const run = await runAssessment(db, String(req.params.scheme), year);
    const detail = run && townshipDetail(run.report, String(req.params.township));
    if (!run || !detail)
      throw new NotFoundError({
        zh: `乡镇“${String(req.params.township)}”没有 ${year} 年的考核结果`,
        en: `no ${year} result for township "${String(req.params.township)}"`,
      });
    page(res, 'decisions/township', {
      title: `${detail.row.name[req.lang]} · ${run.scheme.title[req.lang]}`,
      run,
      detail,
      year,
    });
  });

  r.post('/assessment/scheme/:scheme/publish', requireRole(...PUBLISHERS), async (req, res) => {
    const db = dbOf(req);
    const year = pickYear(req.body.year, await approvedYears(db));
    const run = await runAssessment(db, String(req.params.scheme), year);
    if (!run)
      throw new NotFoundError({ zh: `${year} 年没有已审核的数据`, en: `no approved data for ${year}` });
    const id = await publishDecision(db, actorOf(req.user!), {
      kind: 'assessment',
      year,
      ref: `${run.scheme.id}@${run.scheme.version}`,
      snapshot: plain({
        title: run.scheme.title,
        scheme: run.schemeFile,
        schemeHash: run.scheme.hash,
        year,
        rows: run.report.rows.map((row) => ({
          township: row.township,
          name: row.name,
          total: row.score.total,
          rank: row.score.rank,
          grade: row.score.grade,
          previousTotal: row.previousTotal,
          indicators: row.score.indicators.map((i) => ({
            id: i.id,
            labels: i.labels,
            points: i.points,
            explanation: i.explanation.text,
          })),
        })),
        issues: run.result.issues,
      }),
    });
    res.redirect(`/decisions/${id}`);
  });

  // an administrator adds a fund by its document (YAML or JSON, format gep-ledger/fund@1), validated in full first
  r.post('/funds', requireRole('admin'), async (req, res) => {
    const text = typeof req.body.document === 'string' ? req.body.document : '';
    let raw: unknown;
    try {
      raw = parseYaml(text);
    } catch (e) {
      throw new BadRequestError({
        zh: `资金方案不是有效的 YAML/JSON：${(e as Error).message.split('\n')[0]}`,
        en: `the fund document is not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`,
      });
    }
    const id = await createFund(dbOf(req), actorOf(req.user!), raw);
    res.redirect(`/funds/${id}`);
  });

  r.get('/funds/:id', read, async (req, res) => {
    const db = dbOf(req);
    const id = positiveInt(req.params.id);
    if (!id) throw new NotFoundError({ zh: '资金不存在', en: 'no such fund' });
    const { compiled } = await getFund(db, id);
    const run = await runAllocation(db, compiled);
    // the same rule on the previous year's data: what each township's amount is expected to change by
    // (not for horizontal compensation: its monitoring results are part of the fund document, not of a year)
    const reference =
      compiled.fund.rule.kind === 'upstream_downstream'
        ? undefined
        : await runAllocation(db, compiled, compiled.fund.year - 1);
    const before =
      !reference || reference.result.issues.length
        ? undefined
        : new Map(reference.result.lines.map((l) => [l.township, l.amount]));
    const { names: n } = await names(db);
    const table = allocationTable(compiled.fund, run.result, n);
    const format = String(req.query.format ?? '');
    if (format === 'xlsx' || format === 'csv')
      return sendTables(res, format, [table], req.lang, `allocation-${id}-${compiled.fund.year}`, [
        `${compiled.fund.name[req.lang]} · ${compiled.fund.year}`,
      ]);
    page(res, 'decisions/fund', {
      title: `${compiled.fund.year} ${compiled.fund.name[req.lang]}`,
      fundId: id,
      compiled,
      run,
      names: n,
      kindLabels: allocationLabels(compiled.fund.rule.kind),
      before,
      canPublish: (PUBLISHERS as readonly string[]).includes(req.user!.role),
    });
  });

  r.post('/funds/:id/publish', requireRole(...PUBLISHERS), async (req, res) => {
    const db = dbOf(req);
    const id = positiveInt(req.params.id);
    if (!id) throw new NotFoundError({ zh: '资金不存在', en: 'no such fund' });
    const { row, compiled } = await getFund(db, id);
    const run = await runAllocation(db, compiled);
    if (run.result.issues.length || !run.result.lines.length)
      throw new BadRequestError({
        zh: '分配结果有问题，不能发布',
        en: 'the allocation has problems and cannot be published',
      });
    const published = await publishDecision(db, actorOf(req.user!), {
      kind: 'allocation',
      year: compiled.fund.year,
      ref: `fund:${id}`,
      snapshot: plain({
        title: compiled.fund.name,
        fund: row.document,
        fundHash: row.content_hash,
        assessment: run.assessment && `${run.assessment.scheme.id}@${run.assessment.scheme.version}`,
        inputs: Object.fromEntries([...run.inputs.figures].map(([t, f]) => [t, Object.fromEntries(f)])),
        lines: run.result.lines.map((l) => ({
          township: l.township,
          amount: l.amount,
          explanation: l.explanation,
        })),
        retained: run.result.retained,
        total: run.result.total,
      }),
    });
    res.redirect(`/decisions/${published}`);
  });

  r.get('/decisions/:id', read, async (req, res) => {
    const id = positiveInt(req.params.id);
    if (!id) throw new NotFoundError({ zh: '发布结果不存在', en: 'no such published result' });
    const d = await getDecision(dbOf(req), id);
    page(res, 'decisions/published', {
      title: `No. ${d.id}`,
      d,
      intact: decisionIntact(d),
      num: (x: unknown) => (x === undefined || x === null ? '—' : formatFixed(new Dec(String(x)), 2)),
    });
  });

  return r;
}

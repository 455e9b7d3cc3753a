import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import type { InputRecord, RegionAccount, TownshipAccount } from '../../domain/accounting.js';
import { parseBalanceSheetConfig } from '../../domain/balance-sheet-config.js';
import { balanceSheetConfigFor } from '../../methods/balance-sheet-config.js';
import { regionBalanceSheet } from '../../domain/balance-sheet.js';
import { traceComponent } from '../../domain/trace.js';
import type { CompiledSet } from '../../domain/model.js';
import { Dec, sum } from '../../domain/decimal.js';
import type { Labels } from '../../methods/schema.js';
import { reportCsv, reportXlsx, summedParts } from '../../io/report-export.js';
import { balanceSheetReport } from '../../report/balance-sheet.js';
import { changeChart, compositionChart, productHeatMap, rankingBarChart } from '../../report/charts.js';
import { comparisonReport, type RankingRow } from '../../report/comparison.js';
import { comparisonTables } from '../../report/comparison-tables.js';
import {
  chartedComparison,
  distribution,
  pageOf,
  SUMMARY_N,
  TABLE_PAGE_SIZE,
  townshipRowsPage,
} from '../../report/comparison-summary.js';
import { esvReport } from '../../report/esv-report.js';
import { geepReport } from '../../report/geep-report.js';
import { COMPONENT_STATUS_LABELS, gepReport, TOTAL_SCOPE } from '../../report/gep-report.js';
import { summaryReport } from '../../report/summary.js';
import { scopeWarnings } from '../../report/plausibility.js';
import { loadPlausibilityIfAny } from '../../methods/plausibility.js';
import type { PlausibilityRules } from '../../domain/plausibility.js';
import type { ReportRow, ReportTable } from '../../report/table.js';
import { METHOD_LABELS } from '../../report/price-list.js';
import {
  accountYear,
  approvedYearCounts,
  comparablePrevious,
  completeYears,
  inBothYears,
  transitionsBetween,
  type YearAccounts,
} from '../../store/accounts.js';
import { ConflictError, NotFoundError, ValidationError } from '../../store/errors.js';
import {
  checkPublished,
  getPublished,
  listPublished,
  publishReport,
  PUBLISHABLE,
  type ReportKind,
} from '../../store/published.js';
import { listBoundaries, type Boundary } from '../../store/geo.js';
import { comparisonMap, mapAreas, mapOptions, townshipGeoJson } from '../../report/township-map.js';
import { choropleth } from '../../report/charts/choropleth.js';
import { featureCollectionToGeoPackage } from '../../io/geo/geopackage.js';
import { getRegion, listTownships, type Township } from '../../store/regions.js';
import { getSettings } from '../../store/settings.js';
import { loadCompiledSet } from '../../store/sets.js';
import { actorOf, page } from '../app.js';
import { ANY_ROLE, requireRole } from '../auth.js';
import { dbOf, positiveInt, yearParam } from '../context.js';
import { pick, type Lang } from '../i18n.js';
import { renderPdf } from '../pdf.js';
import type { Settings } from '../../store/settings.js';
import { APP_VERSION } from '../../app-version.js';
import { FIXED_ENGINE } from '../../domain/fixed.js';
import { dataVersion, memoByVersion } from '../../store/version.js';
import { reportCache, ROW_BYTES, TOWNSHIP_BYTES } from '../report-cache.js';
import { ROOT } from '../../paths.js';

const COEFFICIENTS_DIR = join(ROOT, 'coefficients');
/** The plausibility document (a versioned file of the release), read once per process: when the routes are made. */
let plausibility: { rules?: PlausibilityRules } | undefined;
const plausibilityRules = () => (plausibility ??= { rules: loadPlausibilityIfAny(COEFFICIENTS_DIR) }).rules;

interface Ctx {
  set: CompiledSet;
  profile: string;
  years: number[];
  /** Years every township has approved: the default a report opens on. */
  completeYears: number[];
  townships: Township[];
  regionLabels: Labels;
  labelsOf: (scope: string) => Labels;
  /** Township boundaries (lon/lat) for the maps; empty when none are loaded. */
  boundaries: Boundary[];
}

/** The data version of the request (read once by the app), behind which per-request queries are kept. */
const versionOf = async (req: Request) =>
  (req.res?.locals.dataVersion as string | undefined) ?? dataVersion(dbOf(req));

async function context(req: Request): Promise<Ctx> {
  const db = dbOf(req);
  const version = await versionOf(req);
  const memo = <T>(key: string, load: () => Promise<T>) => memoByVersion(db, version, key, load);
  const settings = await memo('settings', () => getSettings(db));
  const [set, approved, townships, region] = await Promise.all([
    memo(`set|${settings.activeSet.id}@${settings.activeSet.version}`, () =>
      loadCompiledSet(db, settings.activeSet.id, settings.activeSet.version),
    ),
    approvedYearCounts(db, version),
    memo('townships', () => listTownships(db)),
    memo('region', () => getRegion(db)),
  ]);
  const years = approved.map((y) => y.year);
  const complete = completeYears(approved, townships.length);
  const boundaries = await listBoundaries(db);
  const regionLabels = { zh: region?.name_zh ?? '全县', en: region?.name_en ?? 'County' };
  const byId = new Map(townships.map((t) => [t.id, { zh: t.name_zh, en: t.name_en }]));
  return {
    boundaries,
    set,
    profile: settings.profile,
    years,
    completeYears: complete,
    townships,
    regionLabels,
    labelsOf: (scope) =>
      scope === TOTAL_SCOPE ? regionLabels : (byId.get(scope) ?? { zh: scope, en: scope }),
  };
}

function pickYear(ctx: Ctx, raw: unknown, fallback = ctx.completeYears.at(-1) ?? ctx.years.at(-1)): number {
  const y = raw === undefined || raw === '' ? fallback : yearParam(raw);
  if (!ctx.years.length)
    throw new NotFoundError({
      zh: '尚无已审核的数据：报告在填报数据经审核通过后生成',
      en: 'no approved data yet: reports are made from approved survey data',
    });
  if (!y || !ctx.years.includes(y))
    throw new NotFoundError({
      zh: `${String(raw ?? '')} 年没有已审核的数据；可选年份：${ctx.years.join('、') || '无'}`,
      en: `no approved data for ${String(raw ?? '')}; years with data: ${ctx.years.join(', ') || 'none'}`,
    });
  return y;
}

function pickScope(ctx: Ctx, raw: unknown): string {
  const s = typeof raw === 'string' && raw ? raw : TOTAL_SCOPE;
  if (s !== TOTAL_SCOPE && !ctx.townships.some((t) => t.id === s))
    throw new NotFoundError({ zh: `乡镇"${s}"不存在`, en: `no township "${s}"` });
  return s;
}

async function mustAccount(req: Request, ctx: Ctx, year: number): Promise<YearAccounts> {
  const db = dbOf(req);
  const a = await memoByVersion(
    db,
    await versionOf(req),
    `accounts|${ctx.set.hash}|${ctx.profile}|${year}`,
    () => accountYear(db, ctx.set, ctx.profile, year),
  );
  if (!a) throw new NotFoundError({ zh: `${year} 年没有已审核的数据`, en: `no approved data for ${year}` });
  return a;
}

/** The accounts, totals and records of one scope: a township or the whole county. */
function scopeOf(
  a: YearAccounts,
  scope: string,
): { accounts: TownshipAccount[]; totals: RegionAccount | TownshipAccount; records: InputRecord[] } {
  if (scope === TOTAL_SCOPE)
    return { accounts: [...a.region.townships], totals: a.region, records: [...a.records] };
  const account = a.region.townships.find((t) => t.township === scope);
  if (!account)
    throw new NotFoundError({
      zh: `该乡镇 ${a.year} 年没有已审核的数据`,
      en: `no approved data for this township in ${a.year}`,
    });
  return { accounts: [account], totals: account, records: a.records.filter((r) => r.township === scope) };
}

const sumDefined = (values: readonly (string | undefined)[]) => {
  const present = values.filter((v): v is string => !!v);
  return present.length ? sum(present.map((v) => new Dec(v))) : undefined;
};

const townshipLabels = (ctx: Ctx) =>
  ctx.townships.map((t) => ({ id: t.id, labels: { zh: t.name_zh, en: t.name_en } }));

/** Sends the report as HTML, XLSX, CSV or PDF, as the format parameter asks. */
async function respond(
  req: Request,
  res: Response,
  view: string,
  data: Record<string, unknown> & {
    title: string;
    tables: readonly ReportTable[];
    intro: string[];
    fileName: string;
  },
) {
  const format = String(req.query.format ?? 'html');
  const lang = req.lang as Lang;
  if (format === 'xlsx' || format === 'csv') data = { ...data, intro: officialIntro(res, data.intro, lang) };
  if (format === 'xlsx') {
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(`${data.fileName}.xlsx`);
    return res.send(await reportXlsx(data.tables, lang, data.intro));
  }
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8').attachment(`${data.fileName}.csv`);
    return res.send(reportCsv(data.tables, lang, data.intro));
  }
  if (format === 'pdf') {
    const html = await new Promise<string>((resolve, reject) =>
      res.render(view, { ...res.locals, ...data, printing: true }, (err, body) =>
        err
          ? reject(err)
          : res.render('layout', { ...res.locals, body, title: data.title, printing: true }, (e, h) =>
              e ? reject(e) : resolve(h),
            ),
      ),
    );
    const pdf = await renderPdf(html);
    res.type('application/pdf').attachment(`${data.fileName}.pdf`);
    return res.send(pdf);
  }
  if (format !== 'html')
    throw new ValidationError([
      {
        field: 'format',
        message: { zh: '格式应为 xlsx、csv 或 pdf', en: 'format must be xlsx, csv or pdf' },
      },
    ]);
  page(res, view, data);
}

/**
 * The lines an official table starts with: its title, 编制单位 (a setting; the county's name by default),
 * 编制日期 and 数据来源; times in the county's time zone (a setting).
 */
function officialIntro(res: Response, intro: readonly string[], lang: Lang): string[] {
  const settings = res.locals.ledgerSettings as Settings;
  const region = res.locals.region as { name_zh: string; name_en: string } | undefined;
  const compiler = settings.compiler || (region ? (lang === 'en' ? region.name_en : region.name_zh) : '');
  const sep = lang === 'en' ? ': ' : '：';
  const localTime = res.locals.localTime as (d: string) => string;
  const [title, ...rest] = intro;
  return [
    title ?? '',
    `${lang === 'en' ? 'Compiled by' : '编制单位'}${sep}${compiler}`,
    `${lang === 'en' ? 'Date' : '编制日期'}${sep}${(res.locals.localDate as (d: Date) => string)(new Date())}`,
    `${lang === 'en' ? 'Source' : '数据来源'}${sep}${lang === 'en' ? 'approved survey data of the townships' : '各乡镇经审核的填报数据'}`,
    ...rest.map((l) =>
      l.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, (iso) => `${localTime(iso)} (${settings.timeZone})`),
    ),
  ];
}

const introLines = (ctx: Ctx, title: string, lang: Lang, extra: string[] = []) => [
  title,
  `${lang === 'en' ? 'Coefficient set' : '核算参数集'}: ${ctx.set.id}@${ctx.set.version} (sha256 ${ctx.set.hash.slice(0, 12)}), ${ctx.profile}`,
  ...extra,
  `${lang === 'en' ? 'Generated' : '生成时间'}: ${new Date().toISOString()} · GEP Ledger ${APP_VERSION} · ${lang === 'en' ? 'engine' : '核算引擎'} ${FIXED_ENGINE}`,
];

/**
 * Where a report row's figure is explained: a component (or one land class of it) opens its trace; a
 * subtotal or total that is exactly the sum of the rows below it opens that list of parts.
 */
function traceLink(year: number, table: ReportTable) {
  const index = new Map(table.rows.map((r, i) => [r.key, i]));
  return (r: ReportRow) => {
    const [scope, component, landClass] = r.key.split('|');
    if (!scope || !component) return undefined;
    const q = new URLSearchParams({ year: String(year), township: scope });
    if (r.isTotal || component === 'category' || component === 'product') {
      if (!summedParts(table.rows, index.get(r.key)!, 'value')) return undefined;
      q.set('key', r.key);
      return `/reports/parts?${q}`;
    }
    q.set('component', component);
    if (landClass) q.set('class', landClass);
    return `/reports/trace?${q}`;
  };
}

const balanceSheetTables = (report: ReturnType<typeof balanceSheetReport>) => [
  report.extent,
  ...(report.transitionMatrix ? [report.transitionMatrix] : []),
  report.stocks,
  report.serviceValues,
  report.assetsAndLiabilities,
];

/** The report-model cache of the request's database at its data version. */
const modelsOf = async (req: Request) => reportCache(dbOf(req), await versionOf(req));

/** A report model kept in the report cache by `key` (its kind and parameters) and the set and profile in use. */
async function keptModel<T>(
  req: Request,
  ctx: Ctx,
  key: string,
  bytes: (model: T) => number,
  make: () => T | Promise<T>,
): Promise<T> {
  return (await modelsOf(req)).memo(`${key}|${ctx.set.hash}|${ctx.profile}`, bytes, make);
}

/** The GEP report of a year and scope with its summary, kept by content (report-cache.ts). */
async function gepFor(req: Request, ctx: Ctx, year: number, scope: string) {
  return keptModel(
    req,
    ctx,
    `gep|${year}|${scope}`,
    (m) => (m.report.value.rows.length + m.report.physical.rows.length) * ROW_BYTES + 50 * ROW_BYTES,
    () => makeGep(req, ctx, year, scope),
  );
}

async function makeGep(req: Request, ctx: Ctx, year: number, scope: string) {
  const now = await mustAccount(req, ctx, year);
  const before = ctx.years.includes(year - 1) ? await mustAccount(req, ctx, year - 1) : undefined;
  const cur = scopeOf(now, scope);
  const base = scope === TOTAL_SCOPE ? comparablePrevious(now, before) : before;
  const prev =
    base && (scope === TOTAL_SCOPE || base.region.townships.some((t) => t.township === scope))
      ? scopeOf({ ...base, year: year - 1, rows: [], missing: [] }, scope)
      : undefined;
  const scopeLabels = ctx.labelsOf(scope);
  const summary = summaryReport({
    set: ctx.set,
    profile: ctx.profile,
    scope,
    scopeLabels,
    current: { totals: cur.totals, records: cur.records, year },
    previous: prev && { totals: prev.totals, records: prev.records, year: year - 1 },
    plausibility: plausibilityRules(),
    warnings: scopeWarnings(
      plausibilityRules(),
      ctx.set,
      cur.totals,
      cur.records,
      scope === TOTAL_SCOPE ? 'region' : 'township',
    ),
  });
  const report = gepReport({
    set: ctx.set,
    scope,
    scopeLabels,
    accounts: cur.accounts,
    totals: cur.totals,
    records: cur.records,
    previousGep: prev?.totals.gepNet,
  });
  return { now, summary, report };
}

/** A township report needs the township's approved account of the year: a clear 404 otherwise. */
function inScope(now: YearView, scope: string) {
  if (scope !== TOTAL_SCOPE && !now.region.townships.some((t) => t.township === scope))
    throw new NotFoundError({
      zh: `该乡镇 ${now.year} 年没有已审核的数据`,
      en: `no approved data for this township in ${now.year}`,
    });
}

const comparable = (now: YearView, before: YearView): YearView | undefined => {
  const base = comparablePrevious(now, before);
  return base && { ...base, year: before.year };
};

/** One accounted year, live or re-run from a published snapshot. */
interface YearView {
  readonly year: number;
  readonly region: RegionAccount;
  readonly records: readonly InputRecord[];
}

function geepView(ctx: Ctx, set: CompiledSet, now: YearView, latest?: YearView, scope = TOTAL_SCOPE) {
  const before = latest && comparable(now, latest);
  inScope(now, scope);
  const report = geepReport({
    scope,
    set,
    region: now.region,
    records: now.records,
    townships: townshipLabels(ctx),
    previous: before && { region: before.region, records: before.records },
    totalLabels: ctx.regionLabels,
  });
  return { report, tables: [report.table] };
}

/** The GEEP report and, for the page, what it shows of it (shownPage). */
function geepPage(req: Request, view: ReturnType<typeof geepView>) {
  const { tables, pager } = shownPage(req, view.tables);
  return { ...view, shown: { ...view.report, table: tables[0]! }, pager };
}

/** The ESV report and, for the page, what it shows of it (shownPage). */
function esvPage(req: Request, view: ReturnType<typeof esvView>) {
  const { tables, pager } = shownPage(req, view.tables);
  const [byGroup, byService, byType, gepVsEsv] = tables as [
    ReportTable,
    ReportTable,
    ReportTable,
    ReportTable,
  ];
  return { ...view, shown: { ...view.report, byGroup, byService, byType, gepVsEsv }, pager };
}

/** The county GEP report's map: each township's net GEP on its boundary. */
const netGepMap = (ctx: Ctx, region: RegionAccount, lang: Lang) =>
  choropleth(
    mapAreas(ctx.boundaries, ctx.labelsOf, new Map(region.townships.map((a) => [a.township, a.gepNet]))),
    { indicator: { zh: 'GEP（净值）', en: 'Net GEP' }, unit: 'yi_yuan', lang },
  );

/** Every township's figures on its boundary, as GeoJSON features (for the GIS exports): no charts drawn. */
async function townshipFeatures(req: Request) {
  const ctx = await context(req);
  if (!ctx.boundaries.length)
    throw new NotFoundError({ zh: '尚未导入乡镇边界', en: 'no township boundaries are loaded' });
  const year = pickYear(ctx, req.query.year);
  const now = await mustAccount(req, ctx, year);
  const report = comparisonReport({
    set: ctx.set,
    region: now.region,
    records: now.records,
    townships: townshipLabels(ctx),
    profile: ctx.profile,
    totalLabels: ctx.regionLabels,
  });
  const doc = townshipGeoJson(report, ctx.boundaries, ctx.labelsOf, {
    year,
    set: `${ctx.set.id}@${ctx.set.version}`,
  });
  return { year, doc };
}

/** Where the township picked stands in a ranking's paged table: its row and the page it is on. */
function pickedRow(rows: readonly RankingRow[], township?: string) {
  const at = township === undefined ? -1 : rows.findIndex((r) => r.township === township);
  return at < 0 ? undefined : { row: rows[at]!, page: Math.floor(at / TABLE_PAGE_SIZE) + 1 };
}

/** The comparison model of a year (against an earlier one), without charts: what every language and page share. */
function comparisonOf(ctx: Ctx, set: CompiledSet, now: YearView, latest?: YearView) {
  const before = latest && comparable(now, latest);
  const report = comparisonReport({
    set,
    region: now.region,
    records: now.records,
    townships: townshipLabels(ctx),
    previous: before?.region,
    previousRecords: before?.records,
    profile: ctx.profile,
    totalLabels: ctx.regionLabels,
  });
  return { before, report };
}

function compareView(
  ctx: Ctx,
  set: CompiledSet,
  lang: Lang,
  now: YearView,
  latest?: YearView,
  mapOption = 'gep_per_km2',
  highlight?: string,
  /** The page of the ranking tables asked for; without, each opens on the page of the township picked. */
  page?: number,
  made: ReturnType<typeof comparisonOf> = comparisonOf(ctx, set, now, latest),
) {
  const { before, report } = made;
  // a large region's charts summarise (first and last N, quantiles) and its tables are paged; exports keep all
  const charted = chartedComparison(report);
  const summarised = charted !== report;
  // the township picked on the page is outlined in every chart
  const o = { lang, highlight };
  const charts = {
    rankings: report.rankings.map((full, i) => {
      const rk = charted.rankings[i]!;
      const picked = pickedRow(full.rows, highlight);
      return {
        ranking: rk,
        svg: rankingBarChart(rk, o),
        full,
        table: pageOf(full.rows, page ?? picked?.page ?? 1),
        picked,
        distribution: summarised ? distribution(full) : undefined,
      };
    }),
    summary: summarised ? { townships: report.composition.length, n: SUMMARY_N } : undefined,
    composition: compositionChart(charted.composition, o),
    heatMap: productHeatMap(charted.productMatrix, o),
    change:
      charted.change && before
        ? changeChart(charted.change, { previous: before.year, current: now.year }, o)
        : undefined,
    map: comparisonMap(report, ctx.boundaries, ctx.labelsOf, mapOption, lang, highlight),
  };
  return { report, charts, tables: comparisonTables(report), mapOptions: mapOptions(report), mapOption };
}

function esvView(ctx: Ctx, set: CompiledSet, now: YearView, scope = TOTAL_SCOPE) {
  if (!set.equivalentFactor)
    throw new ConflictError({
      zh: '当前参数集没有当量因子表',
      en: 'the set in use has no equivalent-factor table',
    });
  inScope(now, scope);
  const report = esvReport({
    scope,
    set,
    region: now.region,
    records: now.records,
    townships: townshipLabels(ctx),
    totalLabels: ctx.regionLabels,
  });
  return { report, tables: [report.byGroup, report.byService, report.byType, report.gepVsEsv] };
}

/** The link to page n of what the request shows, its other parameters kept. */
const pageHref = (req: Request) => (n: number) => {
  const q = new URLSearchParams(req.query as Record<string, string>);
  q.set('page', String(n));
  return `?${q.toString()}`;
};

/** The tables' township rows a page at a time on a large region's page (townshipRowsPage), with its pager. */
function shownPage(req: Request, tables: readonly ReportTable[]) {
  const shown = townshipRowsPage(tables, Number(req.query.page ?? 1));
  return {
    tables: shown.tables,
    pager: shown.page && { page: shown.page, href: pageHref(req), size: TABLE_PAGE_SIZE },
  };
}

export function reportRoutes() {
  // configuration is read at boot, not by the first report request (≈ 40 ms of YAML)
  plausibilityRules();
  const r = Router();
  const viewers = requireRole(...ANY_ROLE);

  r.get('/reports', viewers, async (req, res) => {
    const ctx = await context(req);
    page(res, 'reports/index', {
      title: res.locals.t('nav_reports'),
      ctx,
      published: await listPublished(dbOf(req)),
    });
  });

  r.get('/reports/gep', viewers, async (req, res) => {
    const ctx = await context(req);
    const year = pickYear(ctx, req.query.year);
    const scope = pickScope(ctx, req.query.township);
    const { summary, report, now } = await gepFor(req, ctx, year, scope);
    const title = `${pick(req.lang, ctx.labelsOf(scope))} ${year} ${req.lang === 'en' ? 'GEP account' : '年生态系统生产总值（GEP）核算报告'}`;
    await respond(req, res, 'reports/gep', {
      title,
      ctx,
      year,
      scope,
      summary,
      report,
      missing: scope === TOTAL_SCOPE ? now.missing : [],
      traceHref: traceLink(year, report.value),
      tables: [report.value, report.physical],
      intro: introLines(ctx, title, req.lang),
      fileName: `gep-${scope}-${year}`,
      // the county report maps each township's net GEP on its boundary (when boundaries are loaded)
      map: scope === TOTAL_SCOPE && ctx.boundaries.length ? netGepMap(ctx, now.region, req.lang) : undefined,
    });
  });

  // a subtotal's explanation: the figures it adds up, each with its own link
  r.get('/reports/parts', viewers, async (req, res) => {
    const ctx = await context(req);
    const year = pickYear(ctx, req.query.year);
    const scope = pickScope(ctx, req.query.township);
    const { report, summary } = await gepFor(req, ctx, year, scope);
    const rows = report.value.rows;
    const index = rows.findIndex((x) => x.key === req.query.key);
    const parts = index < 0 ? undefined : summedParts(rows, index, 'value');
    if (!parts)
      throw new NotFoundError({ zh: '该数字不是其下各项之和', en: 'this figure is not a sum of parts' });
    const table: ReportTable = {
      ...report.value,
      rows: [rows[index]!, ...parts.map((i) => ({ ...rows[i]!, level: 1 }))],
    };
    page(res, 'reports/parts', {
      title: `${pick(req.lang, rows[index]!.labels)} · ${pick(req.lang, ctx.labelsOf(scope))} ${year}`,
      ctx,
      table,
      traceHref: traceLink(year, report.value),
      row: rows[index]!,
      // the GEP total's explanation also says where it lies against published accounts
      warnings: rows[index]!.key === `${scope}|gep` ? summary.warnings : undefined,
    });
  });

  r.get('/reports/trace', viewers, async (req, res) => {
    const ctx = await context(req);
    const year = pickYear(ctx, req.query.year);
    const scope = pickScope(ctx, req.query.township);
    const component = String(req.query.component ?? '');
    const landClass = typeof req.query.class === 'string' && req.query.class ? req.query.class : undefined;
    const model = ctx.set.components.find((c) => c.id === component);
    if (!model)
      throw new NotFoundError({ zh: `核算项"${component}"不存在`, en: `no component "${component}"` });
    const now = await mustAccount(req, ctx, year);
    const accounts = scopeOf(now, scope).accounts;
    // a county figure lists its townships a page at a time: 1,000 traces on one page would not be read
    const tracePage = pageOf(accounts, Number(req.query.page ?? 1));
    let traces;
    try {
      traces = tracePage.rows.map((a) => ({
        township: a.township,
        trace: traceComponent(ctx.set, a, component, landClass),
      }));
    } catch (e) {
      throw new NotFoundError({ zh: (e as Error).message, en: (e as Error).message });
    }
    page(res, 'reports/trace', {
      title: `${pick(req.lang, model.labels)} · ${pick(req.lang, ctx.labelsOf(scope))} ${year}`,
      ctx,
      year,
      scope,
      model,
      landClass,
      traces,
      tracePage,
      traceHref: (n: number) => {
        const q = new URLSearchParams(Object.entries(req.query).map(([k, v]) => [k, String(v)]));
        q.set('page', String(n));
        return `/reports/trace?${q.toString()}`;
      },
      statusLabels: COMPONENT_STATUS_LABELS,
      // a county figure is the sum of its townships' figures, each traced below
      total:
        scope === TOTAL_SCOPE
          ? sumDefined(
              accounts.map((a) => {
                const c = a.components.find((x) => x.component.id === component);
                return (landClass ? c?.valueByClass?.get(landClass) : c?.value)?.toString();
              }),
            )
          : undefined,
      methodLabel: METHOD_LABELS[model.product.method],
    });
  });

  r.get('/reports/balance-sheet', viewers, async (req, res) => {
    const ctx = await context(req);
    const to = pickYear(ctx, req.query.to);
    const from = pickYear(ctx, req.query.from, ctx.years.filter((y) => y < to).at(-1));
    if (from >= to)
      throw new ValidationError([
        {
          field: 'from',
          message: { zh: '期初年份须早于期末年份', en: 'the opening year must come before the closing year' },
        },
      ]);
    const scope = pickScope(ctx, req.query.township);
    const db = dbOf(req);
    const [opening, closing] = [await mustAccount(req, ctx, from), await mustAccount(req, ctx, to)];
    const { config, both, sheets } = await keptModel(
      req,
      ctx,
      `balance|${from}|${to}`,
      (m) => (m.sheets.townships.length + 1) * TOWNSHIP_BYTES * 4,
      async () => {
        const { raw, source } = balanceSheetConfigFor(ctx.set);
        const config = parseBalanceSheetConfig(raw, ctx.set, source);
        const both = inBothYears(opening, closing);
        const sheets = regionBalanceSheet({
          set: ctx.set,
          config,
          opening: both.opening,
          closing: both.closing,
          transitions: await transitionsBetween(db, from, to),
        });
        return { config, both, sheets };
      },
    );
    const sheet = scope === TOTAL_SCOPE ? sheets.total : sheets.townships.find((s) => s.scope === scope);
    if (!sheet)
      throw new NotFoundError({
        zh: '该乡镇没有两年的已审核数据',
        en: 'this township lacks approved data for both years',
      });
    const report = balanceSheetReport(ctx.set, sheet, ctx.labelsOf(scope));
    const title = `${pick(req.lang, ctx.labelsOf(scope))} ${from}–${to} ${req.lang === 'en' ? 'natural resource asset balance sheet' : '自然资源资产负债表'}`;
    const tables = balanceSheetTables(report);
    await respond(req, res, 'reports/balance-sheet', {
      title,
      ctx,
      from,
      to,
      scope,
      report,
      config,
      regionChecks: scope === TOTAL_SCOPE ? sheets.checks : [],
      missing: ctx.townships.filter((t) => both.missing.includes(t.id)),
      tables,
      intro: introLines(ctx, title, req.lang),
      fileName: `balance-sheet-${scope}-${from}-${to}`,
    });
  });

  r.get('/reports/geep', viewers, async (req, res) => {
    const ctx = await context(req);
    const year = pickYear(ctx, req.query.year);
    const now = await mustAccount(req, ctx, year);
    const before = ctx.years.includes(year - 1) ? await mustAccount(req, ctx, year - 1) : undefined;
    const scope = pickScope(ctx, req.query.township);
    const title = `${pick(req.lang, ctx.labelsOf(scope))} ${year} ${req.lang === 'en' ? 'GEEP report' : '年经济生态生产总值（GEEP）核算'}`;
    await respond(req, res, 'reports/geep', {
      title,
      ctx,
      year,
      scope,
      previousYear: before?.year,
      missing: scope === TOTAL_SCOPE ? now.missing : [],
      ...geepPage(
        req,
        await keptModel(
          req,
          ctx,
          `geep|${year}|${before?.year ?? ''}|${scope}`,
          (v) => v.report.rows.length * TOWNSHIP_BYTES,
          () => geepView(ctx, ctx.set, now, before, scope),
        ),
      ),
      intro: introLines(ctx, title, req.lang),
      fileName: scope === TOTAL_SCOPE ? `geep-${year}` : `geep-${scope}-${year}`,
    });
  });

  r.get('/reports/compare', viewers, async (req, res) => {
    const ctx = await context(req);
    const year = pickYear(ctx, req.query.year);
    const previousYear = req.query.previous
      ? pickYear(ctx, req.query.previous)
      : ctx.years.filter((y) => y < year).at(-1);
    if (previousYear !== undefined && previousYear >= year)
      throw new ValidationError([
        {
          field: 'previous',
          message: {
            zh: `对比年份（${previousYear}）须早于核算年份（${year}）`,
            en: `the year compared with (${previousYear}) must come before the year (${year})`,
          },
        },
      ]);
    const now = await mustAccount(req, ctx, year);
    const before = previousYear ? await mustAccount(req, ctx, previousYear) : undefined;
    const made = await keptModel(
      req,
      ctx,
      `compare|${year}|${previousYear ?? ''}`,
      (m) => m.report.composition.length * TOWNSHIP_BYTES,
      () => comparisonOf(ctx, ctx.set, now, before),
    );
    const title = `${pick(req.lang, ctx.regionLabels)} ${year} ${req.lang === 'en' ? 'township comparison' : '年乡镇GEP比较'}`;
    // the township picker: that township is outlined in every chart and marked in every table
    const picked = pickScope(ctx, req.query.township);
    const highlight = picked === TOTAL_SCOPE ? undefined : picked;
    await respond(req, res, 'reports/compare', {
      title,
      ctx,
      year,
      previousYear,
      highlight,
      missing: now.missing,
      ...compareView(
        ctx,
        ctx.set,
        req.lang,
        now,
        before,
        String(req.query.map ?? 'gep_per_km2'),
        highlight,
        req.query.page === undefined ? undefined : Number(req.query.page),
        made,
      ),
      pageHref: pageHref(req),
      intro: introLines(ctx, title, req.lang),
      fileName: `comparison-${year}`,
    });
  });

  // GIS export: per-township results on the boundaries, every figure an attribute
  r.get('/reports/townships.geojson', viewers, async (req, res) => {
    const { year, doc } = await townshipFeatures(req);
    res.type('application/geo+json').attachment(`gep-townships-${year}.geojson`).send(JSON.stringify(doc));
  });
  // the same as a GeoPackage (one table gep_townships_<year>, EPSG:4490), which QGIS opens as a layer
  r.get('/reports/townships.gpkg', viewers, async (req, res) => {
    const { year, doc } = await townshipFeatures(req);
    const bytes = await featureCollectionToGeoPackage(doc);
    res
      .type('application/geopackage+sqlite3')
      .attachment(`gep-townships-${year}.gpkg`)
      .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  });

  r.get('/reports/esv', viewers, async (req, res) => {
    const ctx = await context(req);
    const year = pickYear(ctx, req.query.year);
    const now = await mustAccount(req, ctx, year);
    const scope = pickScope(ctx, req.query.township);
    const title = `${pick(req.lang, ctx.labelsOf(scope))} ${year} ${req.lang === 'en' ? 'ecosystem service value (equivalent factors)' : '年生态系统服务价值（当量因子法）'}`;
    await respond(req, res, 'reports/esv', {
      title,
      ctx,
      year,
      scope,
      missing: scope === TOTAL_SCOPE ? now.missing : [],
      ...esvPage(
        req,
        await keptModel(
          req,
          ctx,
          `esv|${year}|${scope}`,
          (v) => v.report.scopes.length * TOWNSHIP_BYTES,
          () => esvView(ctx, ctx.set, now, scope),
        ),
      ),
      intro: introLines(ctx, title, req.lang),
      fileName: scope === TOTAL_SCOPE ? `esv-${year}` : `esv-${scope}-${year}`,
    });
  });

  r.post('/reports/publish', requireRole('admin', 'reviewer', 'finance'), async (req, res) => {
    const ctx = await context(req);
    const year = pickYear(ctx, req.body.year);
    const scope = pickScope(ctx, req.body.township);
    const kind = String(req.body.kind ?? 'gep') as ReportKind;
    if (!PUBLISHABLE.includes(kind))
      throw new ValidationError([
        { field: 'kind', message: { zh: '报告类型无效', en: 'invalid report kind' } },
      ]);
    // publishing is an act of the bureau: it names the title and the 文号, and is confirmed
    const title = String(req.body.title ?? '').trim();
    const docNumber = String(req.body.docNumber ?? '').trim();
    const asked = [
      ...(title && title.length <= 120
        ? []
        : [
            {
              field: 'title',
              message: {
                zh: '请填写报告标题（120 字以内）',
                en: 'enter the report title (up to 120 characters)',
              },
            },
          ]),
      ...(docNumber && docNumber.length <= 60
        ? []
        : [
            {
              field: 'docNumber',
              message: { zh: '请填写文号（如 侯环〔2026〕12号）', en: 'enter the document number (文号)' },
            },
          ]),
      ...(req.body.confirm === 'on'
        ? []
        : [
            {
              field: 'confirm',
              message: {
                zh: '请勾选确认发布：发布后报告冻结，不能修改',
                en: 'tick the confirmation: a published report is frozen for good',
              },
            },
          ]),
    ];
    if (asked.length) throw new ValidationError(asked);
    const balanceSheet = kind === 'balance_sheet';
    const id = await publishReport(dbOf(req), actorOf(req.user!), ctx.set, ctx.profile, {
      kind,
      scope,
      year,
      compareYear: balanceSheet || req.body.from ? pickYear(ctx, req.body.from) : undefined,
      balanceSheetConfig: balanceSheet ? balanceSheetConfigFor(ctx.set).raw : undefined,
      appVersion: APP_VERSION,
      title,
      docNumber,
    });
    res.redirect(303, `/reports/published/${id}`);
  });

  r.get('/reports/published/:id', viewers, async (req, res) => {
    const db = dbOf(req);
    const ctx = await context(req);
    const published = await getPublished(db, positiveInt(req.params.id) ?? 0);
    const current = await loadCompiledSet(db, published.set_id, published.set_version).catch(() => undefined);
    const check = await checkPublished(db, published, current);
    const scope = published.scope;
    const kindLabels: Record<ReportKind, [string, string]> = {
      gep: ['GEP核算报告', 'GEP account'],
      balance_sheet: ['自然资源资产负债表', 'balance sheet'],
      geep: ['GEEP核算', 'GEEP report'],
      comparison: ['乡镇比较', 'township comparison'],
      esv: ['当量因子法核算', 'equivalent-factor ESV'],
    };
    const kindLabel = kindLabels[published.kind][req.lang === 'en' ? 1 : 0];
    const title = `${req.lang === 'en' ? 'Published report' : '已发布报告'} No. ${published.id} · ${kindLabel}`;
    const intro = [title, `sha256 ${published.content_hash}`, `${published.set_id}@${published.set_version}`];
    const s = published.snapshot;
    // its map is drawn on the boundaries frozen in the snapshot, never on those loaded since
    const frozen: Ctx = { ...ctx, boundaries: s.boundaries?.townships ?? [] };
    if (published.kind === 'balance_sheet' && check.opening && s.opening) {
      const config = parseBalanceSheetConfig(s.balanceSheetConfig, check.set, `report ${published.id}`);
      const both = inBothYears(check.opening, check);
      const sheets = regionBalanceSheet({ set: check.set, config, ...both, transitions: s.transitions });
      const sheet = scope === TOTAL_SCOPE ? sheets.total : sheets.townships.find((x) => x.scope === scope);
      if (!sheet)
        throw new NotFoundError({
          zh: '快照中该乡镇没有两年的数据',
          en: 'the snapshot lacks this township in one year',
        });
      const report = balanceSheetReport(check.set, sheet, ctx.labelsOf(scope));
      return respond(req, res, 'reports/published', {
        title,
        ctx,
        published,
        check,
        balanceSheet: { report, config, regionChecks: scope === TOTAL_SCOPE ? sheets.checks : [] },
        tables: balanceSheetTables(report),
        intro,
        fileName: `published-${published.id}`,
      });
    }
    const now = { year: s.year, region: check.region, records: check.records };
    const before = check.opening &&
      s.opening && { year: s.opening.year, region: check.opening.region, records: check.opening.records };
    const body =
      published.kind === 'geep'
        ? geepView(ctx, check.set, now, before, scope)
        : published.kind === 'comparison'
          ? {
              ...compareView(
                frozen,
                check.set,
                req.lang,
                now,
                before,
                String(req.query.map ?? 'gep_per_km2'),
              ),
              previousYear: before?.year,
              year: s.year,
            }
          : published.kind === 'esv'
            ? esvView(ctx, check.set, now, scope)
            : undefined;
    if (body)
      return respond(req, res, 'reports/published', {
        title,
        ctx: frozen,
        published,
        check,
        body,
        ...body,
        intro,
        fileName: `published-${published.id}`,
      });
    const inScope =
      scope === TOTAL_SCOPE
        ? check.region.townships
        : check.region.townships.filter((t) => t.township === scope);
    const report = gepReport({
      set: check.set,
      scope,
      scopeLabels: ctx.labelsOf(scope),
      accounts: inScope,
      totals: scope === TOTAL_SCOPE ? check.region : inScope[0]!,
      records: scope === TOTAL_SCOPE ? check.records : check.records.filter((x) => x.township === scope),
    });
    await respond(req, res, 'reports/published', {
      title,
      ctx: frozen,
      published,
      check,
      report,
      map:
        scope === TOTAL_SCOPE && frozen.boundaries.length
          ? netGepMap(frozen, check.region, req.lang)
          : undefined,
      tables: [report.value, report.physical],
      intro,
      fileName: `published-${published.id}`,
    });
  });
  return r;
}

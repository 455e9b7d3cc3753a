/**
 * gep: the command line of GEP Ledger.
 *   account | balance-sheet | validate | template | lock | bundle | rerun | prices
 * Exit codes: 0 ok, 1 coefficient set invalid, 2 data invalid, 3 rerun mismatch, 64 usage error.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import {
  accountTownship,
  enginesOf,
  aggregateRegion,
  AccountingError,
  type InputRecord,
  type RegionAccount,
} from '../domain/accounting.js';
import { restatesPrices } from '../domain/prices.js';
import { formatFixed, parseDecimal, type Dec } from '../domain/decimal.js';
import {
  formatIssue,
  validateRecords,
  type InputIssue,
  type RawRecord,
  type TownshipInfo,
} from '../domain/inputs.js';
import type { CompiledSet } from '../domain/model.js';
import { traceAccount } from '../domain/trace.js';
import { compileSet, SetLoadError } from '../methods/compile.js';
import {
  fileHash,
  listSets,
  LOCK_FILE,
  readSetFile,
  resolveSet,
  setFilePath,
  type ResolvedSet,
} from '../methods/resolve.js';
import { readDatasetJson, DatasetError } from '../io/dataset.js';
import { readTableFile, validateTable, type TableInput } from '../io/table-input.js';
import { writeTemplate } from '../io/template.js';
import { toCsv } from '../io/csv.js';
import { resultsWorkbook } from '../io/xlsx-output.js';
import {
  BUNDLE_FORMAT,
  bundleResults,
  compareResults,
  engineOf,
  resolvedFromBundle,
  type Bundle,
} from '../io/bundle.js';
import { FIXED_ENGINE } from '../domain/fixed.js';
import { gepRows, productRows, YUAN_PER_YI } from '../report/gep-table.js';
import { accountFigures, scopeJson } from '../report/account-figures.js';
import { EsvError } from '../domain/esv.js';
import {
  addEsvSheets,
  addFigureSheet,
  esvText,
  exact,
  FIGURE_CSV_HEADER,
  figureCsvRows,
} from './account-output.js';
import { renderTable } from '../report/text-table.js';
import { formatNumber } from '../report/format.js';
import { geepRows } from '../report/geep-table.js';
import { priceList } from '../report/price-list.js';
import { join } from 'node:path';
import { runDbCommand } from './db-commands.js';
import { rulesOf, warningLines, warningsOf } from './plausibility.js';
import { plausibilityIssues } from '../domain/plausibility.js';
import { warningJson } from '../report/plausibility.js';
import { DataError, UsageError } from './errors.js';
import { BALANCE_SHEET_USAGE, cmdBalanceSheet } from './commands/balance-sheet.js';
import { BalanceSheetConfigError } from '../domain/balance-sheet-config.js';
import type { TransitionMatrix } from '../domain/transitions.js';
import { APP_VERSION } from '../app-version.js';

export const EXIT = { ok: 0, setInvalid: 1, dataInvalid: 2, mismatch: 3, usage: 64 } as const;

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
};

export const USAGE = `用法 usage: gep <command> [options]    (npm run gep -- <command> …)

  account  --set <id>[@version] --data <file.json|.csv|.xlsx> --year <year>
           [--profile academic] [--township <id> | --by township] [--format table|json|csv|xlsx]
           [--constant-prices [--base-year 2020]]   (default: current prices of the year)
           [--out <file>] [--region <dataset.json>] [--lang zh|en] [--coefficients <dir>]
           GEP (gross, net; by category, product, component, land class, ecosystem), GEEP, green GDP,
           indicators and, with an equivalent-factor set, ESV (by service, group, ecosystem type)
           e.g. gep account --set minhou-2021 --data seeds/minhou/dataset.json --year 2021 --format json
${BALANCE_SHEET_USAGE}
  validate --set <id>[@version] [--data <file>] [--region <dataset.json>]
           e.g. gep validate --set minhou-2021 --data seeds/minhou/dataset.json
  template --set <id>[@version] --out <template.xlsx|template.csv> [--region <dataset.json>] [--years 2021,2022]
           e.g. gep template --set minhou-2021 --region seeds/minhou/dataset.json --years 2022 --out t.xlsx
  bundle   --set <id>[@version] --data <file> --year <year> --out <run.json> [--profile academic]
           e.g. gep bundle --set minhou-2021 --data seeds/minhou/dataset.json --year 2021 --out run.json
  rerun    <bundle.json>
           e.g. gep rerun run.json
  prices   --set <id>[@version] [--year <year>] [--lang zh|en] [--format table|csv] [--out <file>]
           (--year: each money parameter also restated to that year's prices by the set's price index)
           e.g. gep prices --set minhou-2021 --year 2021
  lock     [--coefficients <dir>]
           e.g. gep lock

  应用数据库 the app's database (DATA_DIR, default ./data; or DATABASE_URL):
  create-user --role admin|editor|reviewer|finance|assessor|viewer --username <name> [--name <display name>]
           (password from GEP_PASSWORD or typed in the terminal)
           e.g. GEP_PASSWORD='…' gep create-user --role admin --username admin --name 管理员
  backup   --out <file>        whole database to one file
           e.g. gep backup --out gep-2026-11-25.backup
  restore  <file>              replaces the whole database with a backup, in one transaction
           e.g. gep restore gep-2026-11-25.backup

退出码 exit codes: 0 正常 ok, 1 参数集无效 set invalid, 2 数据无效 data invalid (or a balance-sheet identity
that does not hold), 3 复算不一致 rerun mismatch, 64 用法错误 usage`;

const OPTIONS = {
  set: { type: 'string' },
  data: { type: 'string' },
  year: { type: 'string' },
  years: { type: 'string' },
  opening: { type: 'string' },
  closing: { type: 'string' },
  config: { type: 'string' },
  profile: { type: 'string' },
  township: { type: 'string' },
  by: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  lang: { type: 'string' },
  coefficients: { type: 'string' },
  region: { type: 'string' },
  'constant-prices': { type: 'boolean' },
  'base-year': { type: 'string' },
  role: { type: 'string' },
  username: { type: 'string' },
  name: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Options = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string;
};

export const appVersion = (): string => APP_VERSION;

function parseSetRef(ref: string | undefined): { id: string; version?: string } {
  if (!ref) throw new UsageError('缺少 --set / missing --set');
  const [id, version] = ref.split('@');
  return { id: id!, version: version || undefined };
}

function requireYear(text: string | undefined): number {
  const y = Number(text);
  if (!text || !Number.isInteger(y)) throw new UsageError('缺少或无效的 --year / missing or invalid --year');
  return y;
}

interface Region {
  id: string;
  name: { zh: string; en: string };
  sample: boolean;
  townships: (TownshipInfo & { labels: { zh: string; en: string } })[];
}

interface LoadedData {
  region: Region;
  raw: RawRecord[];
  table?: TableInput;
  /** Land-use transition matrices of a JSON data file (for the balance sheet's extent account). */
  transitions: TransitionMatrix[];
}

const isTable = (path: string) => /\.(csv|xlsx)$/i.test(path);

async function loadData(set: CompiledSet, path: string, regionPath?: string): Promise<LoadedData> {
  if (!existsSync(path)) throw new DataError([`${path}: 文件不存在 / file not found`]);
  const toRegion = (p: string): Region => {
    const ds = readDatasetJson(p);
    return {
      id: ds.file.region.id,
      name: ds.file.region.labels,
      sample: ds.file.region.sample,
      townships: [...ds.townships],
    };
  };
  if (!isTable(path)) {
    const region = toRegion(path);
    const ds = readDatasetJson(path);
    return { region, raw: [...ds.records], transitions: [...ds.transitions] };
  }
  const table = await readTableFile(set, path);
  const region: Region = regionPath
    ? toRegion(regionPath)
    : {
        id: 'region',
        name: { zh: '区域', en: 'Region' },
        sample: false,
        townships: [...new Set(table.records.map((r) => r.township))].map((id) => ({
          id,
          labels: { zh: id, en: id },
        })),
      };
  return { region, raw: table.records, table, transitions: [] };
}

function validate(set: CompiledSet, data: LoadedData, raw: RawRecord[]) {
  const townships = data.region.townships;
  if (data.table) return validateTable(set, { ...data.table, records: raw }, townships);
  return validateRecords(set, raw, townships);
}

function issueLines(issues: readonly InputIssue[], lang: 'zh' | 'en') {
  return issues.map((i) => formatIssue(i, lang));
}

function loadResolved(opts: Options): { resolved: ResolvedSet; set: CompiledSet } {
  const { id, version } = parseSetRef(opts.set);
  const resolved = resolveSet(opts.coefficients ?? 'coefficients', id, version);
  return { resolved, set: compileSet(resolved) };
}

interface Run {
  set: CompiledSet;
  resolved: ResolvedSet;
  data: LoadedData;
  raw: RawRecord[];
  records: InputRecord[];
  region: RegionAccount;
  profile: string;
  year: number;
}

async function runAccount(opts: Options, lang: 'zh' | 'en'): Promise<Run> {
  const { resolved, set } = loadResolved(opts);
  if (!opts.data) throw new UsageError('缺少 --data / missing --data');
  const year = requireYear(opts.year);
  const profile = opts.profile ?? set.profiles[0]?.id ?? 'academic';
  if (set.products.length && !set.profiles.some((p) => p.id === profile))
    throw new UsageError(
      `未知口径 unknown profile "${profile}"; ${set.profiles.map((p) => p.id).join(', ')}`,
    );
  if (opts.by && opts.by !== 'township')
    throw new UsageError('--by 只支持 township / --by supports township only');
  const data = await loadData(set, opts.data, opts.region);
  let raw = data.raw.filter((r) => Number(r.year) === year);
  if (opts.township) {
    raw = raw.filter((r) => r.township === opts.township);
    if (!raw.length)
      throw new DataError([
        lang === 'zh'
          ? `没有乡镇 ${opts.township} ${year} 年的数据`
          : `no data for ${opts.township} in ${year}`,
      ]);
  }
  if (!raw.length) throw new DataError([lang === 'zh' ? `没有 ${year} 年的数据` : `no data for ${year}`]);
  const { records, issues } = validate(set, data, raw);
  if (issues.length) throw new DataError(issueLines(issues, lang));
  const order = new Map(data.region.townships.map((t, i) => [t.id, i]));
  records.sort((a, b) => (order.get(a.township) ?? 1e9) - (order.get(b.township) ?? 1e9));
  let constantPriceYear: number | undefined;
  if (opts['base-year'] !== undefined || opts['constant-prices']) {
    if (!restatesPrices(set))
      throw new UsageError(
        `${set.id}@${set.version} 没有价格指数，不能折算不变价 / has no price index: no constant prices`,
      );
    constantPriceYear =
      opts['base-year'] !== undefined ? requireYear(opts['base-year']) : set.constantPriceYear;
  }
  let accounts;
  try {
    accounts = records.map((r) => accountTownship(set, r, profile, { constantPriceYear }));
  } catch (e) {
    if (e instanceof AccountingError) throw new DataError([e.message]);
    throw e;
  }
  return { set, resolved, data, raw, records, region: aggregateRegion(accounts), profile, year };
}

function nameOf(run: Run, lang: 'zh' | 'en') {
  const names = new Map(run.data.region.townships.map((t) => [t.id, t.labels[lang]]));
  return (id: string) => names.get(id) ?? id;
}

function headerLines(run: Run, lang: 'zh' | 'en'): string[] {
  const { set, data } = run;
  const profile = set.profiles.find((p) => p.id === run.profile);
  return [
    `${data.region.name[lang]} ${run.year} GEP  |  ${set.id}@${set.version} (${set.hash.slice(0, 12)})  |  ${
      lang === 'zh' ? '口径' : 'profile'
    }: ${run.profile}${profile ? ` ${profile.labels[lang]}` : ''}${data.region.sample ? '  |  示例数据 (sample data)' : ''}`,
    lang === 'zh'
      ? `单位：亿元；显示保留2位小数，合计按未舍入值计算${pricesNote(run, 'zh')}`
      : `Unit: 亿元 (10^8 yuan); shown to 2 decimals, totals computed from unrounded values${pricesNote(run, 'en')}`,
  ];
}

function pricesNote(run: Run, lang: 'zh' | 'en'): string {
  const p = run.region.prices;
  if (!p) return lang === 'zh' ? '；按参数集所列价格（未折算）' : '; at the prices as stated in the set';
  if (p.kind === 'current')
    return lang === 'zh'
      ? `；${p.year}年当年价（CPI 折算）`
      : `; current prices of ${p.year} (restated by CPI)`;
  return lang === 'zh'
    ? `；${p.year}年不变价（CPI 折算）`
    : `; constant prices of ${p.year} (restated by CPI)`;
}

function formatTable(run: Run, lang: 'zh' | 'en'): string {
  const yi = (v: Parameters<typeof formatFixed>[0]) => formatFixed(v.div(YUAN_PER_YI), 2);
  const rows = gepRows(run.region, nameOf(run, lang), lang);
  const head =
    lang === 'zh'
      ? ['乡镇', '物质产品', '调节服务', '文化服务', 'GEP', '区域外扣除', 'GEP(净)']
      : ['Township', 'Provisioning', 'Regulating', 'Cultural', 'GEP', 'Out-of-region', 'GEP (net)'];
  const body = rows.map((r) => [
    r.name,
    yi(r.provisioning),
    yi(r.regulating),
    yi(r.cultural),
    yi(r.gep),
    yi(r.outOfRegionDeduction),
    yi(r.gepNet),
  ]);
  const main = renderTable(head, body, undefined, new Set([rows.length - 1]));
  const products = productRows(run.set, run.region, lang);
  const pHead =
    lang === 'zh'
      ? ['产品', '类别', '价值(亿元)', '占比(%)']
      : ['Product', 'Category', 'Value (亿元)', 'Share (%)'];
  const pBody = products.map((p) => [
    p.name,
    p.categoryName,
    yi(p.value),
    formatFixed(p.share.times(100), 2),
  ]);
  const pTable = renderTable(pHead, pBody, ['left', 'left', 'right', 'right']);
  const pTitle =
    lang === 'zh'
      ? `${run.data.region.name.zh} 分产品价值（全县）`
      : `${run.data.region.name.en}: value by product`;
  const geep = geepRows(
    run.set,
    run.region,
    run.records,
    nameOf(run, lang),
    lang === 'zh' ? '合计' : 'Total',
  );
  const gHead =
    lang === 'zh'
      ? ['乡镇', 'GDP(亿元)', '绿色GDP(亿元)', 'GEEP(亿元)', 'GEP/GDP', 'GEP/面积(万元/km²)', 'GEP/人(元/人)']
      : [
          'Township',
          'GDP (亿元)',
          'Green GDP (亿元)',
          'GEEP (亿元)',
          'GEP/GDP',
          'GEP/area (万元/km²)',
          'GEP/capita (元)',
        ];
  const opt = (v: Dec | undefined, f: (d: Dec) => string) => (v === undefined ? '—' : f(v));
  const gBody = geep.map((r) => [
    r.name,
    yi(r.gdp),
    yi(r.greenGdp),
    yi(r.geep),
    opt(r.gepToGdp, (v) => formatFixed(v, 2)),
    opt(r.gepPerKm2, (v) => formatNumber(v, 'wan_yuan_per_km2', 1)),
    opt(r.gepPerCapita, (v) => formatFixed(v, 0)),
  ]);
  const gTable = renderTable(gHead, gBody, undefined, new Set([geep.length - 1]));
  const gTitle =
    lang === 'zh'
      ? 'GEEP = GDP − 环境退化成本 − 生态破坏成本 + 调节服务价值；绿色GDP = GDP − 两项成本'
      : 'GEEP = GDP − pollution cost − ecological damage cost + regulating services; green GDP = GDP − both costs';
  return [
    ...headerLines(run, lang),
    '',
    main,
    '',
    pTitle,
    pTable,
    '',
    gTitle,
    gTable,
    '',
    ...esvText(figuresOf(run), lang),
  ].join('\n');
}

/** Every figure of the run (GEP, GEEP, indicators, ESV) per township and for the region. */
function figuresOf(run: Run) {
  try {
    return accountFigures({
      set: run.set,
      region: run.region,
      records: run.records,
      townships: run.data.region.townships,
      totalLabels: run.data.region.name,
    });
  } catch (e) {
    if (e instanceof EsvError) throw new DataError([e.message]);
    throw e;
  }
}

function resultsJson(run: Run, lang: 'zh' | 'en') {
  const names = nameOf(run, lang);
  const figures = figuresOf(run);
  const figs = (id: string) => scopeJson(figures.scopes.find((s) => s.id === id)!.lines);
  return {
    format: 'gep-ledger/results@1',
    appVersion: appVersion(),
    engine: enginesOf(run.region.townships),
    region: { id: run.data.region.id, labels: run.data.region.name, sample: run.data.region.sample },
    year: run.year,
    /** the prices the figures are at (absent: the set's stated prices, no restatement) */
    prices: run.region.prices,
    set: { id: run.set.id, version: run.set.version, hash: run.set.hash },
    profile: run.profile,
    unit: '元',
    equivalentValue: figures.esv ? exact(figures.esv.equivalentValue) : undefined,
    county: figs('total'),
    townships: run.region.townships.map((t) => ({
      township: t.township,
      name: names(t.township),
      ...figs(t.township),
      traces: traceAccount(run.set, t),
    })),
    inputs: run.raw,
  };
}

async function cmdAccount(opts: Options, io: Io, lang: 'zh' | 'en'): Promise<number> {
  const run = await runAccount(opts, lang);
  // an external figure is never dropped silently: one outside the profile is named
  for (const t of run.region.townships)
    for (const id of t.unusedOverrides ?? [])
      io.err(
        lang === 'zh'
          ? `注意：${t.township} ${t.year} 的外部模型结果 overrides.${id} 不属于口径 ${run.profile} 的产品，本次未使用`
          : `note: ${t.township} ${t.year}: external figure overrides.${id} belongs to a product outside profile ${run.profile}; not used in this account`,
      );
  const format = opts.format ?? 'table';
  const rules = rulesOf(opts.coefficients ?? 'coefficients');
  const kind = opts.township ? 'township' : 'region';
  const warnings = warningsOf(rules, run.set, run.region, run.records, kind);
  // CSV and XLSX keep one shape; their warnings go to standard error
  if ((format === 'csv' || format === 'xlsx') && warnings.length)
    io.err(warningLines(warnings, lang).join('\n'));
  let text: string | undefined;
  if (format === 'table') text = `${formatTable(run, lang)}\n${warningLines(warnings, lang).join('\n')}\n`;
  else if (format === 'json')
    text =
      JSON.stringify(
        {
          ...resultsJson(run, lang),
          plausibility: rules && { id: rules.id, version: rules.version, hash: rules.hash },
          warnings: warnings.map(warningJson),
        },
        null,
        2,
      ) + '\n';
  else if (format === 'csv') {
    const prefix = [
      run.data.region.id,
      run.year,
      `${run.set.id}@${run.set.version}`,
      run.set.hash,
      run.profile,
    ];
    const rows = [
      [...FIGURE_CSV_HEADER],
      ...figureCsvRows(figuresOf(run), prefix, nameOf(run, 'zh'), run.data.region.name.zh),
    ];
    text = toCsv(rows);
  } else if (format === 'xlsx') {
    if (!opts.out) throw new UsageError('xlsx 输出需要 --out / xlsx output needs --out');
    const wb = resultsWorkbook(
      `${run.data.region.name.zh} ${run.year} GEP`,
      gepRows(run.region, nameOf(run, 'zh'), 'zh'),
      productRows(run.set, run.region, 'zh'),
      [
        `${run.set.id}@${run.set.version} hash ${run.set.hash}; profile ${run.profile}; gep-ledger ${appVersion()}; engine ${enginesOf(run.region.townships)}`,
        ...(run.data.region.sample ? ['示例数据 (sample data)'] : []),
      ],
    );
    const figures = figuresOf(run);
    addFigureSheet(wb, figures, nameOf(run, 'zh'), run.data.region.name.zh);
    addEsvSheets(wb, figures);
    await wb.xlsx.writeFile(opts.out);
    io.err(`${opts.out}`);
    return EXIT.ok;
  } else throw new UsageError(`未知格式 unknown format "${format}"`);
  if (opts.out) {
    writeFileSync(opts.out, text, 'utf8');
    io.err(opts.out);
  } else io.out(text);
  return EXIT.ok;
}

async function cmdValidate(opts: Options, io: Io, lang: 'zh' | 'en'): Promise<number> {
  const { set } = loadResolved(opts);
  if (!opts.data) {
    io.out(
      `OK ${set.id}@${set.version} (${set.hash.slice(0, 12)}): ${set.inputs.length} inputs, ${set.parameters.size} parameters, ${set.products.length} products, ${set.components.length} components`,
    );
    // what the plausibility document names that the set lacks: those checks are skipped, not failed
    const rules = rulesOf(opts.coefficients ?? 'coefficients');
    if (rules) plausibilityIssues(rules, set).forEach((i) => io.out(`  ${i}`));
    return EXIT.ok;
  }
  const data = await loadData(set, opts.data, opts.region);
  const { records, issues } = validate(set, data, data.raw);
  if (issues.length) throw new DataError(issueLines(issues, lang));
  const years = [...new Set(records.map((r) => r.year))].sort();
  io.out(
    `OK ${opts.data}: ${records.length} records, ${new Set(records.map((r) => r.township)).size} townships, years ${years.join(', ')} (${set.id}@${set.version})`,
  );
  // plausibility warnings of each year's county account (default profile): printed, exit code unchanged
  const rules = rulesOf(opts.coefficients ?? 'coefficients');
  const profile = opts.profile ?? set.profiles[0]?.id;
  if (rules && profile)
    for (const year of years) {
      const ofYear = records.filter((r) => r.year === year);
      const region = aggregateRegion(ofYear.map((r) => accountTownship(set, r, profile)));
      const heading = `${year} ${lang === 'zh' ? '合理性提示' : 'plausibility warnings'}`;
      io.out(warningLines(warningsOf(rules, set, region, ofYear, 'region'), lang, heading).join('\n'));
    }
  return EXIT.ok;
}

async function cmdTemplate(opts: Options, io: Io): Promise<number> {
  const { set } = loadResolved(opts);
  if (!opts.out) throw new UsageError('缺少 --out / missing --out');
  const townships = opts.region ? readDatasetJson(opts.region).townships.map((t) => t.id) : [];
  const years = (opts.years ?? opts.year ?? String(new Date().getFullYear() - 1))
    .split(',')
    .map((y) => requireYear(y.trim()));
  await writeTemplate(set, opts.out, { townships, years });
  io.err(opts.out);
  return EXIT.ok;
}

function cmdLock(opts: Options, io: Io): number {
  const dir = opts.coefficients ?? 'coefficients';
  const lockPath = join(dir, LOCK_FILE);
  const lock: Record<string, string> = existsSync(lockPath)
    ? (JSON.parse(readFileSync(lockPath, 'utf8')) as Record<string, string>)
    : {};
  const problems: string[] = [];
  let added = 0;
  for (const [id, versions] of listSets(dir))
    for (const v of versions) {
      const file = setFilePath(dir, id, v);
      const data = readSetFile(file);
      if (data.status !== 'published') continue;
      const key = `${id}@${v}`;
      const hash = fileHash(data);
      if (!lock[key]) {
        lock[key] = hash;
        added++;
        io.out(`locked ${key} ${hash.slice(0, 12)}`);
      } else if (lock[key] !== hash)
        problems.push(
          `${file}: status: 已发布的参数集 ${key} 在发布后被修改 / published set ${key} changed after publication; make a new version`,
        );
    }
  if (problems.length) {
    problems.forEach((p) => io.err(p));
    return EXIT.setInvalid;
  }
  const sorted = Object.fromEntries(Object.entries(lock).sort(([a], [b]) => (a < b ? -1 : 1)));
  if (added) writeFileSync(lockPath, JSON.stringify(sorted, null, 2) + '\n', 'utf8');
  io.out(`OK ${LOCK_FILE}: ${Object.keys(sorted).length} published sets, ${added} added`);
  return EXIT.ok;
}

async function cmdBundle(opts: Options, io: Io, lang: 'zh' | 'en'): Promise<number> {
  if (!opts.out) throw new UsageError('缺少 --out / missing --out');
  const run = await runAccount(opts, lang);
  const bundle: Bundle = {
    format: BUNDLE_FORMAT,
    appVersion: appVersion(),
    engine: FIXED_ENGINE,
    createdAt: new Date().toISOString(),
    set: { id: run.set.id, version: run.set.version, hash: run.set.hash },
    lineage: [...run.resolved.lineage],
    setData: run.resolved.data,
    profile: run.profile,
    year: run.year,
    townships: run.data.region.townships
      .filter((t) => run.region.townships.some((a) => a.township === t.id))
      .map((t) => ({ id: t.id, areaKm2: t.areaKm2?.toString() })),
    records: run.raw,
    results: bundleResults(run.region),
  };
  writeFileSync(opts.out, JSON.stringify(bundle, null, 2) + '\n', 'utf8');
  io.out(`${opts.out}: ${run.set.id}@${run.set.version} ${run.year}, GEP ${run.region.gep.toString()} 元`);
  return EXIT.ok;
}

function cmdRerun(file: string | undefined, io: Io, lang: 'zh' | 'en'): number {
  if (!file) throw new UsageError('缺少 bundle 文件 / missing bundle file');
  const b = JSON.parse(readFileSync(file, 'utf8')) as Bundle;
  if (b.format !== BUNDLE_FORMAT)
    throw new UsageError(`${file}: 不是 ${BUNDLE_FORMAT} / not a ${BUNDLE_FORMAT}`);
  const resolved = resolvedFromBundle(b);
  if (resolved.hash !== b.set.hash) {
    io.err(
      lang === 'zh'
        ? `参数集哈希不符：记录 ${b.set.hash}，复算 ${resolved.hash}（嵌入的参数集被修改）`
        : `set hash mismatch: recorded ${b.set.hash}, recomputed ${resolved.hash} (the embedded set was changed)`,
    );
    return EXIT.mismatch;
  }
  const set = compileSet(resolved);
  const townships = b.townships.map((t) => ({
    id: t.id,
    areaKm2: t.areaKm2 === undefined ? undefined : parseDecimal(t.areaKm2),
  }));
  const { records, issues } = validateRecords(set, b.records, townships);
  if (issues.length) throw new DataError(issueLines(issues, lang));
  const order = new Map(b.townships.map((t, i) => [t.id, i]));
  records.sort((x, y) => (order.get(x.township) ?? 1e9) - (order.get(y.township) ?? 1e9));
  const engine = engineOf(b);
  const region = aggregateRegion(records.map((r) => accountTownship(set, r, b.profile, { engine })));
  const diffs = compareResults(b.results, bundleResults(region));
  if (diffs.length) {
    io.err(lang === 'zh' ? `复算结果不一致（${diffs.length} 处）：` : `rerun differs (${diffs.length}):`);
    diffs.forEach((d) => io.err(`  ${d}`));
    return EXIT.mismatch;
  }
  io.out(
    `identical: ${b.set.id}@${b.set.version} ${b.year}, ${records.length} townships, GEP ${region.gep.toString()} 元`,
  );
  return EXIT.ok;
}

/** The published price list (公示价格) of a set: parameters, then products with method and formulas. */
function cmdPrices(opts: Options, io: Io, lang: 'zh' | 'en'): number {
  const { set } = loadResolved(opts);
  const year = opts.year !== undefined ? requireYear(opts.year) : undefined;
  const list = priceList(set, lang, year);
  const format = opts.format ?? 'table';
  let text: string;
  if (format === 'table') {
    const at = list.year !== undefined;
    const head =
      lang === 'zh'
        ? [
            '参数',
            '地类',
            '数值',
            '单位',
            '价格年份',
            ...(at ? [`折算至${list.year}年`, '指数比'] : []),
            '核实',
            '定义于',
            '来源',
          ]
        : [
            'Parameter',
            'Land class',
            'Value',
            'Unit',
            'Price year',
            ...(at ? [`At ${list.year} prices`, 'Index ratio'] : []),
            'Verified',
            'Defined in',
            'Source',
          ];
    const body = list.rows.map((r) => [
      r.parameterName,
      r.landClassName,
      r.value,
      r.unit,
      r.priceYear,
      ...(at ? [r.restated ?? '', r.factor ?? ''] : []),
      r.verifiedText,
      r.definedIn,
      r.source,
    ]);
    const align = [
      'left',
      'left',
      'right',
      'left',
      'right',
      ...(at ? (['right', 'left'] as const) : []),
      'left',
      'left',
      'left',
    ] as const;
    const table = renderTable(head, body, [...align]);
    const indices = list.indices.length
      ? [
          '',
          lang === 'zh'
            ? '价格指数（货币参数按此由价格年份折算）'
            : 'Price indices (money parameters are restated by them)',
          renderTable(
            lang === 'zh'
              ? ['指数', '基期', '年份', '数值', '核实', '来源']
              : ['Index', 'Base', 'Year', 'Value', 'Verified', 'Source'],
            list.indices.map((i) => [i.indexName, i.base, String(i.year), i.value, i.verifiedText, i.source]),
            ['left', 'left', 'right', 'right', 'left', 'left'],
          ),
        ]
      : [];
    const products = list.products.flatMap((p) => [
      `${p.productName} (${p.product})  |  ${p.categoryName}  |  ${p.methodName} (${p.method})`,
      ...(p.source ? [`  ${lang === 'zh' ? '方法来源' : 'method source'}: ${p.source}`] : []),
      ...p.components.flatMap((c) => [
        `  ${c.componentName} (${c.component})`,
        `    ${lang === 'zh' ? '物质量' : 'quantity'}: ${c.quantity}  [${c.quantityUnit}]`,
        `    ${lang === 'zh' ? '价值量' : 'value'}: ${c.value}  [${c.valueUnit}]`,
      ]),
    ]);
    text = [
      `${list.title}  |  ${list.ref} (${list.hash12})  |  ${lang === 'zh' ? '状态' : 'status'}: ${list.statusText}`,
      lang === 'zh' ? '公示价格 (published price list)' : 'Published price list (公示价格)',
      '',
      table,
      ...indices,
      '',
      lang === 'zh'
        ? '产品目录：类别、估值方法与公式'
        : 'Product catalogue: category, valuation method, formulas',
      ...products,
      '',
    ].join('\n');
  } else if (format === 'csv') {
    const rows: unknown[][] = [
      [
        'set',
        'set_hash',
        'status',
        'parameter',
        'parameter_name',
        'land_class',
        'land_class_name',
        'value',
        'value_display',
        'unit',
        'price_year',
        'verified',
        'defined_in',
        'source',
        'note',
      ],
    ];
    for (const r of list.rows)
      rows.push([
        list.ref,
        set.hash,
        set.status,
        r.parameter,
        r.parameterName,
        r.landClass,
        r.landClassName,
        r.rawValue,
        r.value,
        r.unit,
        r.priceYear,
        r.verified ? 'true' : 'false',
        r.definedIn,
        r.source,
        r.note,
      ]);
    text = toCsv(rows);
  } else throw new UsageError(`未知格式 unknown format "${format}"`);
  if (opts.out) {
    writeFileSync(opts.out, text, 'utf8');
    io.err(opts.out);
  } else io.out(text);
  return EXIT.ok;
}

/** Runs the CLI in-process; returns the exit code. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  let lang: 'zh' | 'en' = 'zh';
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    const opts = values as Options;
    if (opts.lang) {
      if (opts.lang !== 'zh' && opts.lang !== 'en') throw new UsageError('--lang zh|en');
      lang = opts.lang;
    }
    const [command, ...rest] = positionals;
    if (opts.help || !command) {
      io.out(USAGE);
      return opts.help ? EXIT.ok : EXIT.usage;
    }
    if (command !== 'rerun' && command !== 'restore' && rest.length)
      throw new UsageError(`多余的参数 unexpected arguments: ${rest.join(' ')}`);
    switch (command) {
      case 'account':
        return await cmdAccount(opts, io, lang);
      case 'validate':
        return await cmdValidate(opts, io, lang);
      case 'template':
        return await cmdTemplate(opts, io);
      case 'lock':
        return cmdLock(opts, io);
      case 'bundle':
        return await cmdBundle(opts, io, lang);
      case 'rerun':
        return cmdRerun(rest[0], io, lang);
      case 'prices':
        return cmdPrices(opts, io, lang);
      case 'balance-sheet': {
        const accountYear = async (y: number) => {
          const run = await runAccount({ ...opts, year: String(y), township: undefined }, lang);
          return {
            set: run.set,
            records: run.records,
            region: run.region,
            regionInfo: run.data.region,
            transitions: run.data.transitions,
          };
        };
        const result = await cmdBalanceSheet(opts, lang, accountYear, io.out, io.err);
        return result === 'ok' ? EXIT.ok : EXIT.dataInvalid;
      }
      case 'create-user':
      case 'backup':
      case 'restore':
        return await runDbCommand(command, rest[0], { ...opts, lang }, io);
      default:
        throw new UsageError(`未知命令 unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof SetLoadError) {
      e.issues.forEach((i) => io.err(`${i.file}: ${i.path}: ${i.message}`));
      return EXIT.setInvalid;
    }
    if (e instanceof DataError) {
      e.lines.forEach((l) => io.err(l));
      return EXIT.dataInvalid;
    }
    if (e instanceof DatasetError) {
      io.err(e.message);
      return EXIT.dataInvalid;
    }
    if (e instanceof BalanceSheetConfigError) {
      e.issues.forEach((l) => io.err(l));
      return EXIT.setInvalid;
    }
    if (e instanceof AccountingError) {
      io.err(e.message);
      return EXIT.dataInvalid;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err((e as Error).message);
      io.err(USAGE);
      return EXIT.usage;
    }
    throw e;
  }
}

const invokedDirectly = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 70;
    },
  );
}

/**
 * gep balance-sheet: the natural resource asset balance sheet (自然资源资产负债表) between two years of a
 * data file: extent (land areas, with the file's transition matrices when it has them), physical stocks,
 * service values, ecosystem asset value (NPV of the service flow), liabilities, net assets and the
 * identities, per township and for the region. A thin shell over src/domain/balance-sheet.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RegionAccount, InputRecord } from '../../domain/accounting.js';
import { Dec } from '../../domain/decimal.js';
import { parseBalanceSheetConfig, type BalanceSheetConfig } from '../../domain/balance-sheet-config.js';
import { regionBalanceSheet, TOTAL_KEY, type BalanceSheet } from '../../domain/balance-sheet.js';
import type { IdentityCheck } from '../../domain/checks.js';
import type { CompiledSet } from '../../domain/model.js';
import type { TransitionMatrix } from '../../domain/transitions.js';
import { balanceSheetConfigFor } from '../../methods/balance-sheet-config.js';
import { balanceSheetReport } from '../../report/balance-sheet.js';
import type { ReportTable } from '../../report/table.js';
import { toCsv } from '../../io/csv.js';
import { exact, reportTableText } from '../account-output.js';
import { DataError, UsageError } from '../errors.js';

export const BALANCE_SHEET_USAGE = `  balance-sheet --set <id>[@version] --data <file> --opening <year> --closing <year>
           [--config <balance-sheet.yaml>] [--township <id>] [--format table|json|csv] [--out <file>]
           e.g. gep balance-sheet --set minhou-2021 --data seeds/minhou/dataset.json --opening 2020 --closing 2021`;

/** One accounted year of the data file, as the account command produces it. */
export interface AccountedYear {
  readonly set: CompiledSet;
  readonly records: readonly InputRecord[];
  readonly region: RegionAccount;
  readonly regionInfo: {
    id: string;
    name: { zh: string; en: string };
    townships: ReadonlyArray<{ id: string; labels: { zh: string; en: string } }>;
  };
  readonly transitions: readonly TransitionMatrix[];
}

export interface BalanceSheetOptions {
  opening?: string;
  closing?: string;
  config?: string;
  township?: string;
  format?: string;
  out?: string;
  coefficients?: string;
}

type Lang = 'zh' | 'en';

const year = (text: string | undefined, flag: string): number => {
  const y = Number(text);
  if (!text || !Number.isInteger(y))
    throw new UsageError(`缺少或无效的 ${flag} / missing or invalid ${flag}`);
  return y;
};

/** Dec → exact string, Map → object, recursively: the JSON of a domain value, every digit kept. */
function exactJson(value: unknown): unknown {
  if (Dec.isDecimal(value)) return exact(value as Dec);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, exactJson(v)]));
  if (Array.isArray(value)) return value.map(exactJson);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, exactJson(v)]));
  return value;
}

const failing = (checks: readonly IdentityCheck[]) => checks.filter((c) => !c.pass);

function tablesOf(report: ReturnType<typeof balanceSheetReport>): ReportTable[] {
  return [
    report.extent,
    ...(report.transitionMatrix ? [report.transitionMatrix] : []),
    report.stocks,
    report.serviceValues,
    report.assetsAndLiabilities,
  ];
}

function sheetText(
  set: CompiledSet,
  sheet: BalanceSheet,
  labels: { zh: string; en: string },
  lang: Lang,
): string {
  const report = balanceSheetReport(set, sheet, labels);
  const av = sheet.assetValue;
  const npv =
    lang === 'zh'
      ? `生态资产价值 = Σ_{i=1..${av.years}} F/(1+r)^(i−1)，r = ${exact(av.rate.times(100))}%：期初 F = ${exact(av.openingFlow)} 元 → ${exact(av.opening)} 元；期末 F = ${exact(av.closingFlow)} 元 → ${exact(av.closing)} 元`
      : `Asset value = Σ_{i=1..${av.years}} F/(1+r)^(i−1), r = ${exact(av.rate.times(100))}%: opening F = ${exact(av.openingFlow)} yuan → ${exact(av.opening)} yuan; closing F = ${exact(av.closingFlow)} yuan → ${exact(av.closing)} yuan`;
  const passed = sheet.checks.filter((c) => c.pass).length;
  const checks = [
    lang === 'zh'
      ? `恒等式：${passed}/${sheet.checks.length} 成立`
      : `identities: ${passed} of ${sheet.checks.length} hold`,
    ...failing(sheet.checks).map(
      (c) =>
        `✗ ${c.labels[lang]}${c.difference ? ` (${lang === 'zh' ? '差' : 'difference'} ${exact(c.difference)})` : ''}`,
    ),
  ];
  return [
    `== ${labels[lang]} ==`,
    ...tablesOf(report).flatMap((t) => [reportTableText(t, lang), '']),
    npv,
    ...checks,
    '',
  ].join('\n');
}

function sheetJson(sheet: BalanceSheet) {
  const { extent, ...rest } = sheet;
  return exactJson({
    ...rest,
    extent: { basis: extent.basis, rows: extent.rows, total: extent.total, matrix: extent.matrix },
  });
}

function csvRows(
  set: CompiledSet,
  sheets: readonly BalanceSheet[],
  nameOf: (scope: string) => { zh: string; en: string },
  prefix: readonly unknown[],
): unknown[][] {
  const rows: unknown[][] = [];
  for (const sheet of sheets) {
    const report = balanceSheetReport(set, sheet, nameOf(sheet.scope));
    for (const t of tablesOf(report))
      for (const r of t.rows)
        for (const c of t.columns) {
          const v = r.cells[c.id];
          if (!Dec.isDecimal(v)) continue;
          rows.push([
            ...prefix,
            sheet.scope,
            nameOf(sheet.scope).zh,
            t.id,
            r.key.split('|').slice(2).join('|') || r.key,
            r.labels.zh,
            c.id,
            r.unit ?? (c.unit === 'hm2' ? 'hm2' : c.unit === 'percent' ? '1' : c.unit ? '元' : ''),
            exact(v as Dec),
          ]);
        }
  }
  return rows;
}

export async function cmdBalanceSheet(
  opts: BalanceSheetOptions,
  lang: Lang,
  accountYear: (year: number) => Promise<AccountedYear>,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<'ok' | 'unbalanced'> {
  const y0 = year(opts.opening, '--opening');
  const y1 = year(opts.closing, '--closing');
  if (y0 >= y1) throw new UsageError('期初年份须早于期末年份 / --opening must come before --closing');
  const [opening, closing] = [await accountYear(y0), await accountYear(y1)];
  const { set } = closing;
  const missing = (a: AccountedYear, b: AccountedYear, y: number) =>
    b.region.townships
      .filter((t) => !a.region.townships.some((x) => x.township === t.township))
      .map((t) => (lang === 'zh' ? `${t.township}: 缺少 ${y} 年的数据` : `${t.township}: no data for ${y}`));
  const gaps = [...missing(opening, closing, y0), ...missing(closing, opening, y1)];
  if (gaps.length) throw new DataError(gaps);

  const { raw, source } = balanceSheetConfigFor(set, {
    file: opts.config,
    dir: join(opts.coefficients ?? 'coefficients', 'balance-sheet'),
  });
  const config: BalanceSheetConfig = parseBalanceSheetConfig(raw, set, source);
  const sheets = regionBalanceSheet({
    set,
    config,
    opening: { records: opening.records, region: opening.region },
    closing: { records: closing.records, region: closing.region },
    transitions: closing.transitions,
  });
  const info = closing.regionInfo;
  const names = new Map(info.townships.map((t) => [t.id, t.labels]));
  const nameOf = (scope: string) =>
    scope === TOTAL_KEY ? info.name : (names.get(scope) ?? { zh: scope, en: scope });
  let chosen: readonly BalanceSheet[] = [...sheets.townships, sheets.total];
  if (opts.township) {
    const one = sheets.townships.find((s) => s.scope === opts.township);
    if (!one)
      throw new DataError([
        lang === 'zh'
          ? `没有乡镇 ${opts.township} 的两年数据`
          : `no data for township ${opts.township} in both years`,
      ]);
    chosen = [one];
  }
  const allChecks = [...chosen.flatMap((s) => s.checks), ...(opts.township ? [] : sheets.checks)];

  const format = opts.format ?? 'table';
  let text: string;
  const setRef = `${set.id}@${set.version}`;
  if (format === 'table') {
    const head =
      lang === 'zh'
        ? `${info.name.zh} ${y0}–${y1} 自然资源资产负债表  |  ${setRef} (${set.hash.slice(0, 12)})  |  配置 ${source}`
        : `${info.name.en} ${y0}–${y1} natural resource asset balance sheet  |  ${setRef} (${set.hash.slice(0, 12)})  |  config ${source}`;
    const unit =
      lang === 'zh'
        ? '单位见各表表头；显示值四舍五入，合计按未舍入值计算；JSON 与 CSV 输出保留全部位数'
        : 'Units in each header; shown rounded, totals from unrounded values; JSON and CSV keep every digit';
    const regionChecks = opts.township
      ? []
      : sheets.checks
          .filter((c) => c.id.startsWith('county_sum.'))
          .map((c) => `${c.pass ? '✓' : '✗'} ${c.labels[lang]}`);
    text = [
      head,
      unit,
      '',
      ...chosen.map((s) => sheetText(set, s, nameOf(s.scope), lang)),
      ...regionChecks,
      '',
    ].join('\n');
  } else if (format === 'json') {
    const json = {
      format: 'gep-ledger/balance-sheet-results@1',
      region: { id: info.id, labels: info.name },
      openingYear: y0,
      closingYear: y1,
      set: { id: set.id, version: set.version, hash: set.hash },
      config: { id: config.id, source, title: config.title },
      unit: { money: '元', area: 'hm2' },
      county: opts.township ? undefined : sheetJson(sheets.total),
      townships: chosen
        .filter((s) => s.scope !== TOTAL_KEY)
        .map((s) => ({ township: s.scope, name: nameOf(s.scope), ...(sheetJson(s) as object) })),
      regionChecks: opts.township ? undefined : exactJson(sheets.checks),
    };
    text = JSON.stringify(json, null, 2) + '\n';
  } else if (format === 'csv') {
    const header = [
      'region',
      'opening_year',
      'closing_year',
      'set',
      'set_hash',
      'config',
      'township',
      'township_zh',
      'table',
      'row',
      'row_zh',
      'column',
      'unit',
      'value',
    ];
    text = toCsv([header, ...csvRows(set, chosen, nameOf, [info.id, y0, y1, setRef, set.hash, config.id])]);
  } else throw new UsageError(`未知格式 unknown format "${format}"`);

  if (opts.out) {
    writeFileSync(opts.out, text, 'utf8');
    err(opts.out);
  } else out(text);
  const broken = failing(allChecks);
  if (broken.length) {
    broken.forEach((c) =>
      err(
        `${lang === 'zh' ? '恒等式不成立' : 'identity does not hold'}: ${c.labels[lang]}${c.difference ? ` (${exact(c.difference)})` : ''}`,
      ),
    );
    return 'unbalanced';
  }
  return 'ok';
}

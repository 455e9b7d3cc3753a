/**
 * Natural resource asset balance sheet (自然资源资产负债表) of a township or a county between two years:
 * extent account by land class, physical stocks, ecosystem-service value extension (扩展表), ecosystem
 * asset value (NPV of the service flow), liabilities and net assets, with every identity checked and
 * returned (a failing identity is reported, never hidden). Pure: accounts and records in, figures out.
 */
import { Dec, ZERO, sum } from './decimal.js';
import type { GepTotals, InputRecord, RegionAccount } from './accounting.js';
import { AccountingError } from './accounting.js';
import type { BalanceSheetConfig } from './balance-sheet-config.js';
import { toYuan } from './balance-sheet-config.js';
import { AREA_TOLERANCE, MONEY_TOLERANCE, compare, type IdentityCheck } from './checks.js';
import { landAreaFromRecord } from './esv.js';
import { assetValueAnnuityDue, yearOverYear } from './geep.js';
import type { InputIssue } from './inputs.js';
import type { CompiledSet } from './model.js';
import { checkTransition, type TransitionMatrix } from './transitions.js';
import { CATEGORIES, type Category, type Labels } from '../methods/schema.js';

export const TOTAL_KEY = 'total';

export interface ExtentRow {
  /** Land class id, or "total". */
  readonly landClass: string;
  readonly opening: Dec;
  readonly additions: Dec;
  readonly reductions: Dec;
  readonly closing: Dec;
}

export interface ExtentAccount {
  /** Where additions and reductions come from: the transition matrix, or the net change of the areas. */
  readonly basis: 'transition_matrix' | 'net_change' | 'mixed';
  readonly rows: readonly ExtentRow[];
  readonly total: ExtentRow;
  /** opening class → closing class → hm², when the matrix was given and consistent. */
  readonly matrix?: ReadonlyMap<string, ReadonlyMap<string, Dec>>;
  /** Problems of a matrix that was given but did not match the areas (the account then uses net change). */
  readonly transitionIssues: readonly InputIssue[];
}

export interface StockRow {
  readonly input: string;
  readonly labels: Labels;
  readonly unit: string;
  readonly opening?: Dec;
  readonly closing?: Dec;
  /** Net basis: a rise is an addition, a fall a reduction (no gross flows are surveyed). */
  readonly additions?: Dec;
  readonly reductions?: Dec;
}

export type ServiceValueLine = Category | 'gep' | 'out_of_region_deduction' | 'gep_net';

export interface ServiceValueRow {
  readonly id: ServiceValueLine;
  readonly opening: Dec;
  readonly closing: Dec;
  readonly change: Dec;
  /** change / opening; undefined when the opening is zero. */
  readonly changeRate?: Dec;
}

export interface AssetValue {
  readonly rate: Dec;
  readonly years: number;
  readonly categories: readonly Category[];
  readonly openingFlow: Dec;
  readonly closingFlow: Dec;
  readonly opening: Dec;
  readonly closing: Dec;
  /** The config's source note, or a note that the caller chose the rate or horizon. */
  readonly source: string;
  /** Provisioning capitalised on its rent: the share per product and its source (absent: gross value). */
  readonly rentShares?: ReadonlyMap<string, Dec>;
  readonly rentSource?: string;
}

export interface LiabilityLine {
  readonly id: string;
  readonly labels: Labels;
  readonly basis: Labels;
  readonly source: string;
  readonly share: Dec;
  readonly kind: 'stock' | 'flow';
  /** 元 */
  readonly opening: Dec;
  /** 元 */
  readonly closing: Dec;
}

export interface Position {
  readonly assets: Dec;
  readonly liabilities: Dec;
  readonly netAssets: Dec;
}

export interface BalanceSheet {
  /** Township id, or "total" for the county. */
  readonly scope: string;
  readonly openingYear: number;
  readonly closingYear: number;
  readonly extent: ExtentAccount;
  readonly stocks: readonly StockRow[];
  readonly serviceValues: readonly ServiceValueRow[];
  readonly assetValue: AssetValue;
  /** Stocks: the obligations of the position. */
  readonly liabilities: readonly LiabilityLine[];
  /** The year's damage (flows), shown apart: not in the position. */
  readonly liabilityFlows: readonly LiabilityLine[];
  readonly opening: Position;
  readonly closing: Position;
  readonly checks: readonly IdentityCheck[];
}

export interface RegionBalanceSheet {
  readonly townships: readonly BalanceSheet[];
  readonly total: BalanceSheet;
  /** The county's own identities and county = Σ townships. */
  readonly checks: readonly IdentityCheck[];
}

export interface YearData {
  readonly record: InputRecord;
  readonly account: GepTotals;
}

/** Discount rate and horizon of the asset value; the config's values when not given. */
export interface AssetValueOptions {
  readonly rate?: Dec;
  readonly years?: number;
}

const maxZero = (d: Dec) => (d.isNeg() ? ZERO : d);

function extentRow(
  landClass: string,
  opening: Dec,
  additions: Dec,
  reductions: Dec,
  closing: Dec,
): ExtentRow {
  return { landClass, opening, additions, reductions, closing };
}

function totalRow(rows: readonly ExtentRow[]): ExtentRow {
  return extentRow(
    TOTAL_KEY,
    sum(rows.map((r) => r.opening)),
    sum(rows.map((r) => r.additions)),
    sum(rows.map((r) => r.reductions)),
    sum(rows.map((r) => r.closing)),
  );
}

/**
 * Extent account (面积账户) from the two years' land areas (hm²). With a consistent transition matrix,
 * additions = column sum − diagonal (area converted into the class) and reductions = row sum − diagonal
 * (area converted out); otherwise the net change is an addition or a reduction.
 */
export function extentAccount(
  classIds: readonly string[],
  opening: ReadonlyMap<string, Dec>,
  closing: ReadonlyMap<string, Dec>,
  transition?: TransitionMatrix,
): ExtentAccount {
  const checked = transition ? checkTransition(transition, classIds, opening, closing) : undefined;
  const cells = checked?.matrix?.cells;
  const rows = classIds.map((cls) => {
    const open = opening.get(cls) ?? ZERO;
    const close = closing.get(cls) ?? ZERO;
    if (!cells) {
      const change = close.minus(open);
      return extentRow(cls, open, maxZero(change), maxZero(change.neg()), close);
    }
    const stay = cells.get(cls)!.get(cls)!;
    const rowSum = sum(cells.get(cls)!.values());
    const colSum = sum(classIds.map((from) => cells.get(from)!.get(cls)!));
    return extentRow(cls, open, colSum.minus(stay), rowSum.minus(stay), close);
  });
  return {
    basis: cells ? 'transition_matrix' : 'net_change',
    rows,
    total: totalRow(rows),
    matrix: cells,
    transitionIssues: checked?.issues ?? [],
  };
}

function stockRows(config: BalanceSheetConfig, opening: InputRecord, closing: InputRecord): StockRow[] {
  return config.stocks.map(({ input }) => {
    const open = opening.values.get(input.id) as Dec | undefined;
    const close = closing.values.get(input.id) as Dec | undefined;
    const change = open && close ? close.minus(open) : undefined;
    return {
      input: input.id,
      labels: input.labels,
      unit: input.unit,
      opening: open,
      closing: close,
      additions: change && maxZero(change),
      reductions: change && maxZero(change.neg()),
    };
  });
}

function serviceValueRows(opening: GepTotals, closing: GepTotals): ServiceValueRow[] {
  const row = (id: ServiceValueLine, open: Dec, close: Dec): ServiceValueRow => ({
    id,
    opening: open,
    closing: close,
    change: close.minus(open),
    changeRate: yearOverYear(close, open),
  });
  return [
    ...CATEGORIES.map((c) => row(c, opening.categoryValues[c], closing.categoryValues[c])),
    row('gep', opening.gep, closing.gep),
    row('out_of_region_deduction', opening.outOfRegionDeduction, closing.outOfRegionDeduction),
    row('gep_net', opening.gepNet, closing.gepNet),
  ];
}

function assetValueOf(
  config: BalanceSheetConfig,
  opening: GepTotals,
  closing: GepTotals,
  options: AssetValueOptions,
): AssetValue {
  const rate = options.rate ?? config.assetValue.rate;
  const years = options.years ?? config.assetValue.years;
  const { categories, rentShares } = config.assetValue;
  // provisioning on its resource rent (value × rent share per product) when the config gives the shares
  const flow = (a: GepTotals) =>
    sum(
      categories.map((c) =>
        c === 'provisioning' && rentShares
          ? sum([...rentShares].map(([id, share]) => (a.productValues.get(id) ?? ZERO).times(share)))
          : a.categoryValues[c],
      ),
    );
  const [openingFlow, closingFlow] = [flow(opening), flow(closing)];
  return {
    rate,
    years,
    categories,
    openingFlow,
    closingFlow,
    opening: assetValueAnnuityDue(openingFlow, rate, years),
    closing: assetValueAnnuityDue(closingFlow, rate, years),
    source:
      options.rate || options.years
        ? `rate and horizon chosen for this report (config: ${config.assetValue.source})`
        : config.assetValue.source,
    rentShares,
    rentSource: config.assetValue.rentSource,
  };
}

function liabilityAmount(spec: BalanceSheetConfig['liabilities'][number], record: InputRecord): Dec {
  const parts = spec.inputs.map((input) => {
    const v = record.values.get(input.id);
    if (v === undefined)
      throw new AccountingError(
        `${record.township} ${record.year}: no data for ${input.id}, needed by liability "${spec.id}"`,
      );
    return toYuan(input, v as Dec);
  });
  return sum(parts).times(spec.share);
}

function position(assets: Dec, liabilities: readonly Dec[]): Position {
  const total = sum(liabilities);
  return { assets, liabilities: total, netAssets: assets.minus(total) };
}

const L = (zh: string, en: string): Labels => ({ zh, en });

/** A land class's name from the set (its id only if the set does not know it). */
const classLabelsOf =
  (set: { landClasses: readonly { id: string; labels: Labels }[] }) =>
  (id: string): Labels =>
    set.landClasses.find((c) => c.id === id)?.labels ?? L(id, id);

/** The identities of one sheet: extent per class and in total, stocks, service values, net assets. */
export function sheetChecks(
  sheet: Omit<BalanceSheet, 'checks'>,
  classLabels: (id: string) => Labels = (id) => L(id, id),
  tolerance = AREA_TOLERANCE,
): IdentityCheck[] {
  // a matrix field (matrix.<from>, matrix.*.<to>, matrix.<from>.<to>) as the land classes' names
  const fieldText = (field: string | undefined, lang: 'zh' | 'en') =>
    (field ?? '')
      .replace(/^matrix\.?/, '')
      .split('.')
      .filter((p) => p && p !== '*')
      .map((id) => classLabels(id)[lang])
      .join(' → ');
  const checks: IdentityCheck[] = [];
  const { extent } = sheet;
  if (extent.transitionIssues.length)
    checks.push({
      id: 'extent.transition_matrix',
      labels: L('土地利用转移矩阵与两年地类面积一致', 'transition matrix agrees with both years’ land areas'),
      pass: false,
      detail: {
        zh: extent.transitionIssues.map((i) => `${fieldText(i.field, 'zh')}：${i.message.zh}`).join('；'),
        en: extent.transitionIssues.map((i) => `${fieldText(i.field, 'en')}: ${i.message.en}`).join('; '),
      },
    });
  for (const r of [...extent.rows, extent.total]) {
    const name = r === extent.total ? L('合计', 'total') : classLabels(r.landClass);
    checks.push(
      compare(
        `extent.${r.landClass}`,
        L(
          `期初 + 本期增加 − 本期减少 = 期末（${name.zh}）`,
          `opening + additions − reductions = closing (${name.en})`,
        ),
        r.opening.plus(r.additions).minus(r.reductions),
        r.closing,
        tolerance,
      ),
    );
  }
  for (const s of sheet.stocks)
    if (s.opening && s.closing && s.additions && s.reductions)
      checks.push(
        compare(
          `stock.${s.input}`,
          L(
            `期初 + 本期增加 − 本期减少 = 期末（${s.labels.zh}）`,
            `opening + additions − reductions = closing (${s.labels.en})`,
          ),
          s.opening.plus(s.additions).minus(s.reductions),
          s.closing,
          MONEY_TOLERANCE,
        ),
      );
  const line = (id: ServiceValueLine) => sheet.serviceValues.find((r) => r.id === id)!;
  for (const when of ['opening', 'closing'] as const)
    checks.push(
      compare(
        `service_value.${when}`,
        L(
          `三类服务价值之和 = GEP（${when === 'opening' ? '期初' : '期末'}）`,
          `Σ categories = GEP (${when})`,
        ),
        sum(CATEGORIES.map((c) => line(c)[when])),
        line('gep')[when],
        MONEY_TOLERANCE,
      ),
    );
  for (const when of ['opening', 'closing'] as const) {
    const p = sheet[when];
    checks.push(
      compare(
        `liabilities.${when}`,
        L(
          `负债合计 = 各项负债之和（${when === 'opening' ? '期初' : '期末'}）`,
          `total liabilities = Σ lines (${when})`,
        ),
        sum(sheet.liabilities.map((l) => l[when])),
        p.liabilities,
        MONEY_TOLERANCE,
      ),
      compare(
        `net_assets.${when}`,
        L(
          `资产 − 负债 = 净资产（${when === 'opening' ? '期初' : '期末'}）`,
          `assets − liabilities = net assets (${when})`,
        ),
        p.assets.minus(p.liabilities),
        p.netAssets,
        MONEY_TOLERANCE,
      ),
    );
  }
  return checks;
}

/** The balance sheet of one township between two years. */
export function townshipBalanceSheet(args: {
  set: CompiledSet;
  config: BalanceSheetConfig;
  opening: YearData;
  closing: YearData;
  transition?: TransitionMatrix;
  assetValue?: AssetValueOptions;
}): BalanceSheet {
  const { set, config, opening, closing } = args;
  const township = closing.record.township;
  if (opening.record.township !== township || opening.record.year >= closing.record.year)
    throw new AccountingError(
      `a balance sheet needs the same township and an opening year before the closing year (got ${opening.record.township} ${opening.record.year}, ${township} ${closing.record.year})`,
    );
  const classIds = set.landClasses.map((c) => c.id);
  const areas = (r: InputRecord) => landAreaFromRecord(set, r, config.landAreaInput.id);
  const lines = config.liabilities.map((spec) => ({
    id: spec.id,
    labels: spec.labels,
    basis: spec.basis,
    source: spec.source,
    share: spec.share,
    kind: spec.kind,
    opening: liabilityAmount(spec, opening.record),
    closing: liabilityAmount(spec, closing.record),
  }));
  const liabilities = lines.filter((l) => l.kind === 'stock');
  const liabilityFlows = lines.filter((l) => l.kind === 'flow');
  const assetValue = assetValueOf(config, opening.account, closing.account, args.assetValue ?? {});
  const sheet = {
    scope: township,
    openingYear: opening.record.year,
    closingYear: closing.record.year,
    extent: extentAccount(classIds, areas(opening.record), areas(closing.record), args.transition),
    stocks: stockRows(config, opening.record, closing.record),
    serviceValues: serviceValueRows(opening.account, closing.account),
    assetValue,
    liabilities,
    liabilityFlows,
    opening: position(
      assetValue.opening,
      liabilities.map((l) => l.opening),
    ),
    closing: position(
      assetValue.closing,
      liabilities.map((l) => l.closing),
    ),
  };
  return { ...sheet, checks: sheetChecks(sheet, classLabelsOf(set)) };
}

const sumDefined = (values: readonly (Dec | undefined)[]) =>
  values.every((v) => v !== undefined) ? sum(values as Dec[]) : undefined;

function addMatrices(
  classIds: readonly string[],
  matrices: readonly ReadonlyMap<string, ReadonlyMap<string, Dec>>[],
): Map<string, Map<string, Dec>> {
  return new Map(
    classIds.map((from) => [
      from,
      new Map(classIds.map((to) => [to, sum(matrices.map((m) => m.get(from)!.get(to)!))])),
    ]),
  );
}

/**
 * The balance sheets of every township of a region and of the county, the county's figures being the
 * sums of the townships' (the asset value: the NPV of the county's flow, checked against the sum).
 */
export function regionBalanceSheet(args: {
  set: CompiledSet;
  config: BalanceSheetConfig;
  opening: { records: readonly InputRecord[]; region: RegionAccount };
  closing: { records: readonly InputRecord[]; region: RegionAccount };
  transitions?: readonly TransitionMatrix[];
  assetValue?: AssetValueOptions;
}): RegionBalanceSheet {
  const { set, config, opening, closing } = args;
  const find = <T extends { township: string }>(list: readonly T[], township: string, what: string): T => {
    const found = list.find((x) => x.township === township);
    if (!found) throw new AccountingError(`${township}: no ${what}`);
    return found;
  };
  const townships = closing.region.townships.map((closingAccount) => {
    const t = closingAccount.township;
    return townshipBalanceSheet({
      set,
      config,
      opening: {
        record: find(opening.records, t, `record for ${opening.region.year}`),
        account: find(opening.region.townships, t, `account for ${opening.region.year}`),
      },
      closing: {
        record: find(closing.records, t, `record for ${closing.region.year}`),
        account: closingAccount,
      },
      transition: args.transitions?.find(
        (m) => m.township === t && m.fromYear === opening.region.year && m.toYear === closing.region.year,
      ),
      assetValue: args.assetValue,
    });
  });

  const classIds = set.landClasses.map((c) => c.id);
  const extentRows = classIds.map((cls, i) => {
    const rows = townships.map((s) => s.extent.rows[i]!);
    return extentRow(
      cls,
      sum(rows.map((r) => r.opening)),
      sum(rows.map((r) => r.additions)),
      sum(rows.map((r) => r.reductions)),
      sum(rows.map((r) => r.closing)),
    );
  });
  const bases = new Set(townships.map((s) => s.extent.basis));
  const matrices = townships.flatMap((s) => (s.extent.matrix ? [s.extent.matrix] : []));
  const extent: ExtentAccount = {
    basis: bases.size === 1 ? [...bases][0]! : 'mixed',
    rows: extentRows,
    total: totalRow(extentRows),
    matrix: matrices.length === townships.length ? addMatrices(classIds, matrices) : undefined,
    transitionIssues: townships.flatMap((s) => s.extent.transitionIssues),
  };
  const stocks = config.stocks.map(({ input }, i): StockRow => {
    const rows = townships.map((s) => s.stocks[i]!);
    return {
      input: input.id,
      labels: input.labels,
      unit: input.unit,
      opening: sumDefined(rows.map((r) => r.opening)),
      closing: sumDefined(rows.map((r) => r.closing)),
      additions: sumDefined(rows.map((r) => r.additions)),
      reductions: sumDefined(rows.map((r) => r.reductions)),
    };
  });
  const countyLines = (kind: 'stock' | 'flow') =>
    config.liabilities
      .filter((spec) => spec.kind === kind)
      .map((spec, i): LiabilityLine => {
        const lines = townships.map((s) => (kind === 'stock' ? s.liabilities : s.liabilityFlows)[i]!);
        return {
          id: spec.id,
          labels: spec.labels,
          basis: spec.basis,
          source: spec.source,
          share: spec.share,
          kind,
          opening: sum(lines.map((l) => l.opening)),
          closing: sum(lines.map((l) => l.closing)),
        };
      });
  const liabilities = countyLines('stock');
  const liabilityFlows = countyLines('flow');
  const assetValue = assetValueOf(config, opening.region, closing.region, args.assetValue ?? {});
  const totalSheet = {
    scope: TOTAL_KEY,
    openingYear: opening.region.year,
    closingYear: closing.region.year,
    extent,
    stocks,
    serviceValues: serviceValueRows(opening.region, closing.region),
    assetValue,
    liabilities,
    liabilityFlows,
    opening: position(
      assetValue.opening,
      liabilities.map((l) => l.opening),
    ),
    closing: position(
      assetValue.closing,
      liabilities.map((l) => l.closing),
    ),
  };
  const total: BalanceSheet = { ...totalSheet, checks: sheetChecks(totalSheet, classLabelsOf(set)) };
  const countyEqualsSum = (id: string, labels: Labels, pick: (s: BalanceSheet) => Dec, tol: Dec) =>
    compare(`county_sum.${id}`, labels, pick(total), sum(townships.map(pick)), tol);
  const checks = [
    ...total.checks,
    countyEqualsSum(
      'gep',
      L('全县GEP = 各乡镇之和（期末）', 'county GEP = Σ townships (closing)'),
      (s) => s.serviceValues.find((r) => r.id === 'gep')!.closing,
      MONEY_TOLERANCE,
    ),
    countyEqualsSum(
      'asset_value',
      L('全县生态资产价值 = 各乡镇之和（期末）', 'county asset value = Σ townships (closing)'),
      (s) => s.closing.assets,
      MONEY_TOLERANCE,
    ),
    countyEqualsSum(
      'net_assets',
      L('全县净资产 = 各乡镇之和（期末）', 'county net assets = Σ townships (closing)'),
      (s) => s.closing.netAssets,
      MONEY_TOLERANCE,
    ),
  ];
  return { townships, total, checks };
}

/**
 * The natural-resource asset tenure audit pack (领导干部自然资源资产离任审计): for a region or township and a
 * tenure (start and end year), the opening stock, change and closing stock of the natural-resource assets
 * (land by class, forest stock, water resources, asset value), GEP at constant prices and its growth, the
 * binding indicators (约束性指标) against their targets, and a pre-filled 100-point score computed by the
 * shared assessment engine. The change of stocks between start and end of the tenure is the basis (Yunnan
 * rule); GEP is one difference of two accounts (src/domain/difference.ts). Pure.
 */
import { accountTownship, aggregateRegion, type InputRecord, type TownshipAccount } from './accounting.js';
import type { BalanceSheetConfig } from './balance-sheet-config.js';
import { regionBalanceSheet, type RegionBalanceSheet } from './balance-sheet.js';
import { Dec, ZERO, readDecimal, sum } from './decimal.js';
import { difference, growth, type Difference } from './difference.js';
import type { CompiledSet } from './model.js';
import { roleInput, roleUnit } from './roles.js';
import { convertValue } from './units.js';
import {
  scoreScheme,
  type AssessmentResult,
  type AssessmentScheme,
  type IndicatorValue,
} from './assessment/index.js';
import type { Labels } from '../methods/schema.js';

/** A binding indicator (约束性指标) with its target, as the audit configuration gives it. */
export interface BindingIndicator {
  readonly id: string;
  readonly labels: Labels;
  /** 'hm2' for areas, '%' for shares (stored as fractions). */
  readonly unit: 'hm2' | '%';
  /** at_least: 耕地保有量 ≥ target; at_most: 建设用地总规模 ≤ target. */
  readonly bound: 'at_least' | 'at_most';
  readonly target: Dec;
  /** How the figure is found: an area or share of land classes in the end-year data, or a reported figure. */
  readonly figure:
    | { readonly kind: 'land_area'; readonly classes: readonly string[] }
    | { readonly kind: 'land_share'; readonly classes: readonly string[] }
    | { readonly kind: 'reported'; readonly value: Dec; readonly reportedBy: Labels };
  readonly source: string;
  readonly verified: boolean;
}

/** An item of the scheme a department reports (tasks not started, damage cases…): the audit team enters it. */
export interface DepartmentItem {
  readonly id: string;
  readonly labels: Labels;
  readonly unit: string;
  /** Entered as a percentage ("95%"), stored as a fraction. */
  readonly percent: boolean;
  /** The figure lies in 0…max (the configuration's bound). */
  readonly max: Dec;
  /** A count (项, 起): whole numbers only. */
  readonly whole: boolean;
  readonly department: Labels;
  readonly prefilled?: Dec;
}

/** The audit configuration: binding indicators and the scoring scheme, with pre-filled department scores. */
export interface TenureAuditConfig {
  readonly id: string;
  readonly version: string;
  readonly title: Labels;
  readonly indicators: readonly BindingIndicator[];
  readonly scheme: AssessmentScheme;
  /** Figures of the scheme's other indicators (department-assessed), pre-filled for the auditor to confirm. */
  readonly prefilled: ReadonlyMap<string, IndicatorValue>;
  /** The department-assessed items, with the bounds of what may be entered for them. */
  readonly departmentItems: readonly DepartmentItem[];
}

/**
 * Reads a figure the audit team enters for a department item: a finite number in 0…max (a percentage with "%"
 * where the item is a share), whole for a count. The value, or the reason in both languages.
 */
export function readDepartmentFigure(
  item: DepartmentItem,
  text: string,
): { ok: true; value: Dec } | { ok: false; message: Labels } {
  const t = String(text ?? '')
    .normalize('NFKC')
    .trim();
  const name = item.labels;
  const shown = (d: Dec) => (item.percent ? `${d.times(100).toString()}%` : `${d.toString()} ${item.unit}`);
  const bad = (zh: string, en: string) => ({
    ok: false as const,
    message: { zh: `${name.zh}：${zh}`, en: `${name.en}: ${en}` },
  });
  const isPercent = item.percent && t.endsWith('%');
  const r = readDecimal(isPercent ? t.slice(0, -1) : t);
  if (!r.ok) return bad(r.message.zh, r.message.en);
  const v = isPercent ? r.value.div(100) : r.value;
  if (v.isNeg() || v.gt(item.max))
    return bad(`"${t}"须在 0 与 ${shown(item.max)} 之间`, `"${t}" must lie between 0 and ${shown(item.max)}`);
  if (item.whole && !v.isInteger()) return bad(`"${t}"须为整数`, `"${t}" must be a whole number`);
  return { ok: true, value: v };
}

export interface StockLine {
  readonly id: string;
  readonly group: 'land' | 'stock' | 'asset_value';
  readonly labels: Labels;
  readonly unit: string;
  readonly opening?: Dec;
  /** additions − reductions over the tenure */
  readonly change?: Dec;
  readonly closing?: Dec;
}

export interface IndicatorStatus {
  readonly indicator: BindingIndicator;
  readonly figure?: Dec;
  /** at_least: figure ÷ target; at_most: target ÷ figure (1 = exactly on target). */
  readonly completion?: Dec;
  readonly met?: boolean;
}

export interface TenureAudit {
  readonly scope: { readonly id: string; readonly labels: Labels };
  readonly startYear: number;
  readonly endYear: number;
  readonly constantPriceYear: number;
  readonly stocks: readonly StockLine[];
  /** Lines whose opening + change ≠ closing (should be empty). */
  readonly broken: readonly string[];
  readonly balanceSheet: RegionBalanceSheet;
  /** GEP at constant prices, start vs end of the tenure. */
  readonly gep: Difference;
  readonly gepGrowth?: Dec;
  /** GEP at constant prices in every year of the tenure that has data. */
  readonly series: ReadonlyArray<{ year: number; gep: Dec; gepNet: Dec }>;
  /** For a tenure of more than three years: the last three years' difference (end vs end − 3). */
  readonly lastThree?: { readonly startYear: number; readonly gep: Difference; readonly growth?: Dec };
  readonly indicators: readonly IndicatorStatus[];
  readonly score: AssessmentResult;
}

export class AuditError extends Error {
  constructor(readonly messages: Labels) {
    super(messages.en);
  }
}

/** hm² per land class, summed over the records. */
function landAreas(set: CompiledSet, records: readonly InputRecord[]): Map<string, Dec> {
  const input = roleInput(set, 'land_area');
  const m = new Map<string, Dec>();
  if (!input?.perLandClass) return m;
  for (const r of records) {
    const v = r.values.get(input.id);
    if (!(v instanceof Map)) continue;
    for (const [cls, x] of v)
      m.set(cls, (m.get(cls) ?? ZERO).plus(convertValue(x, input.unitValue, roleUnit('land_area'))));
  }
  return m;
}

/** The figure of a binding indicator from the end-year records. */
export function indicatorStatus(
  set: CompiledSet,
  indicator: BindingIndicator,
  records: readonly InputRecord[],
): IndicatorStatus {
  const areas = landAreas(set, records);
  const f = indicator.figure;
  let figure: Dec | undefined;
  if (f.kind === 'reported') figure = f.value;
  else if (areas.size) {
    const part = sum(f.classes.map((c) => areas.get(c) ?? ZERO));
    const total = sum(areas.values());
    figure = f.kind === 'land_area' ? part : total.isZero() ? undefined : part.div(total);
  }
  if (figure === undefined) return { indicator };
  const completion =
    indicator.bound === 'at_least'
      ? indicator.target.isZero()
        ? undefined
        : figure.div(indicator.target)
      : figure.isZero()
        ? undefined
        : indicator.target.div(figure);
  const met = indicator.bound === 'at_least' ? figure.gte(indicator.target) : figure.lte(indicator.target);
  return { indicator, figure, completion, met };
}

/**
 * The audit pack. `years` holds the approved records of the scope's townships by year; the start and end years
 * must both be there, for the same townships.
 */
export function tenureAudit(args: {
  set: CompiledSet;
  balanceSheet: BalanceSheetConfig;
  config: TenureAuditConfig;
  profile: string;
  constantPriceYear: number;
  scope: { id: string; labels: Labels };
  startYear: number;
  endYear: number;
  years: ReadonlyMap<number, readonly InputRecord[]>;
  /** Figures the audit team entered for department items: they replace the configuration's pre-filled ones. */
  departmentFigures?: ReadonlyMap<string, IndicatorValue>;
}): TenureAudit {
  const { set, startYear, endYear, years } = args;
  if (!(Number.isInteger(startYear) && Number.isInteger(endYear) && endYear > startYear))
    throw new AuditError({
      zh: '任期终止年份须晚于起始年份',
      en: 'the end year of the tenure must follow its start year',
    });
  for (const y of [startYear, endYear])
    if (!years.get(y)?.length)
      throw new AuditError({
        zh: `${y} 年没有已审核数据，不能编制任期审计表`,
        en: `no approved data for ${y}: the tenure audit cannot be made`,
      });
  const accounts = new Map<number, TownshipAccount[]>();
  const accountYear = (y: number) => {
    let a = accounts.get(y);
    if (!a)
      accounts.set(
        y,
        (a = years
          .get(y)!
          .map((r) => accountTownship(set, r, args.profile, { constantPriceYear: args.constantPriceYear }))),
      );
    return a;
  };
  const opening = { records: years.get(startYear)!, region: aggregateRegion(accountYear(startYear)) };
  const closing = { records: years.get(endYear)!, region: aggregateRegion(accountYear(endYear)) };
  const sheet = regionBalanceSheet({ set, config: args.balanceSheet, opening, closing });
  const total = sheet.total;

  const stocks: StockLine[] = [
    ...total.extent.rows.map((r) => ({
      id: `land.${r.landClass}`,
      group: 'land' as const,
      labels: set.landClasses.find((c) => c.id === r.landClass)!.labels,
      unit: 'hm²',
      opening: r.opening,
      change: r.additions.minus(r.reductions),
      closing: r.closing,
    })),
    ...total.stocks.map((s) => ({
      id: `stock.${s.input}`,
      group: 'stock' as const,
      labels: s.labels,
      unit: s.unit,
      opening: s.opening,
      change: s.additions && s.reductions && s.additions.minus(s.reductions),
      closing: s.closing,
    })),
    {
      id: 'asset_value',
      group: 'asset_value',
      labels: { zh: '生态资产价值（不变价）', en: 'Ecosystem asset value (constant prices)' },
      unit: '元',
      opening: total.assetValue.opening,
      change: total.assetValue.closing.minus(total.assetValue.opening),
      closing: total.assetValue.closing,
    },
  ];
  // the ledger's identity, line by line: opening + change = closing
  const tolerance = new Dec('1e-9');
  const broken = stocks
    .filter((s) => s.opening && s.change && s.closing)
    .filter((s) => !s.opening!.plus(s.change!).minus(s.closing!).abs().lte(tolerance))
    .map((s) => s.id);

  const gep = difference(set, accountYear(startYear), accountYear(endYear));
  const series = [...years.keys()]
    .filter((y) => y >= startYear && y <= endYear)
    .sort((a, b) => a - b)
    .map((y) => {
      const a = accountYear(y);
      return { year: y, gep: sum(a.map((x) => x.gep)), gepNet: sum(a.map((x) => x.gepNet)) };
    });
  let lastThree: TenureAudit['lastThree'];
  // 任期超过三年的，重点评价近三年: the last three years are end − 3 → end
  const threeBack = endYear - 3;
  if (threeBack > startYear && years.get(threeBack)?.length) {
    const d = difference(set, accountYear(threeBack), accountYear(endYear));
    lastThree = { startYear: threeBack, gep: d, growth: growth(d.gep) };
  }

  const indicators = args.config.indicators.map((i) => indicatorStatus(set, i, years.get(endYear)!));
  const gepGrowth = growth(gep.gep);
  const figures = new Map<string, IndicatorValue>(args.config.prefilled);
  for (const [id, v] of args.departmentFigures ?? []) figures.set(id, v);
  for (const s of indicators)
    if (s.figure !== undefined)
      figures.set(s.indicator.id, {
        value: s.figure,
        provenance: { zh: `${endYear} 年已审核数据`, en: `approved data of ${endYear}` },
      });
  if (gepGrowth !== undefined)
    figures.set('gep_growth', {
      value: gepGrowth,
      provenance: {
        zh: `${startYear}–${endYear} 年 GEP（${args.constantPriceYear} 年不变价）`,
        en: `GEP ${startYear}–${endYear} at ${args.constantPriceYear} constant prices`,
      },
    });
  const score = scoreScheme(args.config.scheme, new Map([[args.scope.id, figures]]), {
    names: new Map([[args.scope.id, args.scope.labels]]),
  });

  return {
    scope: args.scope,
    startYear,
    endYear,
    constantPriceYear: args.constantPriceYear,
    stocks,
    broken,
    balanceSheet: sheet,
    gep,
    gepGrowth,
    series,
    lastThree,
    indicators,
    score,
  };
}

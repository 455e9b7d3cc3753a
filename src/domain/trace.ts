import type { Dec } from './decimal.js';
import type { ComponentResult, TownshipAccount } from './accounting.js';
import type { CompiledSet, ComponentModel, FormulaModel } from './model.js';
import { pricedSet } from './prices.js';
import type { Labels } from '../methods/schema.js';

/** One symbol of a formula as it was used: where its value came from and what it was. */
export interface TraceSymbol {
  readonly symbol: string;
  readonly kind: 'input' | 'parameter' | 'quantity' | 'own_quantity';
  readonly labels: Labels;
  readonly value: string;
  readonly unit: string;
  readonly landClass?: string;
  readonly source?: string;
  readonly verified?: boolean;
  readonly priceYear?: number | null;
  /** A money parameter restated from its price year: stated value × toIndex ÷ fromIndex = value. */
  readonly restatement?: {
    readonly index: string;
    readonly stated: string;
    readonly fromYear: number;
    readonly toYear: number;
    readonly fromIndex: string;
    readonly toIndex: string;
    readonly factor: string;
  };
  readonly department?: Labels;
  /** The coefficient set version that set a parameter's value. */
  readonly definedIn?: string;
}

export interface FormulaTrace {
  readonly formula: string;
  readonly unit: string;
  readonly result: string;
  readonly symbols: readonly TraceSymbol[];
}

/** How one figure was computed (核算依据): formulas, inputs, parameters, set version. */
export interface ComponentTrace {
  readonly township: string;
  readonly year: number;
  readonly set: { id: string; version: string; hash: string };
  readonly profile: string;
  readonly product: string;
  readonly component: string;
  readonly landClass?: string;
  readonly status: ComponentResult['status'];
  readonly reason?: string;
  readonly method: string;
  readonly quantity?: FormulaTrace;
  readonly override?: {
    quantity: string;
    unit: string;
    source: string;
    /** Per-class component: split over the classes by the formula's split, or a total not allocated. */
    allocation?: 'by_formula' | 'unallocated';
    note?: Labels;
  };
  readonly cap?: FormulaTrace & { applied: boolean; uncapped?: string };
  readonly value?: FormulaTrace;
  /** Share of the value from outside the region and the amount deducted for net GEP (元). */
  readonly outOfRegion?: FormulaTrace & { deducted: string; missing?: readonly string[] };
  /** The prices the figures are at. */
  readonly prices?: TownshipAccount['prices'];
}

function describe(
  set: CompiledSet,
  account: TownshipAccount,
  component: ComponentModel,
  formula: FormulaModel,
  landClass: string | undefined,
  result: Dec | undefined,
  ownQuantity?: Dec,
): FormulaTrace {
  const { layout } = set;
  const symbols: TraceSymbol[] = [];
  const read = (name: string): Dec | undefined => {
    const slot = landClass !== undefined ? layout.perClass(name, landClass) : undefined;
    const perClass = slot !== undefined ? account.env[slot] : undefined;
    return perClass ?? account.env[layout.scalar(name) ?? -1];
  };
  for (const name of formula.checked.symbols) {
    if (name === 'Q') {
      symbols.push({
        symbol: 'Q',
        kind: 'own_quantity',
        labels: component.labels,
        value: ownQuantity?.toString() ?? '',
        unit: component.quantity.unitText,
        landClass,
      });
      continue;
    }
    const param = set.parameters.get(name);
    if (param) {
      const v = param.values ? param.values.get(landClass ?? '') : param.value;
      const r = param.restatement;
      const stated = r && (r.stated instanceof Map ? r.stated.get(landClass ?? '') : r.stated);
      symbols.push({
        symbol: name,
        kind: 'parameter',
        labels: param.labels,
        value: v?.toString() ?? '',
        unit: param.unitText,
        landClass: param.values ? landClass : undefined,
        source: param.source,
        verified: param.verified,
        priceYear: param.priceYear,
        restatement: r && {
          index: r.index,
          stated: stated?.toString() ?? '',
          fromYear: r.fromYear,
          toYear: r.toYear,
          fromIndex: r.fromIndex.toString(),
          toIndex: r.toIndex.toString(),
          factor: r.factor.toString(),
        },
        definedIn: param.definedIn,
      });
      continue;
    }
    const input = set.inputs.find((i) => i.id === name);
    if (input) {
      symbols.push({
        symbol: name,
        kind: 'input',
        labels: input.labels,
        value: read(name)?.toString() ?? '',
        unit: input.unit,
        landClass: input.perLandClass ? landClass : undefined,
        department: input.department,
      });
      continue;
    }
    const other = set.components.find((c) => c.id === name)!;
    const perClass = landClass !== undefined && other.landClasses?.includes(landClass);
    symbols.push({
      symbol: name,
      kind: 'quantity',
      labels: other.labels,
      value: read(name)?.toString() ?? '',
      unit: other.quantity.unitText,
      landClass: perClass ? landClass : undefined,
    });
  }
  return { formula: formula.text, unit: formula.unitText, result: result?.toString() ?? '', symbols };
}

const ALLOCATION_NOTES: Record<'by_formula' | 'unallocated' | 'none', Labels | undefined> = {
  by_formula: {
    zh: '外部实物量按公式各地类结果的比例分摊到地类',
    en: "the external quantity is split over the land classes in proportion to the formula's own result per class",
  },
  unallocated: {
    zh: '外部实物量作为总量计入，未分摊到地类（记为“未分配到生态系统”）',
    en: 'the external quantity is taken as a total, not allocated to land classes (shown as not allocated to an ecosystem)',
  },
  none: undefined,
};

/** The trace of a component's total, or of one land class of a per-class component. */
export function traceComponent(
  stated: CompiledSet,
  account: TownshipAccount,
  componentId: string,
  landClass?: string,
): ComponentTrace {
  // the parameters as the account used them: restated to the prices of its figures
  const set = account.prices ? pricedSet(stated, account.prices.year) : stated;
  const result = account.components.find((r) => r.component.id === componentId);
  if (!result)
    throw new Error(`component "${componentId}" is not in this account (profile ${account.profile})`);
  const c = result.component;
  if (landClass !== undefined && !c.landClasses?.includes(landClass))
    throw new Error(`component "${componentId}" is not computed per land class "${landClass}"`);
  const base = {
    township: account.township,
    year: account.year,
    set: account.set,
    profile: account.profile,
    product: c.product.id,
    component: c.id,
    landClass,
    status: result.status,
    reason: result.reason,
    method: c.product.method,
    prices: account.prices,
  };
  if (result.status === 'not_applicable') return base;
  const q = landClass !== undefined ? result.quantityByClass?.get(landClass) : result.quantity;
  const v = landClass !== undefined ? result.valueByClass?.get(landClass) : result.value;
  const override = result.override
    ? {
        quantity: result.override.quantity.toString(),
        unit: c.quantity.unitText,
        source: result.override.source,
        allocation: result.overrideAllocation,
        note: ALLOCATION_NOTES[result.overrideAllocation ?? 'none'],
      }
    : undefined;
  // an unallocated total of a per-class component has no classes: its value is traced as a total
  const unallocated = result.overrideAllocation === 'unallocated';
  const perClassTotal = landClass === undefined && c.landClasses !== null && !unallocated;
  return {
    ...base,
    override,
    // the total of a per-class component is the sum of its classes: its trace lists them one by one
    quantity: override || perClassTotal ? undefined : describe(set, account, c, c.quantity, landClass, q),
    cap: c.cap
      ? {
          ...describe(set, account, c, c.cap, undefined, result.uncapped ? result.quantity : undefined),
          applied: result.uncapped !== undefined,
          uncapped: result.uncapped?.toString(),
        }
      : undefined,
    value:
      result.status === 'ok' && !perClassTotal
        ? describe(set, account, c, c.value, landClass, v, q)
        : undefined,
    outOfRegion:
      c.outOfRegionShare && result.outOfRegion && landClass === undefined
        ? 'share' in result.outOfRegion
          ? {
              ...describe(set, account, c, c.outOfRegionShare, undefined, result.outOfRegion.share),
              deducted: result.outOfRegion.value.toString(),
            }
          : {
              ...describe(set, account, c, c.outOfRegionShare, undefined, undefined),
              deducted: '0',
              missing: result.outOfRegion.missing,
            }
        : undefined,
  };
}

/** Every figure of an account with its trace: per-class lines and totals. */
export function traceAccount(set: CompiledSet, account: TownshipAccount): ComponentTrace[] {
  const out: ComponentTrace[] = [];
  for (const r of account.components) {
    out.push(traceComponent(set, account, r.component.id));
    if (r.status !== 'not_applicable' && r.quantityByClass)
      for (const cls of r.quantityByClass.keys()) out.push(traceComponent(set, account, r.component.id, cls));
  }
  return out;
}

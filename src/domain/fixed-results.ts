/**
 * The fixed engine's accounts as the rest of the app reads them (TownshipAccount), made without decimal.js on
 * the way: a township-year keeps a copy of its run (BigInt figures at their scales) and its totals are added
 * in BigInt as the decimal engine adds them (fixed-d34.ts: 34 significant digits, in component order, the
 * same decimals digit for digit). A decimal.js value is made only when a figure is read: a region adds its
 * townships' totals, and a report its townships' components and land classes, without one.
 */
import type { Dec } from './decimal.js';
import type { ComponentModel } from './model.js';
import type { PriceBasis } from './prices.js';
import { CATEGORIES, type Category, type EcosystemType } from '../methods/schema.js';
import type {
  ComponentFigure,
  ComponentResult,
  ComponentStatus,
  InputRecord,
  TownshipAccount,
} from './accounting.js';
import { FIXED_ENGINE, pow10 } from './fixed.js';
import { FixedStatus, type FixedPlan, type FixedRunCopy } from './fixed-account.js';
import { D34_ZERO, add34, fromDec, round34, sub34, toDec, within34, type D34 } from './fixed-d34.js';

/** A township-year accounted by the fixed engine: its plan, record and run. */
export interface FixedDetail {
  readonly plan: FixedPlan;
  readonly record: InputRecord;
  readonly prices: PriceBasis | undefined;
  readonly run: FixedRunCopy;
  figures?: FixedFigures;
  /** Component quantities rounded so far (each when first read); `allQuantities` once every one is. */
  quantities?: (D34 | undefined)[];
  allQuantities?: boolean;
  ecosystems?: FixedEcosystems;
  products?: FixedProducts;
}

/** The totals of a township-year in the decimal engine's digits (34 significant), by plan index. */
export interface FixedFigures {
  /** Per component: its value when valued. */
  readonly value: readonly (D34 | undefined)[];
  readonly categories: readonly D34[];
  readonly gep: D34;
  readonly outOfRegionDeduction: D34;
  readonly gepNet: D34;
}

/** The run behind an account: a property that is not enumerable, so a copy made by spreading has none. */
const DETAIL = Symbol('fixed run');

/** The fixed run behind an account, if the fixed engine made it (a copy made by spreading has none). */
export const fixedDetailOf = (a: TownshipAccount): FixedDetail | undefined =>
  (a as { [DETAIL]?: FixedDetail })[DETAIL];

/** The totals of a fixed run, added as the decimal engine adds them (see accounting.ts moneyTotals). */
export function figuresOf(d: FixedDetail): FixedFigures {
  if (d.figures) return d.figures;
  const { plan, run } = d;
  const comps = plan.components;
  const n = comps.length;
  const value = new Array<D34 | undefined>(n);
  const categories = CATEGORIES.map(() => D34_ZERO);
  let computedDeduction = D34_ZERO;
  for (let i = 0; i < n; i++) {
    if (run.status[i] !== FixedStatus.Ok) continue;
    const c = comps[i]!;
    const v = round34(run.v[i]!, c.vScale);
    value[i] = v;
    categories[c.category] = add34(categories[c.category]!, v);
    const o = c.share && !run.shareMissing![i] ? run.outOfRegion![i] : undefined;
    if (o !== undefined) computedDeduction = add34(computedDeduction, round34(o, c.vScale + c.share!.scale));
  }
  let gep = D34_ZERO;
  for (const x of categories) gep = add34(gep, x);
  const role = run.roleValue;
  const outOfRegionDeduction = add34(role ? fromDec(role) : D34_ZERO, computedDeduction);
  return (d.figures = {
    value,
    categories,
    gep,
    outOfRegionDeduction,
    gepNet: sub34(gep, outOfRegionDeduction),
  });
}

/** Per plan product, `order` those with a value in the order a Map of them has (moneyTotals adds them so). */
export interface FixedProducts {
  readonly values: readonly (D34 | undefined)[];
  readonly order: readonly number[];
}

/** The product totals of a run: its component values added in component order (made when first asked for). */
export function productsOf(d: FixedDetail): FixedProducts {
  if (d.products) return d.products;
  const { plan } = d;
  const { value } = figuresOf(d);
  const values = new Array<D34 | undefined>(plan.products.length);
  const order: number[] = [];
  plan.components.forEach((c, i) => {
    const v = value[i];
    if (v === undefined) return;
    const p = values[c.product];
    if (p === undefined) {
      order.push(c.product);
      values[c.product] = v;
    } else values[c.product] = add34(p, v);
  });
  return (d.products = { values, order });
}

/** Per ecosystem type (plan index), in the order a Map of them has: exact sums in fixed point, rounded once. */
export interface FixedEcosystems {
  readonly values: readonly (D34 | undefined)[];
  readonly order: readonly number[];
}

/** The ecosystem totals of a run (made when first asked for). */
export function ecosystemsOf(d: FixedDetail): FixedEcosystems {
  if (d.ecosystems) return d.ecosystems;
  const { plan, run } = d;
  const n = plan.components.length;
  // exact sums, each at the largest scale of its parts so far (the value the same at any larger scale)
  const eco = new Array<bigint | undefined>(plan.ecosystems.length);
  const scale = new Int32Array(plan.ecosystems.length);
  const order: number[] = [];
  const add = (e: number, x: bigint, s: number) => {
    const prev = eco[e];
    if (prev === undefined) {
      order.push(e);
      eco[e] = x;
      scale[e] = s;
    } else if (s === scale[e]) eco[e] = prev + x;
    else if (s < scale[e]!) eco[e] = prev + x * pow10(scale[e]! - s);
    else {
      eco[e] = prev * pow10(s - scale[e]!) + x;
      scale[e] = s;
    }
  };
  plan.components.forEach((c, i) => {
    if (run.status[i] !== FixedStatus.Ok) return;
    if (c.classes) {
      const base = n + plan.classOffset[i]!;
      for (let k = 0; k < c.classes.length; k++) add(c.ecosystems[k]!, run.v[base + k]!, c.vScale);
    } else add(c.ecosystems[0]!, run.v[i]!, c.vScale);
  });
  return (d.ecosystems = {
    values: eco.map((x, e) => (x === undefined ? undefined : round34(x, scale[e]!))),
    order,
  });
}

/** Component i's quantity (34 digits) when it was computed; made when first asked for. */
export function quantityAt(d: FixedDetail, i: number): D34 | undefined {
  const { plan, run } = d;
  if (run.status[i]! < FixedStatus.NotValued) return undefined;
  const qs = (d.quantities ??= new Array<D34 | undefined>(plan.components.length));
  return (qs[i] ??= round34(run.q[i]!, plan.components[i]!.qScale));
}

/** Per component: its quantity (34 digits) when it was computed. */
export function quantitiesOf(d: FixedDetail): readonly (D34 | undefined)[] {
  const n = d.plan.components.length;
  d.quantities ??= new Array<D34 | undefined>(n);
  if (!d.allQuantities) {
    for (let i = 0; i < n; i++) quantityAt(d, i);
    d.allQuantities = true;
  }
  return d.quantities;
}

const categoryRecord = (xs: readonly D34[]) =>
  Object.fromEntries(CATEGORIES.map((c, i) => [c, toDec(xs[i]!)])) as Record<Category, Dec>;

/** A component's quantity and value, each made into a decimal when read. */
class FigureView implements ComponentFigure {
  #q?: Dec;
  #v?: Dec;
  constructor(
    readonly component: ComponentModel,
    private readonly d: FixedDetail,
    private readonly i: number,
    readonly classes: readonly string[] | undefined,
  ) {}
  get quantity(): Dec | undefined {
    // a check reads a few components of every township: only theirs are rounded
    const x = quantityAt(this.d, this.i);
    return x && (this.#q ??= toDec(x));
  }
  get value(): Dec | undefined {
    const x = figuresOf(this.d).value[this.i];
    return x && (this.#v ??= toDec(x));
  }
}

const setRefs = new WeakMap<FixedPlan, TownshipAccount['set']>();

/**
 * The account of a fixed run. Its figures are decimals made when first read; its per-component results with their
 * per-class maps and the trace's evaluation array are made, from the run copy, only when read (a trace, a
 * per-class table).
 */
export function fixedAccount(detail: FixedDetail): TownshipAccount {
  const { plan, record } = detail;
  const { set } = plan;
  let setRef = setRefs.get(plan);
  if (!setRef) setRefs.set(plan, (setRef = { id: set.id, version: set.version, hash: set.hash }));
  const f = () => figuresOf(detail);
  let gep: Dec | undefined;
  let net: Dec | undefined;
  let deduction: Dec | undefined;
  let categories: Record<Category, Dec> | undefined;
  let products: Map<string, Dec> | undefined;
  let ecosystems: Map<EcosystemType | 'unallocated', Dec> | undefined;
  let figures: ComponentFigure[] | undefined;
  let full: { results: ComponentResult[]; env: (Dec | undefined)[] } | undefined;
  const account: TownshipAccount = {
    township: record.township,
    year: record.year,
    set: setRef,
    profile: plan.profile,
    prices: detail.prices,
    get gep() {
      return (gep ??= toDec(f().gep));
    },
    get gepNet() {
      return (net ??= toDec(f().gepNet));
    },
    get outOfRegionDeduction() {
      return (deduction ??= toDec(f().outOfRegionDeduction));
    },
    get categoryValues() {
      return (categories ??= categoryRecord(f().categories));
    },
    get productValues() {
      const x = productsOf(detail);
      return (products ??= new Map(x.order.map((p) => [plan.products[p]!, toDec(x.values[p]!)])));
    },
    get ecosystemValues() {
      const x = ecosystemsOf(detail);
      return (ecosystems ??= new Map(x.order.map((e) => [plan.ecosystems[e]!, toDec(x.values[e]!)])));
    },
    get componentFigures() {
      if (figures) return figures;
      figures = [];
      plan.components.forEach((c, i) => {
        if (detail.run.status[i]! >= FixedStatus.NotValued)
          figures!.push(new FigureView(c.model, detail, i, c.classes ?? undefined));
      });
      return figures;
    },
    get components() {
      return (full ??= fixedResults(detail)).results;
    },
    get env() {
      return (full ??= fixedResults(detail)).env;
    },
    engine: FIXED_ENGINE,
  };
  return Object.defineProperty(account, DETAIL, { value: detail });
}

/** Why a component of a run was not computed (the decimal engine's words). */
function notApplicableReason(d: FixedDetail, i: number): string {
  const c = d.plan.components[i]!;
  const m = c.model;
  const { record, run } = d;
  return run.status[i] === FixedStatus.MissingInput
    ? `no data for ${m.inputsUsed.filter((id) => !record.values.has(id)).join(', ')}`
    : `depends on ${m.componentsUsed.filter((id, k) => c.deps[k]! < 0 || run.status[c.deps[k]!]! < FixedStatus.NotValued).join(', ')}`;
}

const notValuedReason = (m: ComponentModel) => `parameter not set: ${m.unsetParameters.join(', ')}`;

/** The Dec results and evaluation array of a fixed run (the inputs are read again from the record). */
function fixedResults(d: FixedDetail) {
  const { plan, run, record } = d;
  const { set } = plan;
  const env = buildEnv(d);
  const { layout } = set;
  const n = plan.components.length;
  const x = figuresOf(d);
  const results: ComponentResult[] = [];
  plan.components.forEach((c, i) => {
    const m = c.model;
    const st = run.status[i]!;
    if (st === FixedStatus.MissingInput || st === FixedStatus.MissingDependency) {
      results.push({ component: m, status: 'not_applicable', reason: notApplicableReason(d, i) });
      return;
    }
    const quantity = toDec(quantitiesOf(d)[i]!);
    env[layout.scalar(m.id)!] = quantity;
    const base = n + plan.classOffset[i]!;
    let quantityByClass: Map<string, Dec> | undefined;
    if (c.classes) {
      quantityByClass = new Map(c.classes.map((k, j) => [k, toDec(round34(run.q[base + j]!, c.qScale))]));
      for (const [k, q] of quantityByClass) env[layout.perClass(m.id, k)!] = q;
    }
    const uncappedN = run.uncapped?.[i];
    const uncapped = uncappedN === undefined ? undefined : toDec(round34(uncappedN, c.qScale));
    if (st === FixedStatus.NotValued) {
      results.push({
        component: m,
        status: 'not_valued',
        reason: notValuedReason(m),
        quantity,
        quantityByClass,
        uncapped,
        override: undefined,
        overrideAllocation: undefined,
      });
      return;
    }
    const value = toDec(x.value[i]!);
    const valueByClass = c.classes
      ? new Map(c.classes.map((k, j) => [k, toDec(round34(run.v[base + j]!, c.vScale))]))
      : undefined;
    let outOfRegion: ComponentResult['outOfRegion'];
    if (c.share) {
      if (run.shareMissing![i])
        outOfRegion = {
          missing: c.model.outOfRegionShare!.checked.symbols.filter(
            (s) => set.inputs.some((y) => y.id === s) && !record.values.has(s),
          ),
        };
      else
        outOfRegion = {
          share: toDec(round34(run.share![i]!, c.share.scale)),
          value: toDec(round34(run.outOfRegion![i]!, c.vScale + c.share.scale)),
        };
    }
    results.push({
      component: m,
      status: 'ok',
      quantity,
      quantityByClass,
      value,
      valueByClass,
      uncapped,
      override: undefined,
      outOfRegion,
      overrideAllocation: undefined,
    });
  });
  // a record with overrides goes to the decimal engine: nothing here is an unused override
  return { results, env };
}

/** The evaluation array of a record's inputs (as accounting.ts buildEnv). */
function buildEnv(d: FixedDetail): (Dec | undefined)[] {
  const { set } = d.plan;
  const env: (Dec | undefined)[] = new Array(set.layout.size);
  for (const input of set.inputs) {
    const v = d.record.values.get(input.id);
    if (v === undefined) continue;
    if (input.perLandClass) {
      for (const [cls, x] of v as ReadonlyMap<string, Dec>) env[set.layout.perClass(input.id, cls)!] = x;
    } else env[set.layout.scalar(input.id)!] = v as Dec;
  }
  return env;
}

/* ---------- a region of fixed accounts ---------- */

/** The fixed runs of accounts when all have one, of one plan (else the decimal way is taken). */
function runsOf(accounts: readonly TownshipAccount[]): FixedDetail[] | undefined {
  const out: FixedDetail[] = [];
  for (const a of accounts) {
    const d = fixedDetailOf(a);
    if (!d || d.plan !== (out[0]?.plan ?? d.plan)) return undefined;
    out.push(d);
  }
  return out;
}

/** Sums by key in first-seen order, as a Map of decimals fills (aggregateRegion's addInto). */
class OrderedSums {
  readonly sums: (D34 | undefined)[];
  readonly order: number[] = [];
  constructor(size: number) {
    this.sums = new Array<D34 | undefined>(size);
  }
  add(k: number, x: D34) {
    const prev = this.sums[k];
    if (prev === undefined) {
      this.order.push(k);
      this.sums[k] = add34(D34_ZERO, x);
    } else this.sums[k] = add34(prev, x);
  }
  map<K>(key: (k: number) => K): Map<K, Dec> {
    return new Map(this.order.map((k) => [key(k), toDec(this.sums[k]!)]));
  }
}

/**
 * The totals of a region of fixed accounts (see aggregateRegion), each added as decimal.js adds them: GEP, the
 * categories and the deduction at once; the per-component, product and ecosystem maps when first asked for (a
 * report of the county may read none of them).
 */
export interface FixedRegionTotals {
  readonly categoryValues: Record<Category, Dec>;
  readonly gep: Dec;
  readonly outOfRegionDeduction: Dec;
  readonly gepNet: Dec;
  /** Townships whose categories do not add up to their GEP (within 10⁻⁹ 元). */
  readonly broken: readonly string[];
  readonly components: () => {
    readonly quantities: Map<string, Dec>;
    readonly values: Map<string, Dec>;
  };
  readonly productValues: () => Map<string, Dec>;
  readonly ecosystemValues: () => Map<EcosystemType | 'unallocated', Dec>;
}

/** The region's totals from its townships' fixed runs, or undefined when some account is not a fixed one. */
export function fixedRegionTotals(accounts: readonly TownshipAccount[]): FixedRegionTotals | undefined {
  const runs = runsOf(accounts);
  if (!runs?.length) return undefined;
  const plan = runs[0]!.plan;
  const n = plan.components.length;
  const categories = CATEGORIES.map(() => D34_ZERO);
  let gep = D34_ZERO;
  let deduction = D34_ZERO;
  const broken: string[] = [];
  for (const d of runs) {
    const f = figuresOf(d);
    let cats = D34_ZERO;
    for (let c = 0; c < categories.length; c++) {
      categories[c] = add34(categories[c]!, f.categories[c]!);
      cats = add34(cats, f.categories[c]!);
    }
    if (!within34(cats, f.gep, 9)) broken.push(`${d.record.township}: Σ categories ≠ GEP`);
    gep = add34(gep, f.gep);
    deduction = add34(deduction, f.outOfRegionDeduction);
  }
  const id = (i: number) => plan.components[i]!.model.id;
  return {
    categoryValues: categoryRecord(categories),
    gep: toDec(gep),
    outOfRegionDeduction: toDec(deduction),
    gepNet: toDec(sub34(gep, deduction)),
    broken,
    components: () => {
      const quantities = new OrderedSums(n);
      const values = new OrderedSums(n);
      for (const d of runs) {
        const f = figuresOf(d);
        const qs = quantitiesOf(d);
        for (let i = 0; i < n; i++) {
          const q = qs[i];
          if (q === undefined) continue;
          quantities.add(i, q);
          const v = f.value[i];
          if (v !== undefined) values.add(i, v);
        }
      }
      return { quantities: quantities.map(id), values: values.map(id) };
    },
    productValues: () => {
      const products = new OrderedSums(plan.products.length);
      for (const d of runs) {
        const prods = productsOf(d);
        for (const p of prods.order) products.add(p, prods.values[p]!);
      }
      return products.map((p) => plan.products[p]!);
    },
    ecosystemValues: () => {
      const ecosystems = new OrderedSums(plan.ecosystems.length);
      for (const d of runs) {
        const eco = ecosystemsOf(d);
        for (const e of eco.order) ecosystems.add(e, eco.values[e]!);
      }
      return ecosystems.map((e) => plan.ecosystems[e]!);
    },
  };
}

/**
 * The net GEP of a region of fixed accounts (aggregateRegion's gepNet: the townships' GEP and deductions added
 * in order), without its other totals; undefined when some account is not a fixed one.
 */
export function fixedRegionNet(accounts: readonly TownshipAccount[]): Dec | undefined {
  const runs = runsOf(accounts);
  if (!runs?.length) return undefined;
  let gep = D34_ZERO;
  let deduction = D34_ZERO;
  for (const d of runs) {
    const f = figuresOf(d);
    gep = add34(gep, f.gep);
    deduction = add34(deduction, f.outOfRegionDeduction);
  }
  return toDec(sub34(gep, deduction));
}

/** One component summed over the accounts of a scope, per land class where it is per class. */
export interface ComponentSum {
  readonly component: ComponentModel;
  /** ok if any township values the component; else the first township's status and reason. */
  readonly status: ComponentStatus;
  readonly reason?: string;
  readonly quantity?: Dec;
  readonly value?: Dec;
  readonly quantityByClass?: ReadonlyMap<string, Dec>;
  readonly valueByClass?: ReadonlyMap<string, Dec>;
}

const STATUS: Record<number, ComponentStatus> = {
  [FixedStatus.MissingInput]: 'not_applicable',
  [FixedStatus.MissingDependency]: 'not_applicable',
  [FixedStatus.NotValued]: 'not_valued',
  [FixedStatus.Ok]: 'ok',
};

/**
 * Components summed over fixed accounts (of one plan), each figure added township by township as decimal.js adds
 * them; undefined when some account is not a fixed one.
 */
export function fixedComponentSums(
  accounts: readonly TownshipAccount[],
): Map<string, ComponentSum> | undefined {
  const runs = runsOf(accounts);
  if (!runs?.length) return undefined;
  const plan = runs[0]!.plan;
  const comps = plan.components;
  const n = comps.length;
  // township by township (each run's figures read once, in memory order), every component and class: component i's
  // sum at [i], its class j at [n + classOffset[i] + j], as a run copy packs them; each added in township order
  const quantities = new Array<D34 | undefined>(n + plan.classCount);
  const values = new Array<D34 | undefined>(n + plan.classCount);
  const status = new Array<ComponentStatus | undefined>(n);
  const reason = new Array<string | undefined>(n);
  const plus = (acc: D34 | undefined, x: D34) => (acc === undefined ? x : add34(acc, x));
  for (const d of runs) {
    const { q, v } = d.run;
    const qs = quantitiesOf(d);
    const f = figuresOf(d);
    for (let i = 0; i < n; i++) {
      const c = comps[i]!;
      const st = d.run.status[i]!;
      if (status[i] === undefined) {
        const first = STATUS[st]!;
        status[i] = first;
        if (first !== 'ok')
          reason[i] = first === 'not_valued' ? notValuedReason(c.model) : notApplicableReason(d, i);
      } else if (status[i] !== 'ok' && st === FixedStatus.Ok) status[i] = 'ok';
      if (st < FixedStatus.NotValued) continue;
      const k = c.classes?.length ?? 0;
      const base = n + plan.classOffset[i]!;
      quantities[i] = plus(quantities[i], qs[i]!);
      for (let j = base; j < base + k; j++) quantities[j] = plus(quantities[j], round34(q[j]!, c.qScale));
      if (st !== FixedStatus.Ok) continue;
      values[i] = plus(values[i], f.value[i]!);
      for (let j = base; j < base + k; j++) values[j] = plus(values[j], round34(v[j]!, c.vScale));
    }
  }
  const out = new Map<string, ComponentSum>();
  comps.forEach((c, i) => {
    const base = n + plan.classOffset[i]!;
    const byClass = (xs: (D34 | undefined)[]) =>
      c.classes?.length && xs[base] !== undefined
        ? new Map(c.classes.map((cls, j) => [cls, toDec(xs[base + j]!)]))
        : undefined;
    const quantity = quantities[i];
    const value = values[i];
    out.set(c.model.id, {
      component: c.model,
      status: status[i]!,
      reason: status[i] === 'ok' ? undefined : reason[i],
      quantity: quantity && toDec(quantity),
      value: value && toDec(value),
      quantityByClass: byClass(quantities),
      valueByClass: byClass(values),
    });
  });
  return out;
}

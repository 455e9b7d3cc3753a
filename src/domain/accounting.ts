import { Dec, ZERO, isSaneFigure, sum } from './decimal.js';
import { TOTAL, type CompiledSet, type ComponentModel } from './model.js';
import { PriceIndexError, priceBasis, pricedSet, restatesPrices, type PriceBasis } from './prices.js';
import type { Category, EcosystemType } from '../methods/schema.js';
import { CATEGORIES } from '../methods/schema.js';
import { roleValue } from './roles.js';
import { classDependentValueSymbols, overrideRefusal, type OverrideAllocation } from './overrides.js';
import { DECIMAL_ENGINE, FIXED_ENGINE, FixedFallback, type EngineVersion } from './fixed.js';
import { copyRun, fixedPlan, loadRecord, runFixed } from './fixed-account.js';
import {
  figuresOf,
  fixedAccount,
  fixedComponentSums,
  fixedDetailOf,
  fixedRegionNet,
  fixedRegionTotals,
  type ComponentSum,
} from './fixed-results.js';
import { D34_ZERO, add34, sub34, toDec, type D34 } from './fixed-d34.js';

/** One township's validated inputs for one year, in the units the set declares. */
export interface InputRecord {
  readonly township: string;
  readonly year: number;
  /** input id → value, or land class → value for per-class inputs. */
  readonly values: ReadonlyMap<string, Dec | ReadonlyMap<string, Dec>>;
  /** Externally modelled physical quantities (e.g. InVEST, GIS), in the component's declared unit. */
  readonly overrides?: ReadonlyMap<string, QuantityOverride>;
}

export interface QuantityOverride {
  readonly quantity: Dec;
  readonly source: string;
}

export type ComponentStatus = 'ok' | 'not_applicable' | 'not_valued';

export interface ComponentResult {
  readonly component: ComponentModel;
  readonly status: ComponentStatus;
  /** Why a component is not applicable or not valued. */
  readonly reason?: string;
  readonly quantity?: Dec;
  readonly quantityByClass?: ReadonlyMap<string, Dec>;
  readonly value?: Dec;
  readonly valueByClass?: ReadonlyMap<string, Dec>;
  /** The uncapped sum, when the cap applied. */
  readonly uncapped?: Dec;
  readonly override?: QuantityOverride;
  /** The part of the value originating outside the region (share × value), deducted for net GEP. */
  readonly outOfRegion?:
    { readonly share: Dec; readonly value: Dec } | { readonly missing: readonly string[] };
  /** For an override of a per-class component: split by the formula's own split, or not allocated. */
  readonly overrideAllocation?: OverrideAllocation;
}

/** The totals every account has, a township's or a region's (元). */
export interface GepTotals {
  readonly productValues: ReadonlyMap<string, Dec>;
  readonly categoryValues: Readonly<Record<Category, Dec>>;
  readonly ecosystemValues: ReadonlyMap<EcosystemType | 'unallocated', Dec>;
  /** Gross GEP: Σ of all product values. */
  readonly gep: Dec;
  /** Value originating outside the region, deducted as its own line. */
  readonly outOfRegionDeduction: Dec;
  /** GEP net of the out-of-region value, the GB/T 46869—2025 definition. */
  readonly gepNet: Dec;
}

export interface TownshipAccount extends GepTotals {
  readonly township: string;
  readonly year: number;
  readonly set: { id: string; version: string; hash: string };
  readonly profile: string;
  /** The prices the figures are at; absent for a set without price indices (figures at its stated prices). */
  readonly prices?: PriceBasis;
  readonly components: readonly ComponentResult[];
  /** The evaluation array the figures were computed from: traces read it. */
  readonly env: ReadonlyArray<Dec | undefined>;
  /** Overrides of components whose product is not in the profile: kept in the data, not used, named here. */
  readonly unusedOverrides?: readonly string[];
  /** The engine that computed the figures (absent in accounts made before engines were versioned: decimal-34). */
  readonly engine?: EngineVersion;
  /**
   * Each component's quantity and value, without the per-class detail (what a region adds up). The fixed engine
   * gives it and makes `components` and `env` only when they are read (a trace, a per-class table).
   */
  readonly componentFigures?: readonly ComponentFigure[];
}

export interface ComponentFigure {
  readonly component: ComponentModel;
  readonly quantity?: Dec;
  readonly value?: Dec;
  /** The land classes of a per-class component (the keys its quantityByClass has). */
  readonly classes?: readonly string[];
}

export class AccountingError extends Error {}

/** Products of a profile, in catalogue order. */
export function productsInProfile(set: CompiledSet, profile: string) {
  // a set without products (equivalent-factor ESV only) has nothing to choose by profile
  if (!set.products.length) return [];
  if (!set.profiles.some((p) => p.id === profile))
    throw new AccountingError(
      `unknown profile "${profile}" in ${set.id}@${set.version}; profiles: ${set.profiles.map((p) => p.id).join(', ')}`,
    );
  return set.products.filter((p) => p.profiles.includes(profile));
}

/** Fills the evaluation array from a record. */
export function buildEnv(set: CompiledSet, record: InputRecord): (Dec | undefined)[] {
  const env: (Dec | undefined)[] = new Array(set.layout.size);
  for (const input of set.inputs) {
    const v = record.values.get(input.id);
    if (v === undefined) continue;
    if (input.perLandClass) {
      for (const [cls, x] of v as ReadonlyMap<string, Dec>) env[set.layout.perClass(input.id, cls)!] = x;
    } else env[set.layout.scalar(input.id)!] = v as Dec;
  }
  return env;
}

export interface AccountOptions {
  /** Figures at constant prices of this base year instead of the accounting year's (current) prices. */
  readonly constantPriceYear?: number;
  /**
   * The engine: fixed-point (default, exact +, −, ×; quotients to 10⁻³⁰, figures to 10⁻²⁴) or the decimal.js
   * engine of 34 significant digits, by which snapshots published before engines were versioned re-run.
   */
  readonly engine?: EngineVersion;
}

/** The set at the prices the figures are at (restated when the set has price indices). */
function setAtPrices(stated: CompiledSet, record: InputRecord, options: AccountOptions) {
  const prices = restatesPrices(stated) ? priceBasis(record.year, options.constantPriceYear) : undefined;
  try {
    return { prices, set: prices ? pricedSet(stated, prices.year) : stated };
  } catch (e) {
    if (e instanceof PriceIndexError)
      throw new AccountingError(`${record.township} ${record.year}: ${e.message}`);
    throw e;
  }
}

/**
 * Accounts one township-year: quantities, values, totals. Pure: inputs and set in, figures out. A set with
 * price indices gives its figures at current prices (money parameters restated to the accounting year) unless
 * a constant-price base year is asked for. The fixed-point engine runs unless the decimal one is asked for;
 * a record it cannot take exactly (a value of more than 9 decimals, an external quantity) or whose figures
 * raise an error goes to the decimal engine, which accounts it (or names the error) and says so in `engine`.
 */
export function accountTownship(
  stated: CompiledSet,
  record: InputRecord,
  profile: string,
  options: AccountOptions = {},
): TownshipAccount {
  if ((options.engine ?? FIXED_ENGINE) === FIXED_ENGINE && !record.overrides?.size) {
    const { prices, set } = setAtPrices(stated, record, options);
    const plan = fixedPlan(set, profile, () => new Set(productsInProfile(set, profile).map((p) => p.id)));
    try {
      if (loadRecord(plan, record)) {
        runFixed(plan);
        return fixedAccount({ plan, record, prices, run: copyRun(plan) });
      }
    } catch (e) {
      if (!(e instanceof FixedFallback)) throw e;
    }
  }
  return { ...accountTownshipDecimal(stated, record, profile, options), engine: DECIMAL_ENGINE };
}

/** The decimal.js engine (34 significant digits): the reference, and the rules of earlier snapshots. */
export function accountTownshipDecimal(
  stated: CompiledSet,
  record: InputRecord,
  profile: string,
  options: AccountOptions = {},
): TownshipAccount {
  const { prices, set } = setAtPrices(stated, record, options);
  const included = new Set(productsInProfile(set, profile).map((p) => p.id));
  const env = buildEnv(set, record);
  const { layout } = set;
  const skipped = new Map<string, string>();
  const computed = new Set<string>();
  const results: ComponentResult[] = [];

  for (const c of set.components) {
    if (!included.has(c.product.id)) continue;
    // the engine never hands on a figure that is not finite or of absurd size: the error names the component
    const label = `${record.township} ${record.year}: ${c.labels.zh} (${c.id})`;
    const figure = (what: string) => (v: Dec) => {
      if (!isSaneFigure(v))
        throw new AccountingError(
          `${label}: the ${what} is ${v.isFinite() ? `too large (${v.toSignificantDigits(6).toString()})` : v.toString()}; check the inputs and the formula`,
        );
      return v;
    };
    const q = figure('quantity');
    const val = figure('value');
    const override = record.overrides?.get(c.id);
    const missing = c.inputsUsed.filter((id) => !record.values.has(id));
    const missingDeps = c.componentsUsed.filter((id) => skipped.has(id) || !computed.has(id));
    // an override replaces the formula's total: a component with one needs its inputs only to split it
    if (!override && (missing.length || missingDeps.length)) {
      const reason = missing.length
        ? `no data for ${missing.join(', ')}`
        : `depends on ${missingDeps.join(', ')}`;
      skipped.set(c.id, reason);
      results.push({ component: c, status: 'not_applicable', reason });
      continue;
    }
    if (override) {
      const refusal = overrideRefusal(set, c, (id) => record.values.has(id));
      if (refusal)
        throw new AccountingError(
          `${record.township} ${record.year}: ${c.id}: ${refusal.en} / ${refusal.zh}`,
        );
      const valueDeps = c.value.checked.symbols.filter((x) => missingDeps.includes(x));
      if (valueDeps.length)
        throw new AccountingError(
          `${record.township} ${record.year}: ${c.id}: the value formula needs ${valueDeps.join(', ')}, which could not be computed / 价值公式所需的 ${valueDeps.join('、')} 无法计算`,
        );
    }
    let quantity: Dec;
    let byClass: Map<string, Dec> | undefined;
    let uncapped: Dec | undefined;
    let allocation: OverrideAllocation | undefined;
    if (c.landClasses && override) {
      // split in proportion to the formula's own split when it can be computed and is not zero;
      // otherwise the external figure is a total, not allocated to land classes
      if (!missing.length && !missingDeps.length) {
        const formula = new Map<string, Dec>();
        for (const cls of c.landClasses) formula.set(cls, c.plan.quantity.get(cls)!(env as Dec[]));
        const formulaTotal = sum(formula.values());
        if (!formulaTotal.isZero()) byClass = allocate(formula, formulaTotal, override.quantity);
      }
      allocation = byClass ? 'by_formula' : 'unallocated';
      const varying = byClass || !c.plan.value ? [] : classDependentValueSymbols(set, c);
      if (varying.length)
        throw new AccountingError(
          `${record.township} ${record.year}: ${c.id}: the formula gives 0 for every land class, so the external figure cannot be split, and the value formula varies by class (${varying.join(', ')}) / 公式各地类结果均为 0，外部实物量无法分摊，价值公式又随地类变化，无法估值`,
        );
      quantity = override.quantity;
      if (byClass) for (const [cls, q] of byClass) env[layout.perClass(c.id, cls)!] = q;
    } else if (c.landClasses) {
      byClass = new Map();
      for (const cls of c.landClasses) byClass.set(cls, q(c.plan.quantity.get(cls)!(env as Dec[])));
      quantity = sum(byClass.values());
      if (c.plan.cap) {
        const cap = figure('cap')(c.plan.cap(env as Dec[]));
        if (quantity.gt(cap)) {
          uncapped = quantity;
          byClass = allocate(byClass, quantity, cap);
          quantity = cap;
        }
      }
      for (const [cls, q] of byClass) env[layout.perClass(c.id, cls)!] = q;
    } else if (override) {
      quantity = override.quantity;
    } else {
      quantity = q(c.plan.quantity.get(TOTAL)!(env as Dec[]));
      if (c.plan.cap) {
        const cap = figure('cap')(c.plan.cap(env as Dec[]));
        if (quantity.gt(cap)) [uncapped, quantity] = [quantity, cap];
      }
    }
    env[layout.scalar(c.id)!] = quantity;
    computed.add(c.id);

    if (!c.plan.value) {
      results.push({
        component: c,
        status: 'not_valued',
        reason: `parameter not set: ${c.unsetParameters.join(', ')}`,
        quantity,
        quantityByClass: byClass,
        uncapped,
        override,
        overrideAllocation: allocation,
      });
      continue;
    }
    let value: Dec;
    let valueByClass: Map<string, Dec> | undefined;
    let outOfRegion: ComponentResult['outOfRegion'];
    if (byClass) {
      valueByClass = new Map();
      for (const [cls, q] of byClass) {
        env[layout.qSlot] = q;
        valueByClass.set(cls, val(c.plan.value.get(cls)!(env as Dec[])));
      }
      value = sum(valueByClass.values());
    } else {
      // a per-class component's unallocated total is valued with the formula of any class: the refusal
      // check above made sure the value formula does not vary by class
      env[layout.qSlot] = quantity;
      value = val(c.plan.value.get(c.landClasses?.[0] ?? TOTAL)!(env as Dec[]));
    }
    if (c.plan.outOfRegionShare) {
      const missingShare = c.outOfRegionShare!.checked.symbols.filter(
        (n) => set.inputs.some((i) => i.id === n) && !record.values.has(n),
      );
      if (missingShare.length) outOfRegion = { missing: missingShare };
      else {
        const share = c.plan.outOfRegionShare(env as Dec[]);
        if (!share.isFinite() || share.isNeg() || share.gt(1))
          throw new AccountingError(
            `${record.township} ${record.year}: ${c.id}: the out-of-region share is ${share.toString()}, not between 0 and 1`,
          );
        outOfRegion = { share, value: value.times(share) };
      }
    }
    results.push({
      component: c,
      status: 'ok',
      quantity,
      quantityByClass: byClass,
      value,
      valueByClass,
      uncapped,
      override,
      outOfRegion,
      overrideAllocation: allocation,
    });
  }
  env[layout.qSlot] = undefined;
  const unused = [...(record.overrides?.keys() ?? [])].filter(
    (id) => !results.some((r) => r.component.id === id),
  );
  const account = summarise(set, record, profile, results, env, prices);
  return unused.length ? { ...account, unusedOverrides: unused } : account;
}

const constantCache = new WeakMap<InputRecord, Map<string, TownshipAccount>>();

/**
 * The account of a record at the constant prices of `baseYear`, kept as long as the record object lives (the
 * store keeps a year's records while their versions stand), so that reports do not re-account per request.
 */
export function accountAtConstantPrices(
  set: CompiledSet,
  record: InputRecord,
  profile: string,
  baseYear: number,
): TownshipAccount {
  let byKey = constantCache.get(record);
  if (!byKey) constantCache.set(record, (byKey = new Map()));
  const key = `${set.hash}|${profile}|${baseYear}`;
  let account = byKey.get(key);
  if (!account)
    byKey.set(key, (account = accountTownship(set, record, profile, { constantPriceYear: baseYear })));
  return account;
}

/** A record's GEP and out-of-region deduction at constant prices, as the fixed engine adds them (34 digits). */
interface ConstantNet {
  readonly gep: D34;
  readonly deduction: D34;
}

const constantNetCache = new WeakMap<InputRecord, Map<string, ConstantNet>>();

/**
 * The GEP and deduction of a record at the constant prices of `baseYear` from a fixed run, without the account
 * (its run copy and figures): from the kept account when there is one, else run on the plan's scratch area and
 * kept as long as the record lives. Undefined when the fixed engine does not account the record (the decimal
 * engine's account is then made by accountAtConstantPrices).
 */
function constantNetOf(
  set: CompiledSet,
  record: InputRecord,
  profile: string,
  baseYear: number,
): ConstantNet | undefined {
  const key = `${set.hash}|${profile}|${baseYear}`;
  const account = constantCache.get(record)?.get(key);
  if (account) {
    const d = fixedDetailOf(account);
    if (!d) return undefined;
    const f = figuresOf(d);
    return { gep: f.gep, deduction: f.outOfRegionDeduction };
  }
  let byKey = constantNetCache.get(record);
  let net = byKey?.get(key);
  if (net) return net;
  if (record.overrides?.size) return undefined;
  const { prices, set: priced } = setAtPrices(set, record, { constantPriceYear: baseYear });
  const plan = fixedPlan(priced, profile, () => new Set(productsInProfile(priced, profile).map((p) => p.id)));
  try {
    if (!loadRecord(plan, record)) return undefined;
    runFixed(plan);
  } catch (e) {
    if (e instanceof FixedFallback) return undefined;
    throw e;
  }
  // the figures of the run read straight from the scratch area: figuresOf reads a component's status, its value
  // where it is valued and its out-of-region share where it has one, which a run copy holds the same
  const s = plan.scratch;
  const run = {
    status: s.status,
    q: s.quantity,
    v: s.value,
    shareMissing: s.shareMissing,
    outOfRegion: s.outOfRegion,
    roleValue: s.roleValue,
  };
  const f = figuresOf({ plan, record, prices, run });
  net = { gep: f.gep, deduction: f.outOfRegionDeduction };
  if (!byKey) constantNetCache.set(record, (byKey = new Map()));
  byKey.set(key, net);
  return net;
}

/**
 * A region's net GEP at the constant prices of `baseYear`: regionGepNet of its records' constant-price accounts,
 * the same decimal, added from their fixed runs without making the accounts (the decimal engine's way when some
 * record is not the fixed engine's).
 */
export function regionGepNetAtConstantPrices(
  set: CompiledSet,
  records: readonly InputRecord[],
  profile: string,
  baseYear: number,
): Dec {
  const year = records[0]?.year;
  let gep = D34_ZERO;
  let deduction = D34_ZERO;
  let fixed = records.length > 0;
  for (const r of records) {
    const net = r.year === year ? constantNetOf(set, r, profile, baseYear) : undefined;
    if (!net) {
      fixed = false;
      break;
    }
    gep = add34(gep, net.gep);
    deduction = add34(deduction, net.deduction);
  }
  if (fixed) return toDec(sub34(gep, deduction));
  return regionGepNet(records.map((r) => accountAtConstantPrices(set, r, profile, baseYear)));
}

/** A record's net GEP at the constant prices of `baseYear`: accountAtConstantPrices(…).gepNet, the same decimal. */
export function gepNetAtConstantPrices(
  set: CompiledSet,
  record: InputRecord,
  profile: string,
  baseYear: number,
): Dec {
  const net = constantNetOf(set, record, profile, baseYear);
  return net
    ? toDec(sub34(net.gep, net.deduction))
    : accountAtConstantPrices(set, record, profile, baseYear).gepNet;
}

/**
 * Scales per-class quantities to a new total (a cap, or an external figure) in proportion; the largest
 * class takes the rounding remainder, so the parts add up to the total exactly and empty classes stay 0.
 */
function allocate(byClass: Map<string, Dec>, total: Dec, target: Dec): Map<string, Dec> {
  let largest = '';
  let largestQ = ZERO;
  for (const [cls, q] of byClass) if (!largest || q.gt(largestQ)) [largest, largestQ] = [cls, q];
  const out = new Map<string, Dec>();
  let allocated = ZERO;
  for (const [cls, q] of byClass) {
    if (cls === largest) continue;
    const share = q.times(target).div(total);
    allocated = allocated.plus(share);
    out.set(cls, share);
  }
  out.set(largest, target.minus(allocated));
  return new Map([...byClass.keys()].map((cls) => [cls, out.get(cls)!]));
}

const ecosystemCache = new WeakMap<CompiledSet, ReadonlyMap<string, EcosystemType>>();
/** Land class → ecosystem type, built once per compiled set (summarise runs for every record). */
function ecosystemsOf(set: CompiledSet): ReadonlyMap<string, EcosystemType> {
  let m = ecosystemCache.get(set);
  if (!m) ecosystemCache.set(set, (m = new Map(set.landClasses.map((l) => [l.id, l.ecosystem]))));
  return m;
}

function summarise(
  set: CompiledSet,
  record: InputRecord,
  profile: string,
  results: ComponentResult[],
  env: (Dec | undefined)[],
  prices: PriceBasis | undefined,
): TownshipAccount {
  const ecosystemValues = new Map<EcosystemType | 'unallocated', Dec>();
  const ecosystemOf = ecosystemsOf(set);
  const addEco = (k: EcosystemType | 'unallocated', v: Dec) =>
    ecosystemValues.set(k, (ecosystemValues.get(k) ?? ZERO).plus(v));
  for (const r of results) {
    if (r.value === undefined) continue;
    if (r.valueByClass) for (const [cls, v] of r.valueByClass) addEco(ecosystemOf.get(cls)!, v);
    else addEco(r.component.ecosystem ?? 'unallocated', r.value);
  }
  return {
    township: record.township,
    year: record.year,
    set: { id: set.id, version: set.version, hash: set.hash },
    profile,
    prices,
    components: results,
    ...moneyTotals(set, record, results),
    ecosystemValues,
    env,
  };
}

/** Product, category and net totals of a township-year's component values (元), added in component order. */
function moneyTotals(
  set: CompiledSet,
  record: InputRecord,
  results: readonly Pick<ComponentResult, 'component' | 'value' | 'outOfRegion'>[],
) {
  const productValues = new Map<string, Dec>();
  const categoryValues = Object.fromEntries(CATEGORIES.map((c) => [c, ZERO])) as Record<Category, Dec>;
  for (const r of results) {
    if (r.value === undefined) continue;
    const p = r.component.product;
    productValues.set(p.id, (productValues.get(p.id) ?? ZERO).plus(r.value));
    categoryValues[p.category] = categoryValues[p.category].plus(r.value);
  }
  const gep = sum(CATEGORIES.map((c) => categoryValues[c]));
  // the input with the out_of_region_value role, converted from its declared unit to 元, plus the
  // components' out-of-region shares
  const computedDeduction = sum(
    results.flatMap((r) => (r.outOfRegion && 'value' in r.outOfRegion ? [r.outOfRegion.value] : [])),
  );
  const outOfRegionDeduction = (roleValue(set, record, 'out_of_region_value') ?? ZERO).plus(
    computedDeduction,
  );
  return {
    productValues,
    categoryValues,
    gep,
    outOfRegionDeduction,
    gepNet: gep.minus(outOfRegionDeduction),
  };
}

/** The engine(s) that made a set of accounts, as recorded with results ("fixed-1", or "fixed-1+decimal-34"). */
export const enginesOf = (accounts: readonly TownshipAccount[]): string =>
  [...new Set(accounts.map((a) => a.engine ?? DECIMAL_ENGINE))].sort().reverse().join('+');

/** A whole county (or any set of townships) for one year: every figure is the sum of the townships'. */
export interface RegionAccount extends GepTotals {
  readonly year: number;
  readonly prices?: PriceBasis;
  readonly townships: readonly TownshipAccount[];
  readonly componentQuantities: ReadonlyMap<string, Dec>;
  readonly componentValues: ReadonlyMap<string, Dec>;
}

const addInto = <K>(m: Map<K, Dec>, k: K, v: Dec) => m.set(k, (m.get(k) ?? ZERO).plus(v));

export function aggregateRegion(accounts: readonly TownshipAccount[]): RegionAccount {
  if (!accounts.length) throw new AccountingError('no township accounts to aggregate');
  const first = accounts[0]!;
  for (const a of accounts)
    if (
      a.year !== first.year ||
      a.set.hash !== first.set.hash ||
      a.profile !== first.profile ||
      a.prices?.year !== first.prices?.year
    )
      throw new AccountingError(
        'townships accounted with different years, sets or profiles cannot be added up',
      );
  // the fixed engine's townships are added in BigInt, digit for digit as below, without a decimal per figure; the
  // per-component, product and ecosystem totals are added when first read, and their identity checked then
  const fixed = fixedRegionTotals(accounts);
  if (fixed) {
    const { categoryValues, gep, outOfRegionDeduction, gepNet } = fixed;
    const broken = [...identity('Σ categories', sum(Object.values(categoryValues)), gep), ...fixed.broken];
    if (broken.length) throw new AccountingError(`accounting identities do not hold: ${broken.join('; ')}`);
    const checked = <M extends ReadonlyMap<unknown, Dec>>(what: string, m: M): M => {
      const wrong = identity(what, sum(m.values()), gep);
      if (wrong.length) throw new AccountingError(`accounting identities do not hold: ${wrong.join('; ')}`);
      return m;
    };
    let components: ReturnType<typeof fixed.components> | undefined;
    let products: Map<string, Dec> | undefined;
    let ecosystems: Map<EcosystemType | 'unallocated', Dec> | undefined;
    const figures = () => {
      if (!components) {
        const c = fixed.components();
        checked('Σ components', c.values);
        components = c;
      }
      return components;
    };
    return {
      year: first.year,
      prices: first.prices,
      townships: accounts,
      categoryValues,
      gep,
      outOfRegionDeduction,
      gepNet,
      get componentQuantities() {
        return figures().quantities;
      },
      get componentValues() {
        return figures().values;
      },
      get productValues() {
        return (products ??= checked('Σ products', fixed.productValues()));
      },
      get ecosystemValues() {
        return (ecosystems ??= checked('Σ ecosystem types', fixed.ecosystemValues()));
      },
    };
  }
  const componentQuantities = new Map<string, Dec>();
  const componentValues = new Map<string, Dec>();
  const productValues = new Map<string, Dec>();
  const ecosystemValues = new Map<EcosystemType | 'unallocated', Dec>();
  const categoryValues = Object.fromEntries(CATEGORIES.map((c) => [c, ZERO])) as Record<Category, Dec>;
  for (const a of accounts) {
    // the fixed engine's figures without their per-class detail, or the full results
    for (const r of a.componentFigures ?? a.components) {
      if (r.quantity) addInto(componentQuantities, r.component.id, r.quantity);
      if (r.value) addInto(componentValues, r.component.id, r.value);
    }
    for (const [k, v] of a.productValues) addInto(productValues, k, v);
    for (const [k, v] of a.ecosystemValues) addInto(ecosystemValues, k, v);
    for (const c of CATEGORIES) categoryValues[c] = categoryValues[c].plus(a.categoryValues[c]);
  }
  const gep = sum(accounts.map((a) => a.gep));
  const outOfRegionDeduction = sum(accounts.map((a) => a.outOfRegionDeduction));
  const region: RegionAccount = {
    year: first.year,
    prices: first.prices,
    townships: accounts,
    componentQuantities,
    componentValues,
    productValues,
    categoryValues,
    ecosystemValues,
    gep,
    outOfRegionDeduction,
    gepNet: gep.minus(outOfRegionDeduction),
  };
  const broken = checkIdentities(region);
  if (broken.length) throw new AccountingError(`accounting identities do not hold: ${broken.join('; ')}`);
  return region;
}

/**
 * The ledger's identities: GEP = Σ categories = Σ products = Σ ecosystem types = Σ townships.
 * Sums are exact to 34 significant digits; a difference beyond 10⁻⁹ 元 means a figure went astray.
 */
export function checkIdentities(region: RegionAccount): string[] {
  const broken = regionIdentities(region);
  for (const t of region.townships) {
    const cats = sum(Object.values(t.categoryValues));
    if (!cats.minus(t.gep).abs().lte(IDENTITY_TOLERANCE)) broken.push(`${t.township}: Σ categories ≠ GEP`);
  }
  return broken;
}

const IDENTITY_TOLERANCE = new Dec('1e-9');

/** One identity of a region: `what` (a sum) equals GEP within the tolerance; the broken one named, else nothing. */
function identity(what: string, v: Dec, gep: Dec): string[] {
  // NaN compares false with everything: a check passes only when the difference is within tolerance
  return v.minus(gep).abs().lte(IDENTITY_TOLERANCE)
    ? []
    : [`${what} = ${v.toString()} ≠ GEP ${gep.toString()}`];
}

/** The region's own identities (its townships' are checked apart). */
function regionIdentities(region: RegionAccount): string[] {
  return [
    ...identity('Σ categories', sum(Object.values(region.categoryValues)), region.gep),
    ...identity('Σ products', sum(region.productValues.values()), region.gep),
    ...identity('Σ ecosystem types', sum(region.ecosystemValues.values()), region.gep),
    ...identity('Σ components', sum(region.componentValues.values()), region.gep),
  ];
}

export type { ComponentSum };

/**
 * A region's net GEP: aggregateRegion(accounts).gepNet, the same decimal; of the fixed engine's accounts without
 * adding up the region's other figures.
 */
export function regionGepNet(accounts: readonly TownshipAccount[]): Dec {
  const first = accounts[0];
  const alike =
    first &&
    accounts.every(
      (a) =>
        a.year === first.year &&
        a.set.hash === first.set.hash &&
        a.profile === first.profile &&
        a.prices?.year === first.prices?.year,
    );
  return (alike && fixedRegionNet(accounts)) || aggregateRegion(accounts).gepNet;
}

/**
 * Each component summed over a scope's accounts (a township: one account; a region: its townships), per land
 * class where it is per class, in set order. The fixed engine's are added in BigInt, digit for digit as decimal.js
 * adds the results' figures; others from their full results.
 */
export function sumComponents(accounts: readonly TownshipAccount[]): Map<string, ComponentSum> {
  const fixed = fixedComponentSums(accounts);
  if (fixed) return fixed;
  const out = new Map<string, ComponentAcc>();
  const plus = (x: Dec | undefined, y: Dec | undefined) =>
    x === undefined ? y : y === undefined ? x : x.plus(y);
  const addAll = (m: Map<string, Dec> | undefined, add: ReadonlyMap<string, Dec> | undefined) => {
    if (!add) return m;
    const to = m ?? new Map<string, Dec>();
    for (const [k, v] of add) {
      const prev = to.get(k);
      to.set(k, prev === undefined ? v : prev.plus(v));
    }
    return to;
  };
  for (const a of accounts)
    for (const r of a.components) {
      let acc = out.get(r.component.id);
      if (!acc)
        out.set(r.component.id, (acc = { component: r.component, status: r.status, reason: r.reason }));
      // the status of the scope: ok if any township values the component
      else if (acc.status !== 'ok' && r.status === 'ok') acc.status = 'ok';
      if (acc.status === 'ok') acc.reason = undefined;
      else acc.reason ??= r.reason;
      acc.quantity = plus(acc.quantity, r.quantity);
      acc.value = plus(acc.value, r.value);
      acc.quantityByClass = addAll(acc.quantityByClass, r.quantityByClass);
      acc.valueByClass = addAll(acc.valueByClass, r.valueByClass);
    }
  return out;
}

interface ComponentAcc {
  component: ComponentModel;
  status: ComponentStatus;
  reason?: string;
  quantity?: Dec;
  value?: Dec;
  quantityByClass?: Map<string, Dec>;
  valueByClass?: Map<string, Dec>;
}

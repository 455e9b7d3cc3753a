/**
 * The exact engine's accounting loop on fixed-point BigInt (see fixed.ts): one plan per set and profile,
 * compiled once (components in dependency order, per-class formulas with the class's parameters folded in,
 * totals indexed at compile time), and one reusable scratch area, so that accounting a township-year
 * allocates no Map and no object. `accountTownship` turns the scratch into its Dec results; a province run
 * adds it to totals and keeps nothing else.
 */
import { Dec } from './decimal.js';
import { type CompiledSet, type ComponentModel, TOTAL } from './model.js';
import { CATEGORIES, ECOSYSTEM_TYPES, type EcosystemType } from '../methods/schema.js';
import {
  DIVISION_SCALE,
  FIGURE_SCALE,
  FixedFallback,
  INPUT_SCALE,
  atScale,
  compileFixed,
  decToScaled,
  decToScaledRounded,
  divRound,
  scaledToDec,
  pow10,
  rescale,
  type FixedRun,
} from './fixed.js';
import type { InputRecord } from './accounting.js';
import { roleInput, roleValue } from './roles.js';

const FALLBACK = new FixedFallback('fixed engine: fall back to decimal');

/** Status codes of the scratch area. */
export const FixedStatus = { MissingInput: 0, MissingDependency: 1, NotValued: 2, Ok: 3 } as const;

export interface FixedComponent {
  readonly model: ComponentModel;
  /** Indices (in set.inputs) of the inputs the component needs. */
  readonly inputs: Int32Array;
  /** Indices (in plan.components) of the components it needs; −1 for one outside the profile. */
  readonly deps: Int32Array;
  readonly classes: readonly string[] | null;
  readonly classSlots: Int32Array;
  readonly slot: number;
  /** Scale of the quantity (every class, the total, the cap) and of the value (every class, the total). */
  readonly qScale: number;
  readonly vScale: number;
  /** Largest magnitude a quantity or value may have at its scale (10⁵¹, the rule of isSaneFigure). */
  readonly qLimit: bigint;
  readonly vLimit: bigint;
  readonly quantity: readonly FixedRun[];
  readonly cap?: FixedRun;
  readonly value?: readonly FixedRun[];
  readonly share?: { run: FixedRun; scale: number; inputs: Int32Array };
  readonly product: number;
  readonly category: number;
  /** Ecosystem index per class, or the component's one (in `plan.ecosystems`). */
  readonly ecosystems: Int32Array;
}

export interface FixedPlan {
  readonly set: CompiledSet;
  readonly profile: string;
  readonly components: readonly FixedComponent[];
  readonly products: readonly string[];
  readonly ecosystems: ReadonlyArray<EcosystemType | 'unallocated'>;
  /** Per input: its slot, or a land class → slot map. */
  readonly inputSlots: ReadonlyArray<number | ReadonlyMap<string, number>>;
  readonly qSlot: number;
  /** The input with the out_of_region_value role (its value is deducted), if any. */
  readonly hasRoleDeduction: boolean;
  /** Scale of every total: the largest scale of a component's value (or out-of-region value). */
  readonly totalScale: number;
  readonly scratch: FixedScratch;
  /** Where each component's classes start in a run copy's class part (see FixedRunCopy). */
  readonly classOffset: Int32Array;
  /** Σ classes of the per-class components. */
  readonly classCount: number;
  /** Some component has a cap, or an out-of-region share: its run copies keep those figures. */
  readonly hasCap: boolean;
  readonly hasShare: boolean;
}

/** Reused between township-years: the last record's figures, each at its component's scale. */
export interface FixedScratch {
  readonly env: (bigint | undefined)[];
  readonly present: Uint8Array;
  readonly status: Uint8Array;
  readonly quantity: bigint[];
  readonly value: bigint[];
  readonly uncapped: (bigint | undefined)[];
  readonly byClassQ: bigint[][];
  readonly byClassV: bigint[][];
  /**
   * Out-of-region share (at the share formula's scale) and value (at the component's value scale + that scale, exact);
   * `shareMissing` when an input of the share is absent.
   */
  readonly share: (bigint | undefined)[];
  readonly outOfRegion: (bigint | undefined)[];
  readonly shareMissing: Uint8Array;
  roleDeduction: bigint;
  /** The out_of_region_value input in 元 as the decimal engine reads it (roleValue), when the set has that role. */
  roleValue: Dec | undefined;
}

const plans = new WeakMap<CompiledSet, Map<string, FixedPlan>>();

/**
 * The fixed-point plan of a set and profile, compiled once per compiled set. `included` (the products of the
 * profile) is read only when the plan is compiled.
 */
export function fixedPlan(
  set: CompiledSet,
  profile: string,
  included: ReadonlySet<string> | (() => ReadonlySet<string>),
): FixedPlan {
  let byProfile = plans.get(set);
  if (!byProfile) plans.set(set, (byProfile = new Map()));
  let plan = byProfile.get(profile);
  if (!plan)
    byProfile.set(
      profile,
      (plan = compileFixedPlan(set, profile, typeof included === 'function' ? included() : included)),
    );
  return plan;
}

function compileFixedPlan(set: CompiledSet, profile: string, included: ReadonlySet<string>): FixedPlan {
  const { layout } = set;
  const inProfile = set.components.filter((c) => included.has(c.product.id));
  const indexOf = new Map(inProfile.map((c, i) => [c.id, i]));
  const inputIndex = new Map(set.inputs.map((i, k) => [i.id, k]));
  const classIds = set.landClasses.map((l) => l.id);
  const perClass = new Map<string, readonly string[]>();
  for (const i of set.inputs) if (i.perLandClass) perClass.set(i.id, classIds);
  for (const c of set.components) if (c.landClasses) perClass.set(c.id, c.landClasses);
  const products = [...new Set(inProfile.map((c) => c.product.id))];
  const ecoOfClass = new Map(set.landClasses.map((l) => [l.id, l.ecosystem]));
  const ecosystems: (EcosystemType | 'unallocated')[] = [...ECOSYSTEM_TYPES, 'unallocated'];

  // components in dependency order: the scale of each quantity is known before a formula reads it
  const qScaleOf = new Map<string, number>();
  const bindFor = (cls: string | null, qScale: number) => (name: string) => {
    if (name === 'Q') return { slot: layout.qSlot, scale: qScale };
    const param = set.parameters.get(name);
    if (param) return { constant: param.values ? param.values.get(cls!)! : param.value! };
    const scale = inputIndex.has(name) ? INPUT_SCALE : qScaleOf.get(name);
    // a component outside the profile: never evaluated (its dependants are not applicable)
    if (scale === undefined) return { slot: layout.scalar(name)!, scale: 0 };
    if (cls && perClass.get(name)?.includes(cls)) return { slot: layout.perClass(name, cls)!, scale };
    return { slot: layout.scalar(name)!, scale };
  };
  const maxScale = (fs: ReadonlyArray<{ scale: number }>) => Math.max(0, ...fs.map((f) => f.scale));

  const components = inProfile.map((c): FixedComponent => {
    const keys = c.landClasses ?? [TOTAL];
    const cls = (k: string) => (k === TOTAL ? null : k);
    // a quantity's classes, total and cap at one scale: the largest of its formulas' (exact, no rounding)
    const quantityF = keys.map((k) => compileFixed(c.quantity.checked, bindFor(cls(k), 0)));
    const capF = c.cap ? compileFixed(c.cap.checked, bindFor(null, 0)) : undefined;
    // a cap that binds shares itself out among the classes by quotients: those keep DIVISION_SCALE decimals
    const qScale = Math.max(maxScale([...quantityF, ...(capF ? [capF] : [])]), capF ? DIVISION_SCALE : 0);
    qScaleOf.set(c.id, qScale);
    const valueF = c.plan.value
      ? keys.map((k) => compileFixed(c.value.checked, bindFor(cls(k), qScale)))
      : undefined;
    const vScale = valueF ? maxScale(valueF) : 0;
    const share = c.outOfRegionShare
      ? {
          ...compileFixed(c.outOfRegionShare.checked, bindFor(null, qScale)),
          inputs: Int32Array.from(
            c.outOfRegionShare.checked.symbols
              .filter((n) => inputIndex.has(n))
              .map((n) => inputIndex.get(n)!),
          ),
        }
      : undefined;
    return {
      model: c,
      inputs: Int32Array.from(c.inputsUsed.map((id) => inputIndex.get(id)!)),
      deps: Int32Array.from(c.componentsUsed.map((id) => indexOf.get(id) ?? -1)),
      classes: c.landClasses,
      classSlots: Int32Array.from((c.landClasses ?? []).map((k) => layout.perClass(c.id, k)!)),
      slot: layout.scalar(c.id)!,
      qScale,
      vScale,
      qLimit: pow10(51 + qScale),
      vLimit: pow10(51 + vScale),
      quantity: quantityF.map((f) => atScale(f, qScale)),
      cap: capF && atScale(capF, qScale),
      value: valueF?.map((f) => atScale(f, vScale)),
      share,
      product: products.indexOf(c.product.id),
      category: CATEGORIES.indexOf(c.product.category),
      ecosystems: Int32Array.from(
        c.landClasses
          ? c.landClasses.map((k) => ecosystems.indexOf(ecoOfClass.get(k)!))
          : [ecosystems.indexOf(c.ecosystem ?? 'unallocated')],
      ),
    };
  });
  const n = components.length;
  const classOffset = new Int32Array(n);
  let classCount = 0;
  components.forEach((c, i) => {
    classOffset[i] = classCount;
    classCount += c.classes?.length ?? 0;
  });
  const scratch: FixedScratch = {
    env: new Array<bigint | undefined>(layout.size),
    present: new Uint8Array(set.inputs.length),
    status: new Uint8Array(n),
    quantity: new Array<bigint>(n).fill(0n),
    value: new Array<bigint>(n).fill(0n),
    uncapped: new Array<bigint | undefined>(n),
    byClassQ: components.map((c) => new Array<bigint>(c.classes?.length ?? 0).fill(0n)),
    byClassV: components.map((c) => new Array<bigint>(c.classes?.length ?? 0).fill(0n)),
    share: new Array<bigint | undefined>(n),
    outOfRegion: new Array<bigint | undefined>(n),
    shareMissing: new Uint8Array(n),
    roleDeduction: 0n,
    roleValue: undefined,
  };
  return {
    set,
    profile,
    components,
    products,
    ecosystems,
    inputSlots: set.inputs.map((i) =>
      i.perLandClass ? new Map(classIds.map((k) => [k, layout.perClass(i.id, k)!])) : layout.scalar(i.id)!,
    ),
    qSlot: layout.qSlot,
    hasRoleDeduction: roleInput(set, 'out_of_region_value') !== undefined,
    totalScale: Math.max(
      FIGURE_SCALE,
      ...components.map((c) => Math.max(c.qScale, c.share ? c.vScale + c.share.scale : c.vScale)),
    ),
    scratch,
    classOffset,
    classCount,
    hasCap: components.some((c) => c.cap),
    hasShare: components.some((c) => c.share),
  };
}

/**
 * Loads a record into the scratch area. False when a value has more than INPUT_SCALE decimals (the
 * record is then accounted by the decimal engine, exactly).
 */
export function loadRecord(plan: FixedPlan, record: InputRecord): boolean {
  const { env, present } = plan.scratch;
  env.fill(undefined);
  const inputs = plan.set.inputs;
  for (let i = 0; i < inputs.length; i++) {
    const v = record.values.get(inputs[i]!.id);
    if (v === undefined) {
      present[i] = 0;
      continue;
    }
    present[i] = 1;
    const slots = plan.inputSlots[i]!;
    if (typeof slots === 'number') {
      const x = decToScaled(v as Dec, INPUT_SCALE);
      if (x === undefined) return false;
      env[slots] = x;
    } else {
      // (the keys, not the entries: no [key, value] pair made per value)
      const byClass = v as ReadonlyMap<string, Dec>;
      for (const cls of byClass.keys()) {
        const slot = slots.get(cls);
        const x = decToScaled(byClass.get(cls)!, INPUT_SCALE);
        if (slot === undefined || x === undefined) return false;
        env[slot] = x;
      }
    }
  }
  if (plan.hasRoleDeduction) {
    const d = roleValue(plan.set, record, 'out_of_region_value');
    plan.scratch.roleDeduction = d ? decToScaledRounded(d, plan.totalScale) : 0n;
    plan.scratch.roleValue = d;
  } else {
    plan.scratch.roleDeduction = 0n;
    plan.scratch.roleValue = undefined;
  }
  return true;
}

/**
 * Accounts the loaded record into the scratch area. Throws FixedFallback where the decimal engine must
 * speak (a figure out of range, ÷ 0, a share outside [0, 1]): it raises the error with its message.
 */
export function runFixed(plan: FixedPlan): void {
  const s = plan.scratch;
  const { env, present, status, quantity, value, uncapped, byClassQ, byClassV } = s;
  const comps = plan.components;
  const qSlot = plan.qSlot;
  for (let i = 0; i < comps.length; i++) {
    const c = comps[i]!;
    uncapped[i] = undefined;
    s.share[i] = undefined;
    s.outOfRegion[i] = undefined;
    s.shareMissing[i] = 0;
    let st: number = FixedStatus.Ok;
    for (let k = 0; k < c.inputs.length; k++)
      if (!present[c.inputs[k]!]) {
        st = FixedStatus.MissingInput;
        break;
      }
    if (st === FixedStatus.Ok)
      for (let k = 0; k < c.deps.length; k++) {
        const d = c.deps[k]!;
        if (d < 0 || status[d]! < FixedStatus.NotValued) {
          st = FixedStatus.MissingDependency;
          break;
        }
      }
    if (st !== FixedStatus.Ok) {
      status[i] = st;
      continue;
    }
    let total = 0n;
    if (c.classes) {
      const qs = byClassQ[i]!;
      const n = qs.length;
      for (let k = 0; k < n; k++) {
        const q = c.quantity[k]!(env);
        if ((q < 0n ? -q : q) >= c.qLimit) throw FALLBACK;
        qs[k] = q;
        total += q;
      }
      if (c.cap) {
        const cap = c.cap(env);
        if ((cap < 0n ? -cap : cap) >= c.qLimit) throw FALLBACK;
        if (total > cap) {
          uncapped[i] = total;
          allocate(qs, total, cap);
          total = cap;
        }
      }
      for (let k = 0; k < n; k++) env[c.classSlots[k]!] = qs[k];
    } else {
      total = c.quantity[0]!(env);
      if ((total < 0n ? -total : total) >= c.qLimit) throw FALLBACK;
      if (c.cap) {
        const cap = c.cap(env);
        if ((cap < 0n ? -cap : cap) >= c.qLimit) throw FALLBACK;
        if (total > cap) {
          uncapped[i] = total;
          total = cap;
        }
      }
    }
    env[c.slot] = total;
    quantity[i] = total;
    if (!c.value) {
      status[i] = FixedStatus.NotValued;
      continue;
    }
    status[i] = FixedStatus.Ok;
    let v = 0n;
    if (c.classes) {
      const qs = byClassQ[i]!;
      const vs = byClassV[i]!;
      for (let k = 0; k < qs.length; k++) {
        env[qSlot] = qs[k];
        const x = c.value[k]!(env);
        if ((x < 0n ? -x : x) >= c.vLimit) throw FALLBACK;
        vs[k] = x;
        v += x;
      }
    } else {
      env[qSlot] = total;
      v = c.value[0]!(env);
      if ((v < 0n ? -v : v) >= c.vLimit) throw FALLBACK;
    }
    value[i] = v;
    if (c.share) {
      let missing = false;
      for (let k = 0; k < c.share.inputs.length; k++) if (!present[c.share.inputs[k]!]) missing = true;
      if (missing) s.shareMissing[i] = 1;
      else {
        const sh = c.share.run(env);
        if (sh < 0n || sh > pow10(c.share.scale)) throw FALLBACK;
        s.share[i] = sh;
        // value × share, exact (at the value's scale + the share's)
        s.outOfRegion[i] = v * sh;
      }
    }
  }
  env[qSlot] = undefined;
}

/**
 * A township-year's figures, copied out of the scratch area (which the next record overwrites), packed: component
 * i's total at [i], its class k at [n + classOffset[i] + k] (n components). An entry is meaningful only where the
 * status says the component was computed (quantity) or valued (value).
 */
export interface FixedRunCopy {
  readonly status: Uint8Array;
  readonly q: readonly bigint[];
  readonly v: readonly bigint[];
  /** Only when the plan has a cap, or a share (else every entry is absent). */
  readonly uncapped?: readonly (bigint | undefined)[];
  readonly share?: readonly (bigint | undefined)[];
  readonly outOfRegion?: readonly (bigint | undefined)[];
  readonly shareMissing?: Uint8Array;
  readonly roleValue: Dec | undefined;
}

/** Copies the scratch area (the last record run) into a run copy. */
export function copyRun(plan: FixedPlan): FixedRunCopy {
  const s = plan.scratch;
  const comps = plan.components;
  const n = comps.length;
  const size = n + plan.classCount;
  const q = new Array<bigint>(size);
  const v = new Array<bigint>(size);
  for (let i = 0; i < n; i++) {
    const st = s.status[i]!;
    const c = comps[i]!;
    const computed = st >= FixedStatus.NotValued;
    const valued = st === FixedStatus.Ok;
    q[i] = computed ? s.quantity[i]! : 0n;
    v[i] = valued ? s.value[i]! : 0n;
    if (c.classes) {
      const base = n + plan.classOffset[i]!;
      const qs = s.byClassQ[i]!;
      const vs = s.byClassV[i]!;
      for (let k = 0; k < qs.length; k++) {
        q[base + k] = computed ? qs[k]! : 0n;
        v[base + k] = valued ? vs[k]! : 0n;
      }
    }
  }
  return {
    status: s.status.slice(),
    q,
    v,
    uncapped: plan.hasCap ? s.uncapped.slice() : undefined,
    share: plan.hasShare ? s.share.slice() : undefined,
    outOfRegion: plan.hasShare ? s.outOfRegion.slice() : undefined,
    shareMissing: plan.hasShare ? s.shareMissing.slice() : undefined,
    roleValue: s.roleValue,
  };
}

/** Scales per-class quantities to `target` in proportion; the largest class takes the remainder. */
function allocate(qs: bigint[], total: bigint, target: bigint): void {
  let largest = 0;
  for (let k = 1; k < qs.length; k++) if (qs[k]! > qs[largest]!) largest = k;
  let allocated = 0n;
  for (let k = 0; k < qs.length; k++) {
    if (k === largest) continue;
    qs[k] = divRound(qs[k]! * target, total);
    allocated += qs[k]!;
  }
  qs[largest] = target - allocated;
}

/**
 * Totals of many township-years (a province run), all at `scale` (exact sums), indexed as the plan. Plans of one set
 * priced for different years have the same indices but may have larger scales: the totals' scale rises to the
 * largest met (settleTotals), the figures multiplied up exactly.
 */
export interface FixedTotals {
  scale: number;
  records: number;
  /** Records the decimal engine accounted (a value beyond INPUT_SCALE decimals, or an error to report). */
  decimalRecords: number;
  gep: bigint;
  outOfRegionDeduction: bigint;
  readonly categories: bigint[];
  readonly products: bigint[];
  readonly ecosystems: bigint[];
  readonly componentQuantities: bigint[];
  readonly componentValues: bigint[];
  /**
   * What addScratch added since the figures above were last settled (settleTotals), per plan, each sum at its
   * component's own scale: a record adds one integer per component and class there, where adding it to the figures
   * at `scale` took a multiplication and five additions of integers of ≈ 100 digits (a third of a province run's
   * time).
   */
  readonly pending: Map<FixedPlan, PendingSums>;
}

interface PendingSums {
  /** Σ the out_of_region_value role's deduction (at the plan's totalScale). */
  roleDeduction: bigint;
  /** Per component: Σ quantity (at qScale), Σ value (at vScale), Σ out-of-region value (at vScale + share scale). */
  readonly quantity: bigint[];
  readonly value: bigint[];
  readonly outOfRegion: bigint[];
  /** Per component class (at classOffset): Σ value (at vScale). */
  readonly classValue: bigint[];
}

const zeros = (n: number) => new Array<bigint>(n).fill(0n);

export function emptyTotals(plan: FixedPlan): FixedTotals {
  const n = plan.components.length;
  return {
    scale: plan.totalScale,
    records: 0,
    decimalRecords: 0,
    gep: 0n,
    outOfRegionDeduction: 0n,
    categories: zeros(CATEGORIES.length),
    products: zeros(plan.products.length),
    ecosystems: zeros(plan.ecosystems.length),
    componentQuantities: zeros(n),
    componentValues: zeros(n),
    pending: new Map(),
  };
}

/** Adds the scratch area (the last record run) to the totals' pending sums (see settleTotals). */
export function addScratch(plan: FixedPlan, t: FixedTotals): void {
  const s = plan.scratch;
  const comps = plan.components;
  let p = t.pending.get(plan);
  if (!p) {
    const n = comps.length;
    p = {
      roleDeduction: 0n,
      quantity: zeros(n),
      value: zeros(n),
      outOfRegion: zeros(n),
      classValue: zeros(plan.classCount),
    };
    t.pending.set(plan, p);
  }
  t.records++;
  p.roleDeduction += s.roleDeduction;
  for (let i = 0; i < comps.length; i++) {
    const st = s.status[i]!;
    if (st < FixedStatus.NotValued) continue;
    p.quantity[i]! += s.quantity[i]!;
    if (st !== FixedStatus.Ok) continue;
    p.value[i]! += s.value[i]!;
    const c = comps[i]!;
    if (c.classes) {
      const vs = s.byClassV[i]!;
      const base = plan.classOffset[i]!;
      for (let k = 0; k < vs.length; k++) p.classValue[base + k]! += vs[k]!;
    }
    const o = s.outOfRegion[i];
    if (o !== undefined) p.outOfRegion[i]! += o;
  }
}

/**
 * Moves the pending sums into the totals' figures, at the totals' scale (raised first to the largest scale of the
 * plans met; exact: a scale is raised by multiplying by a power of ten, as each record's figures were before), and
 * clears them. Read the figures after this.
 */
export function settleTotals(t: FixedTotals): FixedTotals {
  if (!t.pending.size) return t;
  const top = Math.max(t.scale, ...[...t.pending.keys()].map((plan) => plan.totalScale));
  if (top > t.scale) {
    const f = pow10(top - t.scale);
    t.gep *= f;
    t.outOfRegionDeduction *= f;
    for (const list of [t.categories, t.products, t.ecosystems, t.componentQuantities, t.componentValues])
      for (let i = 0; i < list.length; i++) list[i]! *= f;
    t.scale = top;
  }
  const T = t.scale;
  for (const [plan, p] of t.pending) {
    t.outOfRegionDeduction += rescale(p.roleDeduction, plan.totalScale, T);
    plan.components.forEach((c, i) => {
      t.componentQuantities[i]! += rescale(p.quantity[i]!, c.qScale, T);
      const f = pow10(T - c.vScale);
      const v = p.value[i]! * f;
      t.componentValues[i]! += v;
      t.products[c.product]! += v;
      t.categories[c.category]! += v;
      t.gep += v;
      if (c.classes) {
        const base = plan.classOffset[i]!;
        for (let k = 0; k < c.classes.length; k++)
          t.ecosystems[c.ecosystems[k]!]! += p.classValue[base + k]! * f;
      } else t.ecosystems[c.ecosystems[0]!]! += v;
      if (c.share) t.outOfRegionDeduction += p.outOfRegion[i]! * pow10(T - c.vScale - c.share.scale);
    });
  }
  t.pending.clear();
  return t;
}

/** A figure of the totals as a decimal (exact). */
export const totalToDec = (t: FixedTotals, n: bigint): Dec => scaledToDec(n, t.scale);

/**
 * One difference model (变化量): two states of the accounts — year vs year, scenario vs baseline, end vs start of
 * a tenure — and the change per product, category, land class, township and component (physical and value).
 * Both sides' township accounts are kept: every Δ line points at the component results (and so the traces) of
 * the two sides it was computed from. Pure: accounts in, figures out.
 */
import { Dec, ZERO, sum } from './decimal.js';
import type { ComponentResult, TownshipAccount } from './accounting.js';
import type { CompiledSet } from './model.js';
import { roleInput, roleUnit } from './roles.js';
import { convertValue } from './units.js';
import { CATEGORIES, type Category, type Labels } from '../methods/schema.js';

export class DifferenceError extends Error {
  constructor(readonly messages: { zh: string; en: string }) {
    super(messages.en);
  }
}

/** A figure on both sides and its change: after − before. */
export interface Delta {
  readonly before: Dec;
  readonly after: Dec;
  readonly delta: Dec;
}

const delta = (before: Dec, after: Dec): Delta => ({ before, after, delta: after.minus(before) });

export interface ProductDelta extends Delta {
  readonly id: string;
  readonly labels: Labels;
  readonly category: Category;
}

export interface LandClassDelta extends Delta {
  /** A land class id, or 'unallocated' for values not allocated to land classes. */
  readonly id: string;
  readonly labels: Labels;
  /** The land area (hm²) on both sides, when the set declares the land_area input. */
  readonly area?: Delta;
}

export interface TownshipDelta extends Delta {
  readonly township: string;
  /** Net GEP (gross − out-of-region value). */
  readonly net: Delta;
}

/** One component: its physical quantity (in its own unit) and its value, with both sides' results. */
export interface ComponentDelta {
  readonly id: string;
  readonly product: string;
  readonly labels: Labels;
  readonly unit: string;
  readonly quantity: Delta;
  readonly value: Delta;
  /** Physical quantity by land class, for per-class components. */
  readonly quantityByClass: ReadonlyMap<string, Delta>;
  /** The results the figures come from, per township, on both sides (the traces read them). */
  readonly sides: ReadonlyArray<{
    township: string;
    before?: ComponentResult;
    after?: ComponentResult;
  }>;
}

export interface Difference {
  readonly gep: Delta;
  readonly gepNet: Delta;
  readonly byCategory: Readonly<Record<Category, Delta>>;
  readonly byProduct: readonly ProductDelta[];
  readonly byLandClass: readonly LandClassDelta[];
  readonly byTownship: readonly TownshipDelta[];
  readonly byComponent: readonly ComponentDelta[];
  /** The two sides, as accounted: the trace of every figure. */
  readonly before: readonly TownshipAccount[];
  readonly after: readonly TownshipAccount[];
}

const add = <K>(m: Map<K, Dec>, k: K, v: Dec) => m.set(k, (m.get(k) ?? ZERO).plus(v));

/**
 * The change from `before` to `after`. Both sides hold the same townships (each once), accounted at the same
 * price basis; the catalogue (products, land classes) is read from `set`, the set of the `after` side.
 * `nominal`: the sides may be at different price bases (each year at its own current prices), for a change
 * in money of the day; a real change needs both sides at the constant prices of one base year.
 */
export function difference(
  set: CompiledSet,
  before: readonly TownshipAccount[],
  after: readonly TownshipAccount[],
  options: { nominal?: boolean } = {},
): Difference {
  checkSides(before, after, options.nominal ?? false);
  const byTownshipBefore = new Map(before.map((a) => [a.township, a]));
  const townships = after.map((a) => a.township);

  const productsBefore = new Map<string, Dec>();
  const productsAfter = new Map<string, Dec>();
  for (const a of before) for (const [k, v] of a.productValues) add(productsBefore, k, v);
  for (const a of after) for (const [k, v] of a.productValues) add(productsAfter, k, v);
  const byProduct: ProductDelta[] = set.products
    .filter((p) => productsBefore.has(p.id) || productsAfter.has(p.id))
    .map((p) => ({
      id: p.id,
      labels: p.labels,
      category: p.category,
      ...delta(productsBefore.get(p.id) ?? ZERO, productsAfter.get(p.id) ?? ZERO),
    }));

  const byCategory = Object.fromEntries(
    CATEGORIES.map((c) => [
      c,
      delta(sum(before.map((a) => a.categoryValues[c])), sum(after.map((a) => a.categoryValues[c]))),
    ]),
  ) as Record<Category, Delta>;

  const classValues = (side: readonly TownshipAccount[]) => {
    const m = new Map<string, Dec>();
    for (const a of side)
      for (const r of a.components) {
        if (r.value === undefined) continue;
        if (r.valueByClass) for (const [cls, v] of r.valueByClass) add(m, cls, v);
        else add(m, 'unallocated', r.value);
      }
    return m;
  };
  const classesBefore = classValues(before);
  const classesAfter = classValues(after);
  const areaBefore = areas(set, before);
  const areaAfter = areas(set, after);
  const byLandClass: LandClassDelta[] = set.landClasses.map((c) => ({
    id: c.id,
    labels: c.labels,
    ...delta(classesBefore.get(c.id) ?? ZERO, classesAfter.get(c.id) ?? ZERO),
    ...(areaBefore && areaAfter
      ? { area: delta(areaBefore.get(c.id) ?? ZERO, areaAfter.get(c.id) ?? ZERO) }
      : {}),
  }));
  if (classesBefore.has('unallocated') || classesAfter.has('unallocated'))
    byLandClass.push({
      id: 'unallocated',
      labels: { zh: '未分配到地类', en: 'Not allocated to land classes' },
      ...delta(classesBefore.get('unallocated') ?? ZERO, classesAfter.get('unallocated') ?? ZERO),
    });

  const byTownship: TownshipDelta[] = townships.map((t) => {
    const b = byTownshipBefore.get(t)!;
    const a = after.find((x) => x.township === t)!;
    return { township: t, ...delta(b.gep, a.gep), net: delta(b.gepNet, a.gepNet) };
  });

  const byComponent: ComponentDelta[] = [];
  for (const m of set.components) {
    const sides = townships.map((t) => ({
      township: t,
      before: byTownshipBefore.get(t)!.components.find((r) => r.component.id === m.id),
      after: after.find((x) => x.township === t)!.components.find((r) => r.component.id === m.id),
    }));
    if (!sides.some((s) => s.before || s.after)) continue;
    const qb = new Map<string, Dec>();
    const qa = new Map<string, Dec>();
    for (const s of sides) {
      for (const [cls, q] of s.before?.quantityByClass ?? []) add(qb, cls, q);
      for (const [cls, q] of s.after?.quantityByClass ?? []) add(qa, cls, q);
    }
    const quantityByClass = new Map<string, Delta>();
    for (const cls of new Set([...qb.keys(), ...qa.keys()]))
      quantityByClass.set(cls, delta(qb.get(cls) ?? ZERO, qa.get(cls) ?? ZERO));
    byComponent.push({
      id: m.id,
      product: m.product.id,
      labels: m.labels,
      unit: m.quantity.unitText,
      quantity: delta(
        sum(sides.map((s) => s.before?.quantity ?? ZERO)),
        sum(sides.map((s) => s.after?.quantity ?? ZERO)),
      ),
      value: delta(
        sum(sides.map((s) => s.before?.value ?? ZERO)),
        sum(sides.map((s) => s.after?.value ?? ZERO)),
      ),
      quantityByClass,
      sides,
    });
  }

  return {
    gep: delta(sum(before.map((a) => a.gep)), sum(after.map((a) => a.gep))),
    gepNet: delta(sum(before.map((a) => a.gepNet)), sum(after.map((a) => a.gepNet))),
    byCategory,
    byProduct,
    byLandClass,
    byTownship,
    byComponent,
    before,
    after,
  };
}

/** Growth rate Δ ÷ before (= after ÷ before − 1), undefined when before is 0. */
export const growth = (d: Delta): Dec | undefined => (d.before.isZero() ? undefined : d.delta.div(d.before));

function checkSides(before: readonly TownshipAccount[], after: readonly TownshipAccount[], nominal: boolean) {
  if (!before.length || !after.length)
    throw new DifferenceError({
      zh: '比较的两方都须至少有一个乡镇的核算',
      en: 'both sides need at least one township account',
    });
  const names = (side: readonly TownshipAccount[]) => side.map((a) => a.township);
  for (const side of [before, after]) {
    const dup = names(side).find((t, i, all) => all.indexOf(t) !== i);
    if (dup)
      throw new DifferenceError({
        zh: `乡镇 ${dup} 在一方出现两次`,
        en: `township ${dup} appears twice on one side`,
      });
  }
  const b = new Set(names(before));
  const a = new Set(names(after));
  const onlyOne = [...b].filter((t) => !a.has(t)).concat([...a].filter((t) => !b.has(t)));
  if (onlyOne.length)
    throw new DifferenceError({
      zh: `两方的乡镇不同：${onlyOne.join('、')} 只在一方`,
      en: `the two sides hold different townships: ${onlyOne.join(', ')} only on one side`,
    });
  const basis = (x: TownshipAccount) => (x.prices ? `${x.prices.kind}:${x.prices.year}` : 'stated');
  const bases = new Set([...before, ...after].map(basis));
  // current prices of two years are not comparable; constant prices of one base year are
  if (bases.size > 1 && !nominal)
    throw new DifferenceError({
      zh: `两方的价格基准不同（${[...bases].join('、')}），请按同一不变价基年核算`,
      en: `the two sides are at different price bases (${[...bases].join(', ')}); account both at one constant-price base year`,
    });
}

/** hm² per land class summed over a side, from the land_area input of each account's record env. */
function areas(set: CompiledSet, side: readonly TownshipAccount[]): Map<string, Dec> | undefined {
  const input = roleInput(set, 'land_area');
  if (!input?.perLandClass) return undefined;
  const hm2 = roleUnit('land_area');
  const m = new Map<string, Dec>();
  for (const a of side)
    for (const c of set.landClasses) {
      const slot = set.layout.perClass(input.id, c.id);
      const v = slot === undefined ? undefined : a.env[slot];
      if (v) add(m, c.id, convertValue(v, input.unitValue, hm2));
    }
  return m;
}

import { Dec, parseDecimal, readDecimal } from '../domain/decimal.js';
import {
  FormulaError,
  checkFormula,
  compileFormula,
  decimalArithmetic,
  unitMismatch,
  type Arithmetic,
  type Binding,
  type CheckedFormula,
  type SymbolType,
} from '../domain/formula.js';
import {
  TOTAL,
  type CompiledSet,
  type ComponentModel,
  type ComponentPlan,
  type EquivalentFactorModel,
  type Evaluator,
  type FormulaModel,
  type InputModel,
  type ParameterModel,
  type PriceIndexModel,
  type ProductModel,
  type SlotLayout,
} from '../domain/model.js';
import { parseUnit, sameDimension, UnitError, type Unit } from '../domain/units.js';
import type { ResolvedSet } from './resolve.js';
import { roleMismatch } from '../domain/roles.js';

export interface SetIssue {
  /** The file the offending item came from. */
  file: string;
  /** Where in the set: e.g. products.water_conservation.components.water_conservation.quantity.formula */
  path: string;
  message: string;
}

export class SetLoadError extends Error {
  constructor(readonly issues: SetIssue[]) {
    super(issues.map((i) => `${i.file}: ${i.path}: ${i.message}`).join('\n'));
  }
}

/** Parses a value that may be written as a percentage ("2.67%") into a fraction. */
export function parseRate(raw: string, percentAllowed: boolean): Dec | undefined {
  const text = raw.trim();
  const fraction = /^(.+)\/(.+)$/.exec(text);
  if (fraction) {
    // exact ratios such as 44/12 (CO₂ per C), evaluated to 34 significant digits
    const [num, den] = [parseDecimal(fraction[1]!), parseDecimal(fraction[2]!)];
    return num && den && !den.isZero() ? num.div(den) : undefined;
  }
  if (text.endsWith('%')) {
    if (!percentAllowed) return undefined;
    return parseDecimal(text.slice(0, -1))?.div(100);
  }
  return parseDecimal(text);
}

const MONEY_UNITS = ['元', '万元', '亿元', '万亿元'] as const;
const isMoney = (u: Unit) => Object.keys(u.dims).length === 1 && u.dims.money === 1;

/** Compiles a resolved set; every problem is collected, none is thrown one at a time. */
export function compileSet(resolved: ResolvedSet): CompiledSet {
  const issues: SetIssue[] = [];
  const fileOf = (key: string) => resolved.origins.get(key) ?? resolved.file;
  const issue = (key: string, path: string, message: string) =>
    issues.push({ file: fileOf(key), path, message });
  const unitOrIssue = (key: string, path: string, text: string): Unit | undefined => {
    try {
      return parseUnit(text);
    } catch (e) {
      issue(key, path, (e as UnitError).message);
      return undefined;
    }
  };
  const data = resolved.data;
  const classIds = new Set<string>();
  const codeOwner = new Map<string, string>();
  for (const c of data.landClasses) {
    if (classIds.has(c.id)) issue(`landClass:${c.id}`, `landClasses.${c.id}`, 'duplicate land class id');
    classIds.add(c.id);
    for (const code of c.sourceCodes) {
      const owner = codeOwner.get(code);
      if (owner)
        issue(
          `landClass:${c.id}`,
          `landClasses.${c.id}.sourceCodes`,
          `code ${code} is mapped to ${owner} already`,
        );
      codeOwner.set(code, c.id);
    }
  }
  const groupIds = new Set(data.inputGroups.map((g) => g.id));
  const profileIds = new Set(data.profiles.map((p) => p.id));
  const names = new Map<string, string>(); // symbol → kind, for collisions
  const claim = (name: string, kind: string, key: string, path: string) => {
    const other = names.get(name);
    if (other) issue(key, path, `the name "${name}" is used by ${other} already`);
    names.set(name, kind);
  };

  // ---- inputs
  const inputs: InputModel[] = [];
  for (const spec of data.inputs) {
    const key = `input:${spec.id}`;
    const path = `inputs.${spec.id}`;
    claim(spec.id, 'an input', key, path);
    if (!groupIds.has(spec.group)) issue(key, `${path}.group`, `unknown input group "${spec.group}"`);
    const unit = unitOrIssue(key, `${path}.unit`, spec.unit);
    if (!unit) continue;
    const acceptUnits: { text: string; unit: Unit }[] = [{ text: spec.unit, unit }];
    for (const text of spec.acceptUnits) {
      const u = unitOrIssue(key, `${path}.acceptUnits`, text);
      if (u && !sameDimension(u, unit))
        issue(key, `${path}.acceptUnits`, `"${text}" cannot convert to "${spec.unit}"`);
      else if (u && text !== spec.unit) acceptUnits.push({ text, unit: u });
    }
    // an amount of money may always be entered in 元, 万元, 亿元 or 万亿元 (a province's GDP): exact conversions
    if (isMoney(unit))
      for (const text of MONEY_UNITS)
        if (text !== spec.unit && !acceptUnits.some((a) => a.text === text))
          acceptUnits.push({ text, unit: parseUnit(text) });
    let range: [Dec, Dec] | undefined;
    if (spec.range) {
      const lo = parseRate(spec.range[0], spec.percent);
      const hi = parseRate(spec.range[1], spec.percent);
      if (!lo || !hi || lo.gt(hi)) issue(key, `${path}.range`, 'a range is two numbers, low ≤ high');
      else range = [lo, hi];
    }
    if (spec.role) {
      const holder = inputs.find((i) => i.role === spec.role);
      if (holder) issue(key, `${path}.role`, `the role "${spec.role}" is played by ${holder.id} already`);
      const why = roleMismatch(spec.role, { unitValue: unit, perLandClass: spec.perLandClass });
      if (why) issue(key, `${path}.role`, why);
    }
    if (spec.scalesWithLandClasses) {
      if (spec.perLandClass)
        issue(key, `${path}.scalesWithLandClasses`, 'a per-class input cannot scale with land classes');
      for (const cls of spec.scalesWithLandClasses)
        if (!classIds.has(cls)) issue(key, `${path}.scalesWithLandClasses`, `unknown land class "${cls}"`);
    }
    inputs.push({ ...spec, unitValue: unit, acceptUnits, range });
  }
  const inputById = new Map(inputs.map((i) => [i.id, i]));
  if (
    inputs.some((i) => i.scalesWithLandClasses) &&
    !inputs.some((i) => i.role === 'land_area' && i.perLandClass)
  )
    issue(
      'inputs',
      'inputs',
      'an input scales with land classes, but no per-class input has the role land_area',
    );

  // ---- price indices
  const priceIndices = new Map<string, PriceIndexModel>();
  for (const spec of data.priceIndices ?? []) {
    const key = `priceIndex:${spec.id}`;
    const path = `priceIndices.${spec.id}`;
    const values = new Map<number, { value: Dec; source: string; verified: boolean }>();
    for (const row of spec.values) {
      const v = parseDecimal(row.value);
      if (values.has(row.year)) issue(key, `${path}.values.${row.year}`, `year ${row.year} is given twice`);
      else if (!v || !v.isFinite() || !v.gt(0))
        issue(key, `${path}.values.${row.year}`, `"${row.value}" is not a positive number`);
      else values.set(row.year, { value: v, source: row.source, verified: row.verified });
    }
    priceIndices.set(spec.id, { id: spec.id, labels: spec.labels, base: spec.base, values });
  }
  if (data.constantPriceYear !== undefined && priceIndices.size)
    for (const index of priceIndices.values())
      if (!index.values.has(data.constantPriceYear))
        issue(
          `priceIndex:${index.id}`,
          `constantPriceYear`,
          `the constant-price base year ${data.constantPriceYear} has no value in price index "${index.id}"`,
        );

  // ---- parameters
  const parameters = new Map<string, ParameterModel>();
  for (const spec of data.parameters) {
    const key = `parameter:${spec.id}`;
    const path = `parameters.${spec.id}`;
    claim(spec.id, 'a parameter', key, path);
    const unit = unitOrIssue(key, `${path}.unit`, spec.unit);
    if (!unit) continue;
    const lo = spec.range ? parseRate(spec.range[0], spec.percent) : undefined;
    const hi = spec.range ? parseRate(spec.range[1], spec.percent) : undefined;
    const check = (raw: string, where: string): Dec | undefined => {
      const v = parseRate(raw, spec.percent);
      if (!v) {
        const r = readDecimal(raw.trim().replace(/%$/, ''));
        const why = r.ok ? `"${raw}" is not a number` : r.message.en;
        issue(key, where, `${why}${spec.percent ? ' (a rate may be written with %)' : ''}`);
        return undefined;
      }
      if ((lo && v.lt(lo)) || (hi && v.gt(hi)))
        issue(key, where, `value ${raw} is out of range [${spec.range![0]}, ${spec.range![1]}] ${spec.unit}`);
      // a price or cost (a unit in 元) is never negative unless the set's own range says so
      else if (!lo && v.isNeg() && unit.dims.money)
        issue(key, where, `value ${raw} ${spec.unit} is negative: a price or cost cannot be`);
      return v;
    };
    let value: Dec | null | undefined;
    let values: Map<string, Dec> | undefined;
    if (spec.values) {
      values = new Map();
      for (const [cls, raw] of Object.entries(spec.values)) {
        if (!classIds.has(cls)) issue(key, `${path}.values.${cls}`, `unknown land class "${cls}"`);
        const v = check(raw, `${path}.values.${cls}`);
        if (v) values.set(cls, v);
      }
    } else if (spec.value === null || spec.value === undefined) value = null;
    else value = check(spec.value, `${path}.value`) ?? null;
    const bound = (which: 'low' | 'high'): Dec | Map<string, Dec> | undefined => {
      const raw = spec[which];
      if (raw === undefined) return undefined;
      const where = `${path}.${which}`;
      if (typeof raw === 'string') {
        if (values)
          issue(key, where, `a per-land-class parameter gives its ${which} estimate per land class`);
        else if (value === null) issue(key, where, `a parameter without a value has no ${which} estimate`);
        else return check(raw, where);
        return undefined;
      }
      if (!values) {
        issue(key, where, `a scalar parameter gives its ${which} estimate as one number`);
        return undefined;
      }
      const m = new Map<string, Dec>();
      for (const [cls, text] of Object.entries(raw)) {
        if (!values.has(cls)) issue(key, `${where}.${cls}`, `land class "${cls}" has no value to bound`);
        const v = check(text, `${where}.${cls}`);
        if (v) m.set(cls, v);
      }
      return m;
    };
    const low = bound('low');
    const high = bound('high');
    // low ≤ value ≤ high, class by class for a per-class parameter
    const ordered = (
      a: Dec | Map<string, Dec> | undefined,
      b: Dec | Map<string, Dec> | undefined,
      what: string,
    ) => {
      if (!a || !b) return;
      if (Dec.isDecimal(a) && Dec.isDecimal(b)) {
        if (a.gt(b)) issue(key, path, what);
      } else if (a instanceof Map && b instanceof Map)
        for (const [cls, x] of a) {
          const y = b.get(cls);
          if (y && x.gt(y)) issue(key, `${path}.${cls}`, what);
        }
    };
    const central = values ?? value ?? undefined;
    ordered(low, central, 'the low estimate is above the value');
    ordered(central, high, 'the high estimate is below the value');
    // a set with price indices restates every money parameter: it must say its price year and series
    let priceIndex: string | undefined;
    const money = unit.dims.money ?? 0;
    if (spec.priceIndex && !money)
      issue(key, `${path}.priceIndex`, `only a money parameter (a unit in 元) is restated by a price index`);
    if (priceIndices.size && money) {
      priceIndex = spec.priceIndex ?? 'cpi';
      const index = priceIndices.get(priceIndex);
      const hasValue = value !== null || values !== undefined;
      if (money !== 1)
        issue(
          key,
          `${path}.unit`,
          `a money parameter is in 元 to the first power to be restated, not ${spec.unit}`,
        );
      else if (!index) issue(key, `${path}.priceIndex`, `unknown price index "${priceIndex}"`);
      else if (hasValue && (spec.priceYear === null || spec.priceYear === undefined))
        issue(key, `${path}.priceYear`, `a money parameter needs its price year (价格年份) to be restated`);
      else if (hasValue && !index.values.has(spec.priceYear!))
        issue(key, `${path}.priceYear`, `price index "${priceIndex}" has no value for ${spec.priceYear}`);
    }
    parameters.set(spec.id, {
      id: spec.id,
      labels: spec.labels,
      unitText: spec.unit,
      unit,
      value,
      values,
      percent: spec.percent,
      ...(low ? { low } : {}),
      ...(high ? { high } : {}),
      priceYear: spec.priceYear,
      priceIndex,
      source: spec.source,
      verified: spec.verified,
      note: spec.note,
      definedIn: resolved.definedIn.get(spec.id) ?? `${data.id}@${data.version}`,
    });
  }

  // ---- products and components
  const componentSpecs = data.products.flatMap((p) => p.components.map((c) => ({ product: p, spec: c })));
  for (const { spec } of componentSpecs)
    claim(spec.id, 'a component', `component:${spec.id}`, `components.${spec.id}`);
  const componentSpecById = new Map(componentSpecs.map((c) => [c.spec.id, c]));
  const declaredUnit = new Map<string, Unit>();
  for (const { product, spec } of componentSpecs) {
    const u = unitOrIssue(
      `product:${product.id}`,
      `products.${product.id}.components.${spec.id}.quantity.unit`,
      spec.quantity.unit,
    );
    if (u) declaredUnit.set(spec.id, u);
  }
  const productIds = new Set<string>();
  const products: ProductModel[] = [];
  for (const p of data.products) {
    const key = `product:${p.id}`;
    if (productIds.has(p.id)) issue(key, `products.${p.id}`, 'duplicate product id');
    productIds.add(p.id);
    for (const pr of p.profiles)
      if (!profileIds.has(pr)) issue(key, `products.${p.id}.profiles`, `unknown profile "${pr}"`);
    const { components, ...rest } = p;
    products.push({ ...rest, componentIds: components.map((c) => c.id) });
  }
  const productById = new Map(products.map((p) => [p.id, p]));

  interface Draft {
    id: string;
    productId: string;
    spec: (typeof componentSpecs)[number]['spec'];
    quantity?: FormulaModel;
    cap?: FormulaModel;
    value?: FormulaModel;
    outOfRegionShare?: FormulaModel;
    inputs: Set<string>;
    params: Set<string>;
    deps: Set<string>;
    unset: Set<string>;
  }
  const drafts: Draft[] = [];
  for (const { product, spec } of componentSpecs) {
    const key = `product:${product.id}`;
    const base = `products.${product.id}.components.${spec.id}`;
    const classes = spec.landClasses ?? null;
    for (const cls of classes ?? [])
      if (!classIds.has(cls)) issue(key, `${base}.landClasses`, `unknown land class "${cls}"`);
    if (classes && spec.ecosystem)
      issue(key, `${base}.ecosystem`, 'a per-land-class component takes its ecosystem from the land classes');
    const draft: Draft = {
      id: spec.id,
      productId: product.id,
      spec,
      inputs: new Set(),
      params: new Set(),
      deps: new Set(),
      unset: new Set(),
    };
    const resolve =
      (where: string, withQ: Unit | undefined) =>
      (name: string): SymbolType | undefined => {
        if (name === 'Q' && withQ) return { unit: withQ };
        const input = inputById.get(name);
        if (input) {
          if (input.perLandClass && !classes)
            throw new FormulaError(`"${name}" is given per land class; this component has no landClasses`);
          draft.inputs.add(name);
          return { unit: input.unitValue };
        }
        const param = parameters.get(name);
        if (param) {
          if (param.values) {
            if (!classes)
              throw new FormulaError(
                `parameter "${name}" is given per land class; this component has no landClasses`,
              );
            const missing = classes.filter((c) => !param.values!.has(c));
            if (missing.length)
              throw new FormulaError(`parameter "${name}" has no value for land class ${missing.join(', ')}`);
          } else if (param.value === null) {
            if (where !== 'value')
              throw new FormulaError(`parameter "${name}" has no value (not set in this set)`);
            draft.unset.add(name);
          }
          draft.params.add(name);
          return { unit: param.unit };
        }
        if (componentSpecById.has(name) && name !== spec.id) {
          draft.deps.add(name);
          const u = declaredUnit.get(name);
          return u ? { unit: u } : undefined;
        }
        return undefined;
      };
    const formula = (
      which: 'quantity' | 'cap' | 'value' | 'outOfRegionShare',
      f: { formula: string; unit: string },
      withQ?: Unit,
    ) => {
      const path = `${base}.${which}.formula`;
      const declared = unitOrIssue(key, `${base}.${which}.unit`, f.unit);
      try {
        const checked = checkFormula(f.formula, resolve(which, withQ));
        if (declared) {
          const mismatch = unitMismatch(checked.unit, declared, f.unit);
          if (mismatch) throw new FormulaError(`unit mismatch: "${f.formula}" ${mismatch}`);
        }
        return { text: f.formula, unitText: f.unit, checked };
      } catch (e) {
        if (e instanceof FormulaError || e instanceof UnitError)
          issue(key, path, `${(e as Error).message} — in "${f.formula}"`);
        else throw e;
        return undefined;
      }
    };
    draft.quantity = formula('quantity', spec.quantity);
    const qUnit = declaredUnit.get(spec.id);
    if (spec.cap) {
      if (spec.cap.unit !== spec.quantity.unit)
        issue(key, `${base}.cap.unit`, `the cap must be in the quantity's unit ${spec.quantity.unit}`);
      draft.cap = formula('cap', spec.cap);
    }
    if (qUnit) {
      const moneyUnit = unitOrIssue(key, `${base}.value.unit`, spec.value.unit);
      if (moneyUnit && spec.value.unit !== '元')
        issue(key, `${base}.value.unit`, 'values are accounted in 元');
      if (moneyUnit) draft.value = formula('value', spec.value, qUnit);
    }
    if (spec.outOfRegionShare) {
      if (spec.outOfRegionShare.unit !== '1')
        issue(key, `${base}.outOfRegionShare.unit`, 'a share is dimensionless: unit "1"');
      else {
        draft.outOfRegionShare = formula('outOfRegionShare', spec.outOfRegionShare);
        const perClass = draft.outOfRegionShare?.checked.symbols.filter(
          (n) => inputById.get(n)?.perLandClass || parameters.get(n)?.values || componentSpecById.has(n),
        );
        if (perClass?.length)
          issue(
            key,
            `${base}.outOfRegionShare.formula`,
            `the share is one figure per township: it cannot use ${perClass.join(', ')}`,
          );
      }
    }
    drafts.push(draft);
  }

  // ---- dependency order; a cycle is refused
  const ordered: Draft[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const draftById = new Map(drafts.map((d) => [d.id, d]));
  const visit = (d: Draft, stack: string[]) => {
    if (state.get(d.id) === 'done') return;
    if (state.get(d.id) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(d.id)), d.id].join(' → ');
      issue(
        `product:${d.productId}`,
        `products.${d.productId}.components.${d.id}`,
        `dependency cycle: ${cycle}`,
      );
      return;
    }
    state.set(d.id, 'visiting');
    for (const dep of d.deps) {
      const next = draftById.get(dep);
      if (next) visit(next, [...stack, d.id]);
    }
    state.set(d.id, 'done');
    ordered.push(d);
  };
  for (const d of drafts) visit(d, []);

  // ---- equivalent factors
  let equivalentFactor: EquivalentFactorModel | undefined;
  const ef = data.equivalentFactor;
  if (ef) {
    const key = 'equivalentFactor';
    const groupSet = new Set(ef.groups.map((g) => g.id));
    const serviceIds = ef.services.map((s) => s.id);
    for (const s of ef.services)
      if (!groupSet.has(s.group))
        issue(key, `equivalentFactor.services.${s.id}.group`, `unknown group "${s.group}"`);
    const types = ef.types.map((t) => {
      const factors = new Map<string, Dec>();
      for (const sid of serviceIds) {
        const raw = t.factors[sid];
        const v = raw === undefined ? undefined : parseDecimal(raw);
        if (!v)
          issue(
            key,
            `equivalentFactor.types.${t.id}.factors.${sid}`,
            raw === undefined ? 'missing factor' : `"${raw}" is not a number`,
          );
        else factors.set(sid, v);
      }
      for (const sid of Object.keys(t.factors))
        if (!serviceIds.includes(sid))
          issue(key, `equivalentFactor.types.${t.id}.factors.${sid}`, `unknown service "${sid}"`);
      return {
        id: t.id,
        labels: t.labels,
        factors,
        printedSum: t.printedSum ? parseDecimal(t.printedSum) : undefined,
      };
    });
    const typeIds = new Set(types.map((t) => t.id));
    const mapping = new Map<string, string | null>();
    for (const cls of classIds) {
      if (!(cls in ef.mapping))
        issue(key, `equivalentFactor.mapping.${cls}`, 'every land class must be mapped (null for none)');
    }
    for (const [cls, type] of Object.entries(ef.mapping)) {
      if (!classIds.has(cls)) issue(key, `equivalentFactor.mapping.${cls}`, `unknown land class "${cls}"`);
      if (type !== null && !typeIds.has(type))
        issue(key, `equivalentFactor.mapping.${cls}`, `unknown ecosystem type "${type}"`);
      mapping.set(cls, type);
    }
    const perHm2 = parseUnit('元/hm2');
    if (ef.standardValue.unit !== '元/hm2')
      issue(key, 'equivalentFactor.standardValue.unit', 'the value of one equivalent is stated in 元/hm2');
    for (const [what, ids] of [
      ['group', ef.groups.map((g) => g.id)],
      ['service', serviceIds],
      ['type', ef.types.map((t) => t.id)],
    ] as const)
      for (const dup of ids.filter((x, i) => ids.indexOf(x) !== i))
        issue(key, 'equivalentFactor', `duplicate ${what} id "${dup}"`);
    try {
      const checked = checkFormula(ef.standardValue.formula, (name) => {
        const p = parameters.get(name);
        if (!p || p.values) return undefined;
        if (p.value === null) throw new FormulaError(`parameter "${name}" has no value`);
        return { unit: p.unit };
      });
      const mismatch = unitMismatch(checked.unit, perHm2, '元/hm2');
      if (mismatch) throw new FormulaError(`unit mismatch: "${ef.standardValue.formula}" ${mismatch}`);
      equivalentFactor = {
        standardValue: { text: ef.standardValue.formula, unitText: ef.standardValue.unit, checked },
        standardValueEval: standardValueEvaluator(checked, parameters),
        groups: ef.groups,
        services: ef.services,
        types,
        mapping,
      };
    } catch (e) {
      if (!(e instanceof FormulaError)) throw e;
      issue(key, 'equivalentFactor.standardValue.formula', e.message);
    }
  }

  if (issues.length) throw new SetLoadError(issues);

  // ---- slots and compiled plans
  const layout = buildLayout(
    inputs,
    ordered.map((d) => d.id),
    [...classIds],
  );
  const perClassKeys = perClassKeysOf(
    inputs,
    [...classIds],
    ordered.map((d) => ({ id: d.id, landClasses: d.spec.landClasses ?? null })),
  );
  const models = ordered.map((d): Omit<ComponentModel, 'plan'> => {
    const product = productById.get(d.productId)!;
    return {
      id: d.id,
      product,
      labels: d.spec.labels ?? product.labels,
      landClasses: d.spec.landClasses ?? null,
      ecosystem: d.spec.ecosystem ?? null,
      quantity: d.quantity!,
      cap: d.cap,
      value: d.value!,
      outOfRegionShare: d.outOfRegionShare,
      inputsUsed: [...d.inputs],
      parametersUsed: [...d.params],
      componentsUsed: [...d.deps],
      unsetParameters: [...d.unset],
    };
  });
  // a formula refused at compile time (e.g. a constant part that is not finite) is an issue of the set file
  const plans = new Map<string, ComponentModel['plan']>();
  for (const m of models)
    try {
      plans.set(
        m.id,
        compilePlan(m, parameters, layout, decimalArithmetic, (v) => v, perClassKeys),
      );
    } catch (e) {
      if (!(e instanceof FormulaError)) throw e;
      issue(`product:${m.product.id}`, `products.${m.product.id}.components.${m.id}`, e.message);
    }
  if (issues.length) throw new SetLoadError(issues);
  const replan = (params: ReadonlyMap<string, ParameterModel>) => ({
    components: models.map((m) => ({
      ...m,
      plan: compilePlan(m, params, layout, decimalArithmetic, (v) => v, perClassKeys),
    })),
    equivalentFactor: equivalentFactor && {
      ...equivalentFactor,
      standardValueEval: standardValueEvaluator(equivalentFactor.standardValue.checked, params),
    },
  });
  const components = models.map((m) => ({ ...m, plan: plans.get(m.id)! }));

  return {
    id: data.id,
    version: data.version,
    hash: resolved.hash,
    title: data.title,
    status: data.status,
    lineage: resolved.lineage,
    profiles: data.profiles,
    inputGroups: data.inputGroups,
    landClasses: data.landClasses,
    inputs,
    parameters,
    products,
    components,
    equivalentFactor,
    balanceSheet: data.balanceSheet,
    layout,
    priceIndices,
    constantPriceYear: data.constantPriceYear,
    replan,
  };
}

function standardValueEvaluator(checked: CheckedFormula, parameters: ReadonlyMap<string, ParameterModel>) {
  return compileFormula(checked, decimalArithmetic, (name) => ({ constant: parameters.get(name)!.value! }));
}

function buildLayout(
  inputs: readonly InputModel[],
  componentIds: readonly string[],
  classes: readonly string[],
): SlotLayout {
  const scalar = new Map<string, number>();
  const perClass = new Map<string, Map<string, number>>();
  let next = 0;
  const qSlot = next++;
  const addPerClass = (id: string) => perClass.set(id, new Map(classes.map((c) => [c, next++])));
  for (const input of inputs) {
    if (input.perLandClass) addPerClass(input.id);
    else scalar.set(input.id, next++);
  }
  for (const id of componentIds) {
    scalar.set(id, next++);
    addPerClass(id);
  }
  return {
    size: next,
    qSlot,
    scalar: (id) => scalar.get(id),
    perClass: (id, cls) => perClass.get(id)?.get(cls),
  };
}

/** For a symbol, the land classes it has per-class values for (inputs given per class, per-class components). */
export function perClassKeysOf(
  inputs: readonly InputModel[],
  classIds: readonly string[],
  components: ReadonlyArray<{ id: string; landClasses: readonly string[] | null }>,
): (name: string) => readonly string[] | null {
  const keys = new Map<string, readonly string[]>();
  for (const i of inputs) if (i.perLandClass) keys.set(i.id, classIds);
  for (const c of components) if (c.landClasses) keys.set(c.id, c.landClasses);
  return (name) => keys.get(name) ?? null;
}

/** Compiles a component's formulas for one arithmetic: parameters folded in, per land class. */
export function compilePlan<T>(
  component: Omit<ComponentModel, 'plan'>,
  parameters: ReadonlyMap<string, ParameterModel>,
  layout: SlotLayout,
  arith: Arithmetic<T>,
  fromDec: (d: Dec) => T,
  perClassKeys: (name: string) => readonly string[] | null,
): ComponentPlan<T> {
  const bindFor =
    (cls: string | null) =>
    (name: string): Binding<T> => {
      if (name === 'Q') return { slot: layout.qSlot };
      const param = parameters.get(name);
      if (param) return { constant: fromDec(param.values ? param.values.get(cls!)! : param.value!) };
      if (cls && perClassKeys(name)?.includes(cls)) return { slot: layout.perClass(name, cls)! };
      return { slot: layout.scalar(name)! };
    };
  const keys = component.landClasses ?? [TOTAL];
  const quantity = new Map<string, Evaluator<T>>();
  for (const k of keys)
    quantity.set(k, compileFormula(component.quantity.checked, arith, bindFor(k === TOTAL ? null : k)));
  const cap = component.cap ? compileFormula(component.cap.checked, arith, bindFor(null)) : undefined;
  let value: Map<string, Evaluator<T>> | undefined;
  if (!component.unsetParameters.length) {
    value = new Map();
    for (const k of keys)
      value.set(k, compileFormula(component.value.checked, arith, bindFor(k === TOTAL ? null : k)));
  }
  const outOfRegionShare = component.outOfRegionShare
    ? compileFormula(component.outOfRegionShare.checked, arith, bindFor(null))
    : undefined;
  return { quantity, cap, value, outOfRegionShare };
}

/**
 * Plausibility checks (合理性检查) of a GEP account: the account's GEP per km², category and product
 * shares and a few physical rates compared with an envelope of published accounts and with bands,
 * each with its source. They give warnings, never errors: a figure outside a band may be right, but
 * a finance official should see why it is unusual before deciding with it.
 * Pure: the rules are compiled from coefficients/plausibility/<version>.yaml by src/methods/plausibility.ts.
 */
import { Dec, ZERO, sum } from './decimal.js';
import type { ComponentResult, InputRecord, RegionAccount, TownshipAccount } from './accounting.js';
import type { CompiledSet, InputModel } from './model.js';
import { convertValue, parseUnit, sameDimension, type Unit } from './units.js';
import type { Category, Labels } from '../methods/schema.js';

/** V = read in the source named; I = derived from such figures; M = chosen here, with a reason. */
export type Mark = 'V' | 'I' | 'M';
export type Scale = 'county' | 'city' | 'nation';
/** A region is the county or any group of townships; a township is one township. */
export type ScopeKind = 'region' | 'township';

export interface MarkedFigure {
  readonly value: Dec;
  readonly mark: Mark;
  readonly note?: Labels;
}

export interface PublishedAccount {
  readonly id: string;
  readonly labels: Labels;
  readonly scale: Scale;
  readonly year: number;
  /** 亿元 */
  readonly gep: MarkedFigure;
  /** km² */
  readonly area: MarkedFigure;
  /** 元/km², gep ÷ area: always derived [I]. */
  readonly perKm2: Dec;
  /** 万元/km² as the source prints it, when it does. */
  readonly publishedPerKm2?: MarkedFigure;
  readonly composition?: Labels;
  readonly source: string;
}

/** GEP per km² (元/km²) of the published accounts of one scale, widened by a tolerance factor. */
export interface Envelope {
  readonly scale: Scale;
  readonly min: { readonly perKm2: Dec; readonly account: PublishedAccount };
  readonly max: { readonly perKm2: Dec; readonly account: PublishedAccount };
  readonly tolerance: { readonly factor: Dec; readonly mark: Mark; readonly reason: Labels };
  /** min ÷ factor */
  readonly lower: Dec;
  /** max × factor */
  readonly upper: Dec;
}

interface CheckBase {
  readonly id: string;
  readonly labels: Labels;
  readonly scopes: readonly ScopeKind[];
  readonly mark: Mark;
  readonly reason: Labels;
  readonly source: string;
  /** Fractions for shares, t/hm² for a rate, a plain number for a ratio. */
  readonly min?: Dec;
  readonly max?: Dec;
}

export type PlausibilityCheck =
  | (CheckBase & { readonly kind: 'gep_per_km2' })
  | (CheckBase & { readonly kind: 'category_share'; readonly category: Category })
  | (CheckBase & {
      readonly kind: 'product_share';
      /** The products checked; every product of the account when absent. */
      readonly products?: readonly string[];
      readonly except: readonly string[];
    })
  | (CheckBase & {
      readonly kind: 'quantity_per_area';
      readonly components: readonly string[];
      readonly quantityUnit: string;
      /** Per-land-class area input: the area of the classes each component is computed on. */
      readonly areaInput: string;
      readonly areaUnit: string;
    })
  | (CheckBase & {
      readonly kind: 'quantity_per_input';
      readonly components: readonly string[];
      readonly quantityUnit: string;
      /** Scalar input of the same dimension as the quantity (e.g. 全社会用电量, kWh). */
      readonly input: string;
    });

export interface PlausibilityRules {
  readonly id: string;
  readonly version: string;
  /** sha256 of the document's canonical JSON. */
  readonly hash: string;
  readonly title: Labels;
  readonly accounts: readonly PublishedAccount[];
  readonly envelope: Envelope;
  readonly checks: readonly PlausibilityCheck[];
}

/** The unit a warning's figure and bound are in (the report layer picks the display unit). */
export type FigureUnit = 'yuan_per_km2' | 'fraction' | 'quantity_per_area' | 'ratio';

export interface PlausibilityWarning {
  /** The check's id, and the product's for a per-product check: "product_share.water_conservation". */
  readonly id: string;
  readonly check: string;
  /** What the figure is: the check's label, with the product's name where the check is per product. */
  readonly labels: Labels;
  readonly figure: Dec;
  readonly unit: FigureUnit;
  /** For quantity_per_area: the unit text, e.g. "t/hm2". */
  readonly unitText?: string;
  /** The figure is above the max or below the min. */
  readonly side: 'above' | 'below';
  readonly bound: Dec;
  readonly mark: Mark;
  readonly reason: Labels;
  readonly source: string;
  /** For GEP per km²: the envelope the bound comes from (its lowest and highest published account). */
  readonly envelope?: Envelope;
}

/** What the account alone does not know about its scope. */
export interface PlausibilityScope {
  readonly kind: ScopeKind;
  /** Land area of the scope (km²). */
  readonly areaKm2: Dec;
  /** Each township's records of the year, for per-class areas and scalar inputs (e.g. electricity). */
  readonly records: readonly InputRecord[];
}

/** A component's figures as the checks read them: its quantity and, for a per-class one, its classes. */
interface Figure {
  readonly component: ComponentResult['component'];
  readonly quantity?: Dec;
  readonly classes?: readonly string[];
}

// the fixed engine's figures need no per-class results (made only when read); the decimal engine's are read whole
const figuresOf = (t: TownshipAccount): readonly Figure[] =>
  t.componentFigures ??
  t.components.map((r) => ({
    component: r.component,
    quantity: r.quantity,
    classes: r.quantityByClass ? [...r.quantityByClass.keys()] : undefined,
  }));

const townshipsOf = (account: TownshipAccount | RegionAccount): readonly TownshipAccount[] =>
  'townships' in account ? account.townships : [account];

/** Compares a figure with a check's min and max: a warning when it lies outside. */
function outside(
  check: CheckBase,
  figure: Dec,
  unit: FigureUnit,
  extra: Partial<Pick<PlausibilityWarning, 'id' | 'labels' | 'unitText' | 'envelope'>> = {},
  bounds: { min?: Dec; max?: Dec } = check,
): PlausibilityWarning | undefined {
  const side =
    bounds.max && figure.gt(bounds.max) ? 'above' : bounds.min && figure.lt(bounds.min) ? 'below' : undefined;
  if (!side) return undefined;
  return {
    id: check.id,
    check: check.id,
    labels: check.labels,
    figure,
    unit,
    side,
    bound: side === 'above' ? bounds.max! : bounds.min!,
    mark: check.mark,
    reason: check.reason,
    source: check.source,
    ...extra,
  };
}

/**
 * Sums the quantities of the named components over the account's townships, in `unitText`; returns the
 * results that gave a quantity, so per-area checks can take the area of exactly those townships and classes.
 */
function quantityOf(
  account: TownshipAccount | RegionAccount,
  ids: readonly string[],
  unitText: string,
): { total: Dec; parts: Array<{ township: string; result: Figure }> } | undefined {
  const target = parseUnit(unitText);
  const parts: Array<{ township: string; result: Figure }> = [];
  for (const t of townshipsOf(account))
    for (const r of figuresOf(t))
      if (ids.includes(r.component.id) && r.quantity !== undefined)
        parts.push({ township: t.township, result: r });
  if (!parts.length) return undefined;
  let total = ZERO;
  // each component's unit read once (a region has the same few components in every township)
  const units = new Map<string, Unit>();
  for (const { result } of parts) {
    const text = result.component.quantity.unitText;
    let from = units.get(text);
    if (!from) units.set(text, (from = parseUnit(text)));
    // a unit that does not convert leaves the check unrun (plausibilityIssues names it), never the page broken
    if (!sameDimension(from, target)) return undefined;
    total = total.plus(convertValue(result.quantity!, from, target));
  }
  return { total, parts };
}

/** A record's scalar input in `to`, from the unit its input declares (`input`, found once per check). */
function scalarInput(
  record: InputRecord,
  id: string,
  to: Unit,
  input: InputModel | undefined,
): Dec | undefined {
  const v = record.values.get(id);
  if (!(v instanceof Dec)) return undefined;
  const from = input ? input.unitValue : to;
  return sameDimension(from, to) ? convertValue(v, from, to) : undefined;
}

/**
 * The warnings of one account (a township's or a region's). Checks whose figures the account does not
 * have (a product outside the profile, a component not computed, an optional input not given) are skipped.
 * `set` converts inputs from the units the set declares; without it inputs are taken in the check's unit.
 * A component or input whose unit does not convert also skips its check (plausibilityIssues names it):
 * a plausibility check never stops a report.
 */
export function checkPlausibility(
  account: TownshipAccount | RegionAccount,
  scope: PlausibilityScope,
  rules: PlausibilityRules,
  set?: CompiledSet,
): PlausibilityWarning[] {
  const warnings: PlausibilityWarning[] = [];
  const push = (w: PlausibilityWarning | undefined) => w && warnings.push(w);
  const gep = account.gep;
  // the name of a product the account values (read from its components only when a check names one): its
  // townships are read in order until one values the product (the labels are the set's, the same in each)
  const productLabels = new Map<string, Labels>();
  const scopeTownships = townshipsOf(account);
  let read = 0;
  const productLabel = (p: string) => {
    while (!productLabels.has(p) && read < scopeTownships.length)
      for (const r of figuresOf(scopeTownships[read++]!))
        if (!productLabels.has(r.component.product.id))
          productLabels.set(r.component.product.id, r.component.product.labels);
    return productLabels.get(p);
  };

  for (const check of rules.checks) {
    if (!check.scopes.includes(scope.kind)) continue;
    switch (check.kind) {
      case 'gep_per_km2': {
        if (scope.areaKm2.isZero()) break;
        const { lower, upper } = rules.envelope;
        const envelope = rules.envelope;
        push(
          outside(check, gep.div(scope.areaKm2), 'yuan_per_km2', { envelope }, { min: lower, max: upper }),
        );
        break;
      }
      case 'category_share':
        if (!gep.isZero()) push(outside(check, account.categoryValues[check.category].div(gep), 'fraction'));
        break;
      case 'product_share': {
        if (gep.isZero()) break;
        const ids = check.products ?? [...account.productValues.keys()];
        for (const p of ids) {
          const value = account.productValues.get(p);
          if (value === undefined || check.except.includes(p)) continue;
          const name = productLabel(p) ?? { zh: p, en: p };
          push(
            outside(check, value.div(gep), 'fraction', {
              id: check.products ? check.id : `${check.id}.${p}`,
              labels: check.products
                ? check.labels
                : { zh: `${check.labels.zh}：${name.zh}`, en: `${check.labels.en}: ${name.en}` },
            }),
          );
        }
        break;
      }
      case 'quantity_per_area': {
        const q = quantityOf(account, check.components, check.quantityUnit);
        if (!q) break;
        const areaUnit = parseUnit(check.areaUnit);
        const input = set?.inputs.find((i) => i.id === check.areaInput);
        if (input && !sameDimension(input.unitValue, areaUnit)) break;
        const records = new Map(scope.records.map((r) => [r.township, r]));
        // every township whose quantity is counted must give its areas, or the rate would be overstated
        const areas = q.parts.map(({ township, result }) => {
          const byClass = records.get(township)?.values.get(check.areaInput);
          if (!(byClass instanceof Map)) return undefined;
          const classes = result.classes ?? [...byClass.keys()];
          const given = sum(classes.map((c) => (byClass as ReadonlyMap<string, Dec>).get(c) ?? ZERO));
          return input ? convertValue(given, input.unitValue, areaUnit) : given;
        });
        if (areas.some((a) => a === undefined)) break;
        const area = sum(areas as Dec[]);
        if (area.isZero()) break;
        push(
          outside(check, q.total.div(area), 'quantity_per_area', {
            unitText: `${check.quantityUnit}/${check.areaUnit}`,
          }),
        );
        break;
      }
      case 'quantity_per_input': {
        const q = quantityOf(account, check.components, check.quantityUnit);
        if (!q) break;
        const unit = parseUnit(check.quantityUnit);
        // the scope's figure is the sum of its townships'; it is compared only when every township gives it
        const input = set?.inputs.find((i) => i.id === check.input);
        const values = scope.records.map((r) => scalarInput(r, check.input, unit, input));
        if (!values.length || values.some((v) => v === undefined)) break;
        const denominator = sum(values as Dec[]);
        if (denominator.isZero()) break;
        push(outside(check, q.total.div(denominator), 'ratio'));
        break;
      }
    }
  }
  return warnings;
}

/** The ids a rules document names that a set does not have, or whose units do not fit: for `validate`. */
export function plausibilityIssues(rules: PlausibilityRules, set: CompiledSet): string[] {
  const issues: string[] = [];
  const products = new Set(set.products.map((p) => p.id));
  const components = new Map(set.components.map((c) => [c.id, c]));
  const inputs = new Map(set.inputs.map((i) => [i.id, i]));
  const where = (c: PlausibilityCheck) => `${rules.id}@${rules.version}: checks.${c.id}`;
  for (const c of rules.checks) {
    if (c.kind === 'product_share')
      for (const p of [...(c.products ?? []), ...c.except])
        if (!products.has(p)) issues.push(`${where(c)}: set ${set.id} has no product "${p}"`);
    if (c.kind === 'quantity_per_area' || c.kind === 'quantity_per_input') {
      const target = parseUnit(c.quantityUnit);
      for (const id of c.components) {
        const comp = components.get(id);
        if (!comp) issues.push(`${where(c)}: set ${set.id} has no component "${id}"`);
        else if (!sameDimension(parseUnit(comp.quantity.unitText), target))
          issues.push(
            `${where(c)}: component "${id}" is in ${comp.quantity.unitText}, not convertible to ${c.quantityUnit}`,
          );
      }
      const perArea = c.kind === 'quantity_per_area';
      const inputId = perArea ? c.areaInput : c.input;
      const unitText = perArea ? c.areaUnit : c.quantityUnit;
      const input = inputs.get(inputId);
      // an optional input the set does not declare yet (e.g. electricity consumption) only skips the check
      if (!input) issues.push(`${where(c)}: set ${set.id} has no input "${inputId}" (the check is skipped)`);
      else if (input.perLandClass !== perArea)
        issues.push(
          `${where(c)}: input "${inputId}" ${input.perLandClass ? 'is' : 'is not'} given per land class`,
        );
      else if (!sameDimension(input.unitValue, parseUnit(unitText)))
        issues.push(`${where(c)}: input "${inputId}" is in ${input.unit}, not convertible to ${unitText}`);
    }
  }
  return issues;
}

import { Dec, ZERO, sum } from './decimal.js';
import { pricedSet } from './prices.js';
import type { CompiledSet } from './model.js';
import type { InputRecord } from './accounting.js';
import { convertValue, parseUnit } from './units.js';
import { roleInput } from './roles.js';

/**
 * Ecosystem service value by the equivalent-factor method (当量因子法, Xie Gaodi et al. 2015):
 * ESV = Σ_k Σ_f A_k × E_kf × D, A_k the area of ecosystem type k (hm²), E_kf the value equivalent of
 * service f for type k, D the value of one standard equivalent (元/hm²). Pure: no I/O.
 */
export interface EsvAccount {
  /** D: value of one standard equivalent, 元/hm². */
  readonly equivalentValue: Dec;
  /** Area per ecosystem type of the table, hm² (several land classes may map to one type). */
  readonly byTypeArea: ReadonlyMap<string, Dec>;
  /** type → service → 元. Negative where the factor is negative (paddy water supply). */
  readonly byTypeService: ReadonlyMap<string, ReadonlyMap<string, Dec>>;
  /** type → 元 */
  readonly byType: ReadonlyMap<string, Dec>;
  /** service → 元, every service of the table (0 where no area). */
  readonly byService: ReadonlyMap<string, Dec>;
  /** service group → 元, every group of the table. */
  readonly byGroup: ReadonlyMap<string, Dec>;
  /** 元 */
  readonly total: Dec;
  /** Area of land classes mapped to no type (built-up land), hm²: counted, valued 0. */
  readonly unmappedAreaHm2: Dec;
}

export class EsvError extends Error {}

function equivalentFactorOf(set: CompiledSet) {
  const ef = set.equivalentFactor;
  if (!ef)
    throw new EsvError(
      `coefficient set ${set.id}@${set.version} has no equivalentFactor section: the equivalent-factor (ESV) method needs a set that defines one (e.g. esv-xie-2015)`,
    );
  return ef;
}

const add = <K>(m: Map<K, Dec>, k: K, v: Dec) => m.set(k, (m.get(k) ?? ZERO).plus(v));

/**
 * ESV of one area (township, county) from its land class areas in hm². With `pricesYear`, the value of one
 * equivalent is restated from its price year to that year's prices (sets with price indices).
 */
export function accountEsv(
  stated: CompiledSet,
  landAreaHm2: ReadonlyMap<string, Dec>,
  pricesYear?: number,
): EsvAccount {
  const set = pricesYear === undefined ? stated : pricedSet(stated, pricesYear);
  const ef = equivalentFactorOf(set);
  const equivalentValue = ef.standardValueEval([]);

  const areaOfType = new Map<string, Dec>();
  let unmappedAreaHm2 = ZERO;
  for (const [cls, area] of landAreaHm2) {
    if (!ef.mapping.has(cls))
      throw new EsvError(
        `land class "${cls}" is not in the equivalent-factor mapping of ${set.id}@${set.version}; classes: ${[...ef.mapping.keys()].join(', ')}`,
      );
    if (area.isNegative())
      throw new EsvError(`land class "${cls}" has a negative area ${area.toString()} hm2`);
    const type = ef.mapping.get(cls)!;
    if (type === null) unmappedAreaHm2 = unmappedAreaHm2.plus(area);
    else add(areaOfType, type, area);
  }

  const byTypeArea = new Map<string, Dec>();
  const byTypeService = new Map<string, Map<string, Dec>>();
  const byType = new Map<string, Dec>();
  const byService = new Map<string, Dec>(ef.services.map((s) => [s.id, ZERO]));
  const byGroup = new Map<string, Dec>(ef.groups.map((g) => [g.id, ZERO]));
  const groupOf = new Map(ef.services.map((s) => [s.id, s.group]));
  // every map in table order, so that reports list types and services as the table does
  for (const type of ef.types) {
    const area = areaOfType.get(type.id);
    if (area === undefined) continue;
    byTypeArea.set(type.id, area);
    const services = new Map<string, Dec>();
    for (const s of ef.services) {
      // A_k × E_kf × D: exact decimals (34 significant digits), no rounding here
      const value = area.times(type.factors.get(s.id)!).times(equivalentValue);
      services.set(s.id, value);
      add(byService, s.id, value);
      add(byGroup, groupOf.get(s.id)!, value);
    }
    byTypeService.set(type.id, services);
    byType.set(type.id, sum(services.values()));
  }

  return {
    equivalentValue,
    byTypeArea,
    byTypeService,
    byType,
    byService,
    byGroup,
    total: sum(byType.values()),
    unmappedAreaHm2,
  };
}

/**
 * The per-land-class areas of an input record, in hm² (converted from the input's declared unit).
 * `inputId` is the per-land-class area input; by default the input with the land_area role.
 */
export function landAreaFromRecord(
  set: CompiledSet,
  record: InputRecord,
  inputId = roleInput(set, 'land_area')?.id ?? 'land_area',
): Map<string, Dec> {
  const input = set.inputs.find((i) => i.id === inputId);
  if (!input || !input.perLandClass)
    throw new EsvError(`coefficient set ${set.id}@${set.version} has no per-land-class input "${inputId}"`);
  const raw = record.values.get(inputId);
  if (raw === undefined) throw new EsvError(`${record.township} ${record.year}: no data for ${inputId}`);
  if (Dec.isDecimal(raw))
    throw new EsvError(`${record.township} ${record.year}: ${inputId} is not given per land class`);
  const hm2 = parseUnit('hm2');
  const out = new Map<string, Dec>();
  for (const [cls, v] of raw as ReadonlyMap<string, Dec>) out.set(cls, convertValue(v, input.unitValue, hm2));
  return out;
}

/**
 * Re-based standard equivalent (Xie 2003/2008 rule): 1 equivalent = 1/divisor of the market value of the
 * average grain yield per hm². 元/hm² = kg/hm² × 元/kg ÷ divisor (usually 7).
 */
export function rebasedEquivalentValue(yieldKgPerHm2: Dec, priceYuanPerKg: Dec, divisor: Dec): Dec {
  if (divisor.isZero()) throw new EsvError('the equivalent divisor must not be zero');
  return yieldKgPerHm2.times(priceYuanPerKg).div(divisor);
}

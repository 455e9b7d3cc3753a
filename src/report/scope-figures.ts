/** Area, population and economy of a scope (a township or the county) from its records of one year. */
import { type Dec } from '../domain/decimal.js';
import type { InputRecord } from '../domain/accounting.js';
import type { CompiledSet } from '../domain/model.js';
import { roleTotal } from '../domain/roles.js';
import { convertValue, parseUnit } from '../domain/units.js';

const HM2 = parseUnit('hm2');
const KM2 = parseUnit('km2');

export interface ScopeFigures {
  /** km², from the land-use areas (the input with the land_area role) */
  readonly areaKm2: Dec;
  /** 人 (the input with the population role) */
  readonly population: Dec;
  /** 元, each from the input with its role, converted from the unit the set declares */
  readonly gdp: Dec;
  readonly pollutionCost: Dec;
  readonly ecologicalDamageCost: Dec;
}

const made = new WeakMap<CompiledSet, WeakMap<readonly InputRecord[], ScopeFigures>>();

/**
 * The figures of a scope's records, made once per set and records list (the store keeps a year's list while its
 * versions stand): the GEP report and its summary read the same year's without adding it up twice.
 */
export function scopeFigures(set: CompiledSet, records: readonly InputRecord[]): ScopeFigures {
  let bySet = made.get(set);
  if (!bySet) made.set(set, (bySet = new WeakMap()));
  let f = bySet.get(records);
  if (!f) bySet.set(records, (f = addUp(set, records)));
  return f;
}

function addUp(set: CompiledSet, records: readonly InputRecord[]): ScopeFigures {
  const total = (role: Parameters<typeof roleTotal>[2]) => roleTotal(set, records, role);
  return {
    areaKm2: convertValue(total('land_area'), HM2, KM2),
    population: total('population'),
    gdp: total('gdp'),
    pollutionCost: total('pollution_cost'),
    ecologicalDamageCost: total('ecological_damage_cost'),
  };
}

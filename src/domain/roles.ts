/**
 * Roles of inputs: what an input means to the accounts (GDP, pollution cost, population, area…), declared
 * by the coefficient set (`role:` on an input) instead of assumed from its id. The engine and the reports
 * find an input by its role and convert its value from the unit the set declares to the unit the role is
 * computed in, through the unit system: no code multiplies by a unit factor by hand.
 */
import { ZERO, sum, type Dec } from './decimal.js';
import type { InputRecord } from './accounting.js';
import type { CompiledSet, InputModel } from './model.js';
import { convertValue, parseUnit, sameDimension, type Unit } from './units.js';

export const INPUT_ROLES = [
  'gdp',
  'pollution_cost',
  'ecological_damage_cost',
  'out_of_region_value',
  'population',
  'land_area',
] as const;
export type InputRole = (typeof INPUT_ROLES)[number];

/** The unit each role is computed in, and whether its input is given per land class. */
export const ROLE_SPECS: Readonly<Record<InputRole, { unit: string; perLandClass: boolean }>> = {
  gdp: { unit: '元', perLandClass: false },
  pollution_cost: { unit: '元', perLandClass: false },
  ecological_damage_cost: { unit: '元', perLandClass: false },
  out_of_region_value: { unit: '元', perLandClass: false },
  population: { unit: '人', perLandClass: false },
  land_area: { unit: 'hm2', perLandClass: true },
};

const roleUnits = new Map<InputRole, Unit>(INPUT_ROLES.map((r) => [r, parseUnit(ROLE_SPECS[r].unit)]));
export const roleUnit = (role: InputRole): Unit => roleUnits.get(role)!;

/** Why an input cannot play the role it declares (wrong dimension or shape); undefined when it can. */
export function roleMismatch(role: InputRole, input: { unitValue: Unit; perLandClass: boolean }) {
  const spec = ROLE_SPECS[role];
  if (!sameDimension(input.unitValue, roleUnit(role)))
    return `the role "${role}" needs a unit convertible to ${spec.unit}`;
  if (input.perLandClass !== spec.perLandClass)
    return spec.perLandClass
      ? `the role "${role}" needs an input given per land class`
      : `the role "${role}" needs a scalar input (not per land class)`;
  return undefined;
}

const cache = new WeakMap<CompiledSet, ReadonlyMap<InputRole, InputModel>>();

/**
 * The input playing a role in a set. `land_area` falls back to the input with id `land_area` for sets
 * written before roles were declared (its unit is still converted).
 */
export function roleInput(set: CompiledSet, role: InputRole): InputModel | undefined {
  let m = cache.get(set);
  if (!m) {
    const map = new Map<InputRole, InputModel>();
    for (const i of set.inputs) if (i.role) map.set(i.role, i);
    const area = set.inputs.find((i) => i.id === 'land_area' && i.perLandClass);
    if (!map.has('land_area') && area && !roleMismatch('land_area', area)) map.set('land_area', area);
    cache.set(set, (m = map));
  }
  return m.get(role);
}

const classTotals = new WeakMap<ReadonlyMap<string, Dec>, Dec>();

/**
 * Σ of a per-class value over its land classes, in the map's order, added once per map (a record's values do
 * not change): a scope's area is read by its figures and by its plausibility checks.
 */
export function classTotal(byClass: ReadonlyMap<string, Dec>): Dec {
  let t = classTotals.get(byClass);
  if (!t) classTotals.set(byClass, (t = sum(byClass.values())));
  return t;
}

/**
 * A record's value for a role, converted to the role's unit (元, 人, hm²); a per-class input is summed
 * over the land classes. Undefined when the set has no such input or the record no value for it.
 */
export function roleValue(set: CompiledSet, record: InputRecord, role: InputRole): Dec | undefined {
  const input = roleInput(set, role);
  if (!input) return undefined;
  const v = record.values.get(input.id);
  if (v === undefined) return undefined;
  const raw = v instanceof Map ? classTotal(v as ReadonlyMap<string, Dec>) : (v as Dec);
  return convertValue(raw, input.unitValue, roleUnit(role));
}

/** Σ of a role over records, in the role's unit; a record without the value adds nothing. */
export function roleTotal(set: CompiledSet, records: readonly InputRecord[], role: InputRole): Dec {
  return sum(records.map((r) => roleValue(set, r, role) ?? ZERO));
}

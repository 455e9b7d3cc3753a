/** Report model: GEEP, green GDP and the comparison indicators per township and for the county (元). */
import type { Dec } from '../domain/decimal.js';
import type { InputRecord, RegionAccount, TownshipAccount } from '../domain/accounting.js';
import { accountGeep, gepIndicators, type GeepResult, type GepIndicators } from '../domain/geep.js';
import type { CompiledSet } from '../domain/model.js';
import { scopeFigures } from './scope-figures.js';

export interface GeepRow extends GeepResult, GepIndicators {
  readonly id: string;
  readonly name: string;
  readonly isTotal: boolean;
  readonly gep: Dec;
  /** Net GEP (GB/T 46869—2025): the basis of the indicators per km², per capita and GEP/GDP. */
  readonly gepNet: Dec;
  readonly areaKm2: Dec;
  readonly population: Dec;
}

function figures(
  set: CompiledSet,
  account: TownshipAccount | RegionAccount,
  records: readonly InputRecord[],
) {
  const f = scopeFigures(set, records);
  const geep = accountGeep({ ...f, regulatingValue: account.categoryValues.regulating });
  return { ...geep, gep: account.gep, gepNet: account.gepNet, areaKm2: f.areaKm2, population: f.population };
}

/**
 * One row per township and a county total; GDP and the costs come from the records (the inputs with
 * those roles, converted to 元),
 * the regulating-service value from the account. Growth is against `previous` when given.
 */
export function geepRows(
  set: CompiledSet,
  region: RegionAccount,
  records: readonly InputRecord[],
  nameOf: (township: string) => string,
  totalName: string,
  previous?: RegionAccount,
): GeepRow[] {
  const recordOf = new Map(records.map((r) => [r.township, r]));
  const before = new Map(previous?.townships.map((t) => [t.township, t.gepNet]));
  const rows = region.townships.map((t) => {
    const f = figures(set, t, [recordOf.get(t.township)!]);
    const ind = gepIndicators({ ...f, gep: f.gepNet, previousGep: before.get(t.township) });
    return { id: t.township, name: nameOf(t.township), isTotal: false, ...f, ...ind };
  });
  const f = figures(set, region, records);
  rows.push({
    id: 'total',
    name: totalName,
    isTotal: true,
    ...f,
    ...gepIndicators({ ...f, gep: f.gepNet, previousGep: previous?.gepNet }),
  });
  return rows;
}

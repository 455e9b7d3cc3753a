/** Report model: GEEP, green GDP and the comparison indicators per township and for the county (元). */
import { Dec, ZERO, sum } from '../domain/decimal.js';
import type { InputRecord, RegionAccount, TownshipAccount } from '../domain/accounting.js';
import { accountGeep, gepIndicators, type GeepResult, type GepIndicators } from '../domain/geep.js';
import { totalArea } from '../domain/inputs.js';

export interface GeepRow extends GeepResult, GepIndicators {
  readonly id: string;
  readonly name: string;
  readonly isTotal: boolean;
  readonly gep: Dec;
  readonly areaKm2: Dec;
  readonly population: Dec;
}

const WAN = new Dec(10000);
const scalar = (r: InputRecord, id: string) => {
  const v = r.values.get(id);
  return v instanceof Dec ? v : ZERO;
};

function figures(account: TownshipAccount | RegionAccount, records: readonly InputRecord[]) {
  const total = (id: string) => sum(records.map((r) => scalar(r, id)));
  const geep = accountGeep({
    gdp: total('gdp').times(WAN),
    pollutionCost: total('pollution_cost').times(WAN),
    ecologicalDamageCost: total('ecological_damage_cost').times(WAN),
    regulatingValue: account.categoryValues.regulating,
  });
  const areaKm2 = sum(records.map(totalArea)).div(100);
  const population = total('resident_population');
  return { ...geep, gep: account.gep, areaKm2, population };
}

/**
 * One row per township and a county total; GDP and the costs come from the records (万元 → 元),
 * the regulating-service value from the account. Growth is against `previous` when given.
 */
export function geepRows(
  region: RegionAccount,
  records: readonly InputRecord[],
  nameOf: (township: string) => string,
  totalName: string,
  previous?: RegionAccount,
): GeepRow[] {
  const recordOf = new Map(records.map((r) => [r.township, r]));
  const before = new Map(previous?.townships.map((t) => [t.township, t.gep]));
  const rows = region.townships.map((t) => {
    const f = figures(t, [recordOf.get(t.township)!]);
    const ind = gepIndicators({ ...f, previousGep: before.get(t.township) });
    return { id: t.township, name: nameOf(t.township), isTotal: false, ...f, ...ind };
  });
  const f = figures(region, records);
  rows.push({
    id: 'total',
    name: totalName,
    isTotal: true,
    ...f,
    ...gepIndicators({ ...f, previousGep: previous?.gep }),
  });
  return rows;
}

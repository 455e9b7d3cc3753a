/** Area, population and economy of a scope (a township or the county) from its records of one year. */
import { Dec, ZERO, sum } from '../domain/decimal.js';
import type { InputRecord } from '../domain/accounting.js';
import { totalArea } from '../domain/inputs.js';

const WAN = new Dec(10000);
const scalar = (r: InputRecord, id: string) => {
  const v = r.values.get(id);
  return v instanceof Dec ? v : ZERO;
};

export interface ScopeFigures {
  /** km², from the land-use areas (hm² ÷ 100) */
  readonly areaKm2: Dec;
  /** 人 */
  readonly population: Dec;
  /** 元 (the inputs are in 万元) */
  readonly gdp: Dec;
  readonly pollutionCost: Dec;
  readonly ecologicalDamageCost: Dec;
}

export function scopeFigures(records: readonly InputRecord[]): ScopeFigures {
  const total = (id: string) => sum(records.map((r) => scalar(r, id)));
  return {
    areaKm2: sum(records.map(totalArea)).div(100),
    population: total('resident_population'),
    gdp: total('gdp').times(WAN),
    pollutionCost: total('pollution_cost').times(WAN),
    ecologicalDamageCost: total('ecological_damage_cost').times(WAN),
  };
}

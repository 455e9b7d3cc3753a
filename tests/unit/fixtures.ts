/**
 * Shared fixtures for the unit tests: the functional-value set (a), a complete raw record with round
 * numbers, and small helpers to validate + account a record and pick a component out of the result.
 */
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { accountTownship, type ComponentResult, type TownshipAccount } from '../../src/domain/accounting.js';
import { Dec } from '../../src/domain/decimal.js';
import { formatIssue, validateRecords, type RawRecord } from '../../src/domain/inputs.js';
import { loadSet } from '../../src/methods/resolve.js';

export { Dec };

const COEFFICIENTS = fileURLToPath(new URL('../../coefficients', import.meta.url));

/** Set (a), gep-functional 1.0.0, compiled once for all tests. */
export const set = loadSet(COEFFICIENTS, 'gep-functional', '1.0.0');

/** The 13 land classes of set (a), in catalogue order: read from the set, not copied. */
export const LAND_CLASSES = set.landClasses.map((c) => c.id);
export type LandClass = string;

/** A per-class input: every one of the 13 classes, `fill` for those not named. */
export function perClass(values: Partial<Record<LandClass, string>>, fill = '0'): Record<LandClass, string> {
  return Object.fromEntries(LAND_CLASSES.map((c) => [c, values[c] ?? fill])) as Record<LandClass, string>;
}

/** Areas (hm²) of the base record. */
export const BASE_AREAS: Record<LandClass, string> = {
  forest_broadleaf: '1000',
  forest_coniferous: '800',
  forest_mixed: '600',
  bamboo: '500',
  shrub: '400',
  orchard_tea: '300',
  grassland: '200',
  paddy: '700',
  dry_farmland: '300',
  wetland: '100',
  water: '200',
  built_up: '400',
  bare: '50',
};

/** A complete raw record for one township, every input given in the set's own unit, as strings. */
export function baseRawRecord(township = 'T1', year = 2021): RawRecord {
  return {
    township,
    year,
    values: {
      // land use (hm²)
      land_area: { ...BASE_AREAS },
      // climate and hydrology
      precipitation: '1600', // mm
      evapotranspiration: perClass(
        {
          shrub: '700',
          orchard_tea: '700',
          grassland: '600',
          paddy: '600',
          dry_farmland: '600',
          wetland: '900',
          water: '1000',
        },
        '800',
      ), // mm
      hot_days: '135', // d
      water_surface_evaporation: '1080', // mm
      reservoir_total_storage: '1000', // 万m³
      lake_area: '1', // km²
      // soil
      rainfall_erosivity: '5000', // MJ·mm/(hm²·h·a)
      soil_erodibility: '0.03', // t·hm²·h/(hm²·MJ·mm)
      slope_length_factor: perClass({
        forest_broadleaf: '2',
        forest_coniferous: '2',
        forest_mixed: '2',
        bamboo: '2',
        shrub: '1.5',
        orchard_tea: '1',
        grassland: '1',
        paddy: '0.5',
        dry_farmland: '1',
        bare: '1',
      }),
      wind_erosion_prevented: '1280', // t
      // pollution (t)
      so2_emission: '1000',
      nox_emission: '100',
      dust_emission: '100000',
      cod_emission: '1000',
      nh3n_emission: '100',
      tp_emission: '20',
      // provisioning output
      grain_output: '1000', // t
      vegetable_output: '2000', // t
      fruit_output: '500', // t
      tea_output: '10', // t
      timber_output: '1000', // m³
      bamboo_output: '2000', // t
      meat_output: '300', // t
      egg_output: '100', // t
      aquatic_output: '400', // t
      domestic_water_use: '1000000', // m³
      industrial_water_use: '2000000', // m³
      agricultural_water_use: '5000000', // m³
      hydropower_generation: '10000000', // kWh
      biomass_energy: '1000000', // kWh
      // tourism and landscape
      tourist_visits: '10000', // 人次
      landscape_housing_area: '10000', // m²
      coast_length_protected: '1000', // m
      // economy and population
      gdp: '100000', // 万元
      resident_population: '50000', // 人
      pollution_cost: '100', // 万元
      ecological_damage_cost: '50', // 万元
      out_of_region_value: '100', // 万元
      // natural resource stocks
      forest_stock_volume: '100000', // m³
      water_resources_total: '10000', // 万m³
    },
  };
}

/** The base record with some values replaced (a shallow merge of `values`, other fields as given). */
export function withValues(
  values: Record<string, unknown>,
  extra: Partial<RawRecord> = {},
  township = 'T1',
): RawRecord {
  const base = baseRawRecord(township);
  return { ...base, ...extra, values: { ...base.values, ...values } };
}

/** Validates one raw record (the test fails with every issue listed) and accounts it. */
export function account(raw: RawRecord, profile = 'academic'): TownshipAccount {
  const { records, issues } = validateRecords(set, [raw]);
  expect(
    issues.map((i) => formatIssue(i, 'en')),
    'the fixture record must validate',
  ).toEqual([]);
  expect(records).toHaveLength(1);
  return accountTownship(set, records[0]!, profile);
}

/** One component's result; fails the test when the account has no such component. */
export function component(acc: TownshipAccount, id: string): ComponentResult {
  const r = acc.components.find((c) => c.component.id === id);
  if (!r) throw new Error(`component "${id}" is not in the ${acc.profile} account`);
  return r;
}

/** A figure rounded to 20 significant digits, for results that go through a repeating division. */
export const sig20 = (d: Dec | undefined): string => {
  if (d === undefined) throw new Error('no figure');
  return d.toSignificantDigits(20).toString();
};

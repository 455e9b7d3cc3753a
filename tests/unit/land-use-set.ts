/**
 * A small land-use coefficient set for the difference, scenario and appraisal tests (written into a temporary
 * folder, removed when the process ends): three land classes, an area-proportional product and a product that
 * does not depend on land use.
 *
 * - land_area (hm², per class: forest, paddy, built_up)
 * - carbon: quantity = fix_rate × area on forest and paddy; fix_rate forest 5 t/hm², paddy 2 t/hm²;
 *   value = Q × carbon_price, 100 元/t (low 80, high 120)
 * - water: quantity = supply (万m³ → m³) ; value = Q × water_price 2 元/m³ (no range)
 * - tourism: value = visitors × spend 50 元/人次 (cultural)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { accountTownship, type TownshipAccount } from '../../src/domain/accounting.js';
import { formatIssue, validateRecords, type RawRecord } from '../../src/domain/inputs.js';
import type { CompiledSet } from '../../src/domain/model.js';
import { loadSet } from '../../src/methods/resolve.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const dept = { zh: '部', en: 'Dept' };

export function landUseSetFile(withRanges = true) {
  return {
    id: 'landuse',
    version: '1.0.0',
    status: 'draft',
    title: { zh: '土地利用小集', en: 'Land-use set' },
    profiles: [{ id: 'all', labels: { zh: '全部', en: 'All' } }],
    inputGroups: [{ id: 'g', labels: { zh: '组', en: 'Group' } }],
    landClasses: [
      { id: 'forest', labels: { zh: '林地', en: 'Forest' }, ecosystem: 'forest' },
      { id: 'paddy', labels: { zh: '水田', en: 'Paddy' }, ecosystem: 'farmland' },
      { id: 'built_up', labels: { zh: '建设用地', en: 'Built-up' }, ecosystem: 'urban' },
    ],
    inputs: [
      {
        id: 'land_area',
        labels: { zh: '土地面积', en: 'Land area' },
        unit: 'hm2',
        perLandClass: true,
        department: dept,
        group: 'g',
        role: 'land_area',
      },
      {
        id: 'supply',
        labels: { zh: '供水量', en: 'Water supplied' },
        unit: '万m3',
        department: dept,
        group: 'g',
      },
      {
        id: 'visitors',
        labels: { zh: '游客人次', en: 'Visitors' },
        unit: '人次',
        department: dept,
        group: 'g',
      },
      {
        id: 'forest_stock',
        labels: { zh: '森林蓄积量', en: 'Forest growing stock' },
        unit: 'm3',
        department: dept,
        group: 'g',
        required: false,
      },
      {
        id: 'water_total',
        labels: { zh: '水资源总量', en: 'Water resources' },
        unit: '万m3',
        department: dept,
        group: 'g',
        required: false,
      },
    ],
    parameters: [
      {
        id: 'fix_rate',
        labels: { zh: '单位面积固碳量', en: 'Carbon fixed per hectare' },
        unit: 't/hm2',
        values: { forest: '5', paddy: '2', built_up: '0' },
        source: 'test',
        verified: true,
      },
      {
        id: 'carbon_price',
        labels: { zh: '碳价', en: 'Carbon price' },
        unit: '元/t',
        value: '100',
        ...(withRanges ? { low: '80', high: '120' } : {}),
        source: 'test',
        verified: true,
      },
      {
        id: 'water_price',
        labels: { zh: '水价', en: 'Water price' },
        unit: '元/m3',
        value: '2',
        source: 'test',
        verified: true,
      },
      {
        id: 'spend',
        labels: { zh: '人均花费', en: 'Spend per visit' },
        unit: '元/人次',
        value: '50',
        source: 'test',
        verified: true,
      },
    ],
    products: [
      {
        id: 'carbon',
        category: 'regulating',
        labels: { zh: '固碳', en: 'Carbon fixation' },
        method: 'market_value',
        profiles: ['all'],
        components: [
          {
            id: 'carbon_fixed',
            labels: { zh: '固碳量', en: 'Carbon fixed' },
            landClasses: ['forest', 'paddy'],
            quantity: { formula: 'to(fix_rate * land_area, "t")', unit: 't' },
            value: { formula: 'Q * carbon_price', unit: '元' },
          },
        ],
      },
      {
        id: 'water',
        category: 'provisioning',
        labels: { zh: '水资源', en: 'Water' },
        method: 'market_value',
        profiles: ['all'],
        components: [
          {
            id: 'water_supplied',
            labels: { zh: '供水', en: 'Water supplied' },
            ecosystem: 'water',
            quantity: { formula: 'to(supply, "m3")', unit: 'm3' },
            value: { formula: 'Q * water_price', unit: '元' },
          },
        ],
      },
      {
        id: 'tourism',
        category: 'cultural',
        labels: { zh: '休闲旅游', en: 'Tourism' },
        method: 'travel_cost',
        profiles: ['all'],
        components: [
          {
            id: 'visits',
            labels: { zh: '游憩', en: 'Visits' },
            ecosystem: 'forest',
            quantity: { formula: 'visitors', unit: '人次' },
            value: { formula: 'Q * spend', unit: '元' },
          },
        ],
      },
    ],
  };
}

export function landUseSet(
  withRanges = true,
  edit?: (file: ReturnType<typeof landUseSetFile>) => void,
): CompiledSet {
  const file = landUseSetFile(withRanges);
  edit?.(file);
  const dir = mkdtempSync(join(tmpdir(), 'gep-landuse-'));
  made.push(dir);
  mkdirSync(join(dir, 'landuse'));
  writeFileSync(join(dir, 'landuse', '1.0.0.yaml'), JSON.stringify(file));
  return loadSet(dir, 'landuse', '1.0.0');
}

/** A township: forest 1000, paddy 500, built-up 100 hm²; 10 万m³ water; 2000 visitors. */
export function landUseRaw(
  township = 'T1',
  year = 2021,
  areas = { forest: '1000', paddy: '500', built_up: '100' },
): RawRecord {
  return { township, year, values: { land_area: { ...areas }, supply: '10', visitors: '2000' } };
}

export function landUseAccount(set: CompiledSet, raw: RawRecord): TownshipAccount {
  const { records, issues } = validateRecords(set, [raw]);
  expect(issues.map((i) => formatIssue(i, 'en'))).toEqual([]);
  return accountTownship(set, records[0]!, 'all');
}

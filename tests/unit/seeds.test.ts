import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { loadSet } from '../../src/methods/resolve.js';
import { readDatasetJson } from '../../src/io/dataset.js';
import { formatIssue, validateRecords } from '../../src/domain/inputs.js';
import { checkTransition } from '../../src/domain/transitions.js';
import { accountTownship, aggregateRegion } from '../../src/domain/accounting.js';
import { Dec, ZERO, sum } from '../../src/domain/decimal.js';
import { datasetText } from '../../seeds/generate.js';

const DATASET = 'seeds/minhou/dataset.json';
const set = loadSet('coefficients', 'gep-functional');
const dataset = readDatasetJson(DATASET);
const classIds = set.landClasses.map((c) => c.id);
const validated = validateRecords(set, dataset.records, dataset.townships);
const landArea = (township: string, year: number) => {
  const r = validated.records.find((x) => x.township === township && x.year === year);
  if (!r) throw new Error(`no record for ${township} ${year}`);
  return r.values.get('land_area') as ReadonlyMap<string, Dec>;
};
const YI = new Dec(1e8);

describe('sample data set: Minhou County 2020–2021 (示例数据)', () => {
  it('is what seeds/generate.ts produces (deterministic, up to date)', () => {
    expect(readFileSync(DATASET, 'utf8')).toBe(datasetText());
  });

  it('is marked as sample data and lists the 15 township-level divisions', () => {
    expect(dataset.file.region.sample).toBe(true);
    expect(dataset.file.region.id).toBe('minhou');
    const ids = dataset.file.townships.map((t) => t.id);
    expect(ids).toHaveLength(15);
    expect(new Set(ids).size).toBe(15);
    const kinds = dataset.file.townships.map((t) => t.kind);
    expect(kinds.filter((k) => k === 'subdistrict')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'town')).toHaveLength(8);
    expect(kinds.filter((k) => k === 'township')).toHaveLength(6);
  });

  it('has township areas that add up exactly to the region area', () => {
    const total = sum(dataset.townships.map((t) => t.areaKm2 ?? ZERO));
    expect(total.eq(new Dec(String(dataset.file.region.areaKm2)))).toBe(true);
  });

  it('has one record per township for 2020 and 2021, with every input filled', () => {
    expect(dataset.records).toHaveLength(30);
    for (const t of dataset.townships)
      for (const year of [2020, 2021]) {
        const r = dataset.records.filter((x) => x.township === t.id && x.year === year);
        expect(r, `${t.id} ${year}`).toHaveLength(1);
        for (const input of set.inputs) {
          const v = r[0]!.values[input.id];
          expect(v, `${t.id} ${year} ${input.id}`).toBeDefined();
          if (input.perLandClass) expect(Object.keys(v as object).sort()).toEqual([...classIds].sort());
          else expect(typeof v, `${t.id} ${year} ${input.id} is a decimal string`).toBe('string');
        }
      }
  });

  it('passes input validation with no issues', () => {
    const messages = validated.issues.map((i) => formatIssue(i, 'en'));
    expect(messages).toEqual([]);
    expect(validated.records).toHaveLength(30);
  });

  it('has land-use areas that add up exactly to each township area', () => {
    for (const t of dataset.townships)
      for (const year of [2020, 2021])
        expect(sum(landArea(t.id, year).values()).eq(t.areaKm2!.times(100)), `${t.id} ${year}`).toBe(true);
  });

  it('has a 2020→2021 transition matrix per township that matches both years exactly', () => {
    expect(dataset.transitions).toHaveLength(15);
    for (const t of dataset.transitions) {
      expect([t.fromYear, t.toYear]).toEqual([2020, 2021]);
      const { matrix, issues } = checkTransition(
        t,
        classIds,
        landArea(t.township, 2020),
        landArea(t.township, 2021),
        '0',
      );
      expect(issues.map((i) => formatIssue(i, 'en'))).toEqual([]);
      expect(matrix).toBeDefined();
    }
    // built-up land grows everywhere; the urbanising east converts a larger share of its area than the hills
    const gain = (id: string) => {
      const [open, close] = [landArea(id, 2020), landArea(id, 2021)];
      return close.get('built_up')!.minus(open.get('built_up')!).div(sum(open.values()));
    };
    for (const t of dataset.townships) expect(gain(t.id).gt(0), t.id).toBe(true);
    for (const east of ['shangjie', 'nanyu', 'qingkou'])
      for (const hill of ['tingping', 'dahu', 'yangli'])
        expect(gain(east).gt(gain(hill)), `${east} > ${hill}`).toBe(true);
  });

  it('accounts every township-year: all components valued except coastal protection (price unset)', () => {
    for (const record of validated.records) {
      const account = accountTownship(set, record, 'academic');
      for (const c of account.components) {
        const expected = c.component.id === 'coastal_protection' ? 'not_valued' : 'ok';
        expect(c.status, `${record.township} ${record.year} ${c.component.id}: ${c.reason ?? ''}`).toBe(
          expected,
        );
      }
      // P − P·α − ET stays positive on every class of the water-conservation sum
      const wc = account.components.find((c) => c.component.id === 'water_conservation')!;
      for (const [cls, q] of wc.quantityByClass!)
        if (landArea(record.township, record.year).get(cls)!.gt(0))
          expect(q.gt(0), `${record.township} ${cls}`).toBe(true);
      expect(account.gep.gt(0)).toBe(true);
    }
  });

  it('gives county totals of a plausible magnitude, regulating services the largest category', () => {
    for (const year of [2020, 2021]) {
      const region = aggregateRegion(
        validated.records.filter((r) => r.year === year).map((r) => accountTownship(set, r, 'academic')),
      );
      const gepYi = region.gep.div(YI);
      expect(gepYi.gt(100) && gepYi.lt(2000), `GEP ${gepYi.toFixed(1)} 亿元`).toBe(true);
      const { provisioning, regulating, cultural } = region.categoryValues;
      expect(regulating.gt(provisioning) && regulating.gt(cultural)).toBe(true);
      expect(provisioning.gt(0) && cultural.gt(0)).toBe(true);
      expect(region.outOfRegionDeduction.lt(region.gep.div(100))).toBe(true);
    }
  });
});

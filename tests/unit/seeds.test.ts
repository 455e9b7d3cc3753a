import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { loadSet } from '../../src/methods/resolve.js';
import { parseDataset, readDatasetJson } from '../../src/io/dataset.js';
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

  it('gives every township a distinct 9-digit 行政区划代码 under the county code 350121', () => {
    expect(dataset.file.region.adminCode).toBe('350121');
    const codes = dataset.file.townships.map((t) => t.adminCode ?? '');
    expect(codes.every((c) => /^350121\d{3}$/.test(c))).toBe(true);
    expect(new Set(codes).size).toBe(15);
    // subdistrict 001, towns 100–107, townships 200–205 (the NBS code structure)
    expect(codes.filter((c) => c.endsWith('001'))).toHaveLength(1);
    expect(codes.filter((c) => /1\d\d$/.test(c))).toHaveLength(8);
    expect(codes.filter((c) => /20\d$/.test(c))).toHaveLength(6);
  });

  it('refuses a township code that is not 9 digits', () => {
    const raw = JSON.parse(readFileSync(DATASET, 'utf8'));
    raw.townships[0].adminCode = '35012100';
    expect(() => parseDataset(raw, 'bad.json')).toThrow(/townships\.0\.adminCode/);
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

  it('gives county totals of a plausible magnitude with the sample set (minhou-2021), regulating services the largest category', () => {
    const sample = loadSet('coefficients', 'minhou-2021');
    const records = validateRecords(sample, dataset.records, dataset.townships).records;
    const areaKm2 = new Dec(String(dataset.file.region.areaKm2)); // 2,136 km²
    for (const year of [2020, 2021]) {
      const region = aggregateRegion(
        records.filter((r) => r.year === year).map((r) => accountTownship(sample, r, 'academic')),
      );
      // published forested Fujian counties: Jiangle 2018 236.9 亿元 / ≈2,246 km² ≈ 1,050 万元/km²,
      // Wuyishan 2015 550.64 亿元 / ≈2,798 km² ≈ 1,970 万元/km² (published-accounts.md): the sample lies between
      const perKm2Wan = region.gep.div(areaKm2).div(10000);
      expect(perKm2Wan.gt(1050) && perKm2Wan.lt(1970), `${perKm2Wan.toFixed(0)} 万元/km²`).toBe(true);
      const { provisioning, regulating, cultural } = region.categoryValues;
      expect(regulating.gt(provisioning) && regulating.gt(cultural)).toBe(true);
      expect(provisioning.gt(0) && cultural.gt(0)).toBe(true);
      // no service above half of GEP (1.0.0's climate regulation was 83 %)
      for (const [product, value] of region.productValues)
        expect(value.div(region.gep).lt(0.5), `${product} ${value.div(region.gep).toFixed(3)}`).toBe(true);
      // soil retained per hm² of the classes it is computed on: typical county means are 100–300 t/(hm²·a)
      const soilClasses = sample.components.find((c) => c.id === 'soil_retained')!.landClasses!;
      const soilHm2 = sum(
        records
          .filter((r) => r.year === year)
          .flatMap((r) => soilClasses.map((c) => (r.values.get('land_area') as Map<string, Dec>).get(c)!)),
      );
      const perHm2 = region.componentQuantities.get('soil_retained')!.div(soilHm2);
      expect(perHm2.gt(100) && perHm2.lt(300), `${perHm2.toFixed(0)} t/hm²`).toBe(true);
      // the upstream share of water supply and hydropower is deducted, and nothing beyond them
      const upstreamBearing = ['water_domestic', 'water_industrial', 'water_agricultural', 'hydropower'];
      const ceiling = sum(upstreamBearing.map((id) => region.componentValues.get(id)!));
      expect(region.outOfRegionDeduction.gt(0) && region.outOfRegionDeduction.lt(ceiling)).toBe(true);
    }
  });
});

/**
 * Overrides never vanish: an external quantity for a per-land-class component is split by the formula
 * when the record has the formula's inputs, taken as an unallocated total when it has not (the trace says
 * which), and refused with a message, by validation and by the engine, when it cannot be valued.
 *
 * A derived set adds an optional per-class input, canopy interception depth (mm), and a product with two
 * per-class components over broadleaf and coniferous forest, quantity = area × depth (hm²·mm → m³, ×10):
 *   canopy_water        value = Q × 2 元/m³ (the same for every class)
 *   canopy_water_priced value = Q × price by class (broadleaf 3, coniferous 4 元/m³)
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountTownship, AccountingError, type InputRecord } from '../../src/domain/accounting.js';
import { formatIssue, validateRecords, type RawRecord } from '../../src/domain/inputs.js';
import { traceComponent } from '../../src/domain/trace.js';
import { loadSet } from '../../src/methods/resolve.js';
import { EXIT } from '../../src/cli/main.js';
import { runCli } from './cli-run.js';
import { baseRawRecord, Dec, perClass } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'gep-overrides-'));
const COEFFS = join(tmp, 'coefficients');
cpSync('coefficients', COEFFS, { recursive: true });
mkdirSync(join(COEFFS, 'canopy'), { recursive: true });
writeFileSync(
  join(COEFFS, 'canopy', '1.0.0.yaml'),
  `id: canopy
version: 1.0.0
status: draft
title: { zh: 林冠截留, en: Canopy interception }
extends: { id: gep-functional, version: 1.0.0 }
inputs:
  - { id: interception_depth, labels: { zh: 林冠截留深度, en: Canopy interception depth }, unit: mm, perLandClass: true, required: false, department: { zh: 林业局, en: Forestry }, group: climate_hydrology }
parameters:
  - { id: interception_cost, labels: { zh: 截留水价, en: Intercepted water price }, unit: 元/m3, value: '2', source: hand, verified: true }
  - { id: interception_price, labels: { zh: 分地类水价, en: Water price by class }, unit: 元/m3, values: { forest_broadleaf: '3', forest_coniferous: '4' }, source: hand, verified: true }
products:
  - id: canopy_interception
    category: regulating
    labels: { zh: 林冠截留, en: Canopy interception }
    method: replacement_cost
    profiles: [academic]
    components:
      - { id: canopy_water, labels: { zh: 林冠截留水量, en: Canopy water }, landClasses: [forest_broadleaf, forest_coniferous], quantity: { formula: 'to(land_area * interception_depth, "m3")', unit: m3 }, value: { formula: Q * interception_cost, unit: 元 } }
      - { id: canopy_water_priced, labels: { zh: 林冠截留水量（分地类价）, en: Canopy water (priced by class) }, landClasses: [forest_broadleaf, forest_coniferous], quantity: { formula: 'to(land_area * interception_depth, "m3")', unit: m3 }, value: { formula: Q * interception_price, unit: 元 } }
`,
);
const set = loadSet(COEFFS, 'canopy');

const raw = (values: Record<string, unknown>, overrides: RawRecord['overrides']): RawRecord => {
  const r = baseRawRecord('T1', 2021);
  return { ...r, values: { ...r.values, ...values }, overrides };
};
const validate = (r: RawRecord) => validateRecords(set, [r]);
const valid = (r: RawRecord): InputRecord => {
  const { records, issues } = validate(r);
  expect(issues.map((i) => formatIssue(i, 'en'))).toEqual([]);
  return records[0]!;
};
const result = (r: InputRecord, id: string) =>
  accountTownship(set, r, 'academic').components.find((c) => c.component.id === id)!;

describe('an override of a per-class component', () => {
  it('without any override, the missing optional input makes the component not applicable (as before)', () => {
    expect(result(valid(raw({}, undefined)), 'canopy_water').status).toBe('not_applicable');
  });

  it('without the formula inputs: accepted as a total, not allocated; 50,000 m³ × 2 元/m³ = 100,000 元', () => {
    const rec = valid(raw({}, { canopy_water: { quantity: '50000', source: 'InVEST' } }));
    const acc = accountTownship(set, rec, 'academic');
    const r = acc.components.find((c) => c.component.id === 'canopy_water')!;
    expect(r.status).toBe('ok');
    expect(r.quantity!.toString()).toBe('50000');
    expect(r.quantityByClass).toBeUndefined();
    expect(r.value!.toString()).toBe('100000');
    expect(r.overrideAllocation).toBe('unallocated');
    expect(acc.productValues.get('canopy_interception')!.toString()).toBe('100000');
    // the value lands in "not allocated to an ecosystem", and the trace says so
    expect(acc.ecosystemValues.get('unallocated')!.gte(100000)).toBe(true);
    const t = traceComponent(set, acc, 'canopy_water');
    expect(t.override).toMatchObject({ quantity: '50000', source: 'InVEST', allocation: 'unallocated' });
    expect(t.override!.note!.en).toMatch(/not allocated/);
    expect(t.value!.result).toBe('100000');
  });

  it('with the inputs: split by the formula; 1,000 hm² × 2 mm = 20,000 m³ and 800 hm² × 3 mm = 24,000 m³ → 88,000 split 40,000 / 48,000', () => {
    const rec = valid(
      raw(
        { interception_depth: perClass({ forest_broadleaf: '2', forest_coniferous: '3' }) },
        { canopy_water: { quantity: '88000', source: 'InVEST' } },
      ),
    );
    const acc = accountTownship(set, rec, 'academic');
    const r = acc.components.find((c) => c.component.id === 'canopy_water')!;
    expect(r.overrideAllocation).toBe('by_formula');
    expect(r.quantityByClass!.get('forest_broadleaf')!.toString()).toBe('40000');
    expect(r.quantityByClass!.get('forest_coniferous')!.toString()).toBe('48000');
    expect(r.value!.toString()).toBe('176000'); // 88,000 × 2
    expect(traceComponent(set, acc, 'canopy_water').override!.allocation).toBe('by_formula');
    // priced by class, no override: 20,000 × 3 + 24,000 × 4 = 156,000 元
    expect(result(rec, 'canopy_water_priced').value!.toString()).toBe('156000');
  });

  it('the formula gives 0 for every class: taken as a total, not an error', () => {
    const rec = valid(
      raw({ interception_depth: perClass({}) }, { canopy_water: { quantity: '1000', source: 'GIS' } }),
    );
    const r = result(rec, 'canopy_water');
    expect(r.overrideAllocation).toBe('unallocated');
    expect(r.value!.toString()).toBe('2000');
  });

  it('a value that varies by class cannot be valued from a total: validation refuses it, naming the inputs', () => {
    const { records, issues } = validate(
      raw({}, { canopy_water_priced: { quantity: '50000', source: 'InVEST' } }),
    );
    expect(records).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.field).toBe('overrides.canopy_water_priced');
    expect(issues[0]!.message.en).toContain('interception_price');
    expect(issues[0]!.message.en).toContain('give interception_depth');
    expect(issues[0]!.message.zh).toContain('按地类计算');
  });

  it('the engine refuses it too (never drops it) when handed an unvalidated record', () => {
    const rec = valid(raw({}, undefined));
    const forced: InputRecord = {
      ...rec,
      overrides: new Map([['canopy_water_priced', { quantity: new Dec(50000), source: 'InVEST' }]]),
    };
    expect(() => accountTownship(set, forced, 'academic')).toThrow(AccountingError);
    expect(() => accountTownship(set, forced, 'academic')).toThrow(/canopy_water_priced/);
  });

  it('gep validate exits 2 with the message; the accepted total exits 0', async () => {
    const file = (name: string, overrides: RawRecord['overrides']) => {
      const path = join(tmp, name);
      writeFileSync(
        path,
        JSON.stringify({
          format: 'gep-ledger/dataset@1',
          region: { id: 'r', labels: { zh: '县', en: 'County' } },
          townships: [{ id: 'T1', labels: { zh: '甲', en: 'A' }, kind: 'town' }],
          records: [{ ...raw({}, overrides), township: 't1' }],
        }).replace(/"T1"/g, '"t1"'),
      );
      return path;
    };
    const bad = await runCli(
      'validate',
      '--set',
      'canopy',
      '--coefficients',
      COEFFS,
      '--data',
      file('bad.json', { canopy_water_priced: { quantity: '1', source: 'x' } }),
      '--lang',
      'en',
    );
    expect(bad.code).toBe(EXIT.dataInvalid);
    expect(bad.err).toContain('overrides.canopy_water_priced');
    const good = await runCli(
      'validate',
      '--set',
      'canopy',
      '--coefficients',
      COEFFS,
      '--data',
      file('good.json', { canopy_water: { quantity: '1', source: 'x' } }),
    );
    expect(good.err).toBe('');
    expect(good.code).toBe(EXIT.ok);
  });
});

describe('an override of a product outside the profile', () => {
  it('is not used by that profile, and named: in the account and by gep account', async () => {
    const rec = valid(raw({}, { canopy_water: { quantity: '50000', source: 'InVEST' } }));
    // canopy_interception is in the academic profile only
    expect(accountTownship(set, rec, 'national_2022').unusedOverrides).toEqual(['canopy_water']);
    expect(accountTownship(set, rec, 'academic').unusedOverrides).toBeUndefined();
    const path = join(tmp, 'profile.json');
    writeFileSync(
      path,
      JSON.stringify({
        format: 'gep-ledger/dataset@1',
        region: { id: 'r', labels: { zh: '县', en: 'County' } },
        townships: [{ id: 't1', labels: { zh: '甲', en: 'A' }, kind: 'town' }],
        records: [{ ...raw({}, { canopy_water: { quantity: '50000', source: 'InVEST' } }), township: 't1' }],
      }),
    );
    const r = await runCli(
      'account',
      '--set',
      'canopy',
      '--coefficients',
      COEFFS,
      '--data',
      path,
      '--year',
      '2021',
      '--profile',
      'national_2022',
      '--format',
      'csv',
      '--lang',
      'en',
    );
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toContain(
      'external figure overrides.canopy_water belongs to a product outside profile national_2022',
    );
  });
});

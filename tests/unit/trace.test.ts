import { describe, expect, it } from 'vitest';
import { accountTownship } from '../../src/domain/accounting.js';
import { validateRecords, formatIssue } from '../../src/domain/inputs.js';
import { traceAccount, traceComponent } from '../../src/domain/trace.js';
import { readDatasetJson } from '../../src/io/dataset.js';
import { loadSet } from '../../src/methods/resolve.js';

const set = loadSet('coefficients', 'minhou-2021');
const dataset = readDatasetJson('seeds/minhou/dataset.json');
const { records, issues } = validateRecords(
  set,
  dataset.records.filter((r) => r.township === 'tingping' && r.year === 2021),
  dataset.townships,
);
if (issues.length) throw new Error(issues.map((i) => formatIssue(i)).join('\n'));
const account = accountTownship(set, records[0]!, 'academic');

describe('trace of a figure', () => {
  it('water conservation on broadleaf forest: formula, inputs with departments, parameters with sources and set version', () => {
    const t = traceComponent(set, account, 'water_conservation', 'forest_broadleaf');
    expect(t.set).toEqual({ id: 'minhou-2021', version: '2.0.0', hash: set.hash });
    expect(t.prices).toEqual({ kind: 'current', year: 2021 });
    expect(t.quantity!.formula).toContain('precipitation');
    const p = t.quantity!.symbols.find((s) => s.symbol === 'precipitation')!;
    expect(p.kind).toBe('input');
    expect(p.unit).toBe('mm');
    expect(p.department!.zh).toBe('县水利局');
    const alpha = t.quantity!.symbols.find((s) => s.symbol === 'runoff_coefficient')!;
    expect(alpha.value).toBe('0.0267');
    expect(alpha.definedIn).toBe('gep-functional@2.0.0');
    expect(alpha.verified).toBe(false);
    expect(alpha.restatement).toBeUndefined();
    // the 2010 reservoir cost restated to 2021 prices by the CPI: 7.06 元/m³ × 692.7 ÷ 536.1
    const price = t.value!.symbols.find((s) => s.symbol === 'reservoir_cost')!;
    expect(price.definedIn).toBe('gep-functional@2.0.0');
    expect(price.restatement).toMatchObject({ index: 'cpi', stated: '7.06', fromYear: 2010, toYear: 2021 });
    expect(price.restatement!.fromIndex).toBe('536.1');
    expect(price.restatement!.toIndex).toBe('692.7');
    expect(Number(price.value)).toBeCloseTo((7.06 * 692.7) / 536.1, 10); // 9.12226…
    // the traced symbols reproduce the figure: (P − P·α − ET) × A [mm·hm²] × 10 = m³
    const v = (name: string) => t.quantity!.symbols.find((s) => s.symbol === name)!.value;
    const P = Number(v('precipitation'));
    const expected = (P - P * 0.0267 - Number(v('evapotranspiration'))) * Number(v('land_area')) * 10;
    expect(Number(t.quantity!.result) / expected).toBeCloseTo(1, 12);
    // value = Q × price
    expect(Number(t.value!.result)).toBeCloseTo(Number(t.quantity!.result) * Number(price.value), 3);
  });

  it('a capped figure says the cap applied and keeps the uncapped sum', () => {
    const t = traceComponent(set, account, 'dust_retained');
    expect(t.cap!.applied).toBe(true);
    expect(Number(t.cap!.uncapped)).toBeGreaterThan(Number(t.cap!.result));
  });

  it('every component of the account has a trace; unknown components are refused', () => {
    const all = traceAccount(set, account);
    expect(new Set(all.map((t) => t.component)).size).toBe(account.components.length);
    expect(() => traceComponent(set, account, 'no_such')).toThrow(/not in this account/);
  });
});

import { describe, expect, it } from 'vitest';
import { difference, DifferenceError, growth } from '../../src/domain/difference.js';
import { landUseAccount, landUseRaw, landUseSet } from './land-use-set.js';

const set = landUseSet();

describe('difference of two accounts', () => {
  // Baseline: forest 1000, paddy 500, built-up 100 hm². Project: 120 hm² forest + 30 hm² paddy → built-up.
  const before = landUseAccount(set, landUseRaw('T1'));
  const after = landUseAccount(set, landUseRaw('T1', 2021, { forest: '880', paddy: '470', built_up: '250' }));
  const d = difference(set, [before], [after]);

  it('converting forest and paddy to built-up loses the area-proportional carbon and nothing else', () => {
    // carbon fixed: before 5 t/hm² × 1000 + 2 t/hm² × 500 = 6000 t; after 5 × 880 + 2 × 470 = 5340 t; Δ −660 t
    const carbon = d.byComponent.find((c) => c.id === 'carbon_fixed')!;
    expect(carbon.unit).toBe('t');
    expect(carbon.quantity.before.toString()).toBe('6000');
    expect(carbon.quantity.after.toString()).toBe('5340');
    expect(carbon.quantity.delta.toString()).toBe('-660');
    expect(carbon.quantityByClass.get('forest')!.delta.toString()).toBe('-600'); // −120 hm² × 5 t/hm²
    expect(carbon.quantityByClass.get('paddy')!.delta.toString()).toBe('-60'); // −30 hm² × 2 t/hm²
    // value: −660 t × 100 元/t = −66,000 元
    expect(carbon.value.delta.toString()).toBe('-66000');
    // water (10 万m³ × 2 元/m³ = 200,000 元) and tourism (2000 × 50 = 100,000 元) do not depend on land use
    expect(d.byProduct.map((p) => [p.id, p.delta.toString()])).toEqual([
      ['carbon', '-66000'],
      ['water', '0'],
      ['tourism', '0'],
    ]);
    // GEP before 600,000 + 200,000 + 100,000 = 900,000 元; after 534,000 + 300,000 = 834,000 元
    expect(d.gep.before.toString()).toBe('900000');
    expect(d.gep.after.toString()).toBe('834000');
    expect(d.gep.delta.toString()).toBe('-66000');
    expect(d.byCategory.regulating.delta.toString()).toBe('-66000');
    expect(d.byCategory.provisioning.delta.toString()).toBe('0');
    // growth −66,000 ÷ 900,000 = −7.33… %
    expect(growth(d.gep)!.toFixed(6)).toBe('-0.073333');
  });

  it('splits the change by land class, with the areas', () => {
    const byClass = Object.fromEntries(d.byLandClass.map((c) => [c.id, c]));
    expect(byClass.forest!.delta.toString()).toBe('-60000'); // −600 t × 100 元/t
    expect(byClass.paddy!.delta.toString()).toBe('-6000'); // −60 t × 100 元/t
    expect(byClass.built_up!.delta.toString()).toBe('0');
    expect(byClass.forest!.area!.delta.toString()).toBe('-120');
    expect(byClass.built_up!.area!.delta.toString()).toBe('150');
    // water and tourism are not per land class: they stay in "unallocated", unchanged (300,000 元)
    expect(byClass.unallocated!.before.toString()).toBe('300000');
    expect(byClass.unallocated!.delta.toString()).toBe('0');
  });

  it('keeps both sides: each component line points at the results of both accounts', () => {
    const carbon = d.byComponent.find((c) => c.id === 'carbon_fixed')!;
    expect(carbon.sides[0]!.before).toBe(before.components.find((r) => r.component.id === 'carbon_fixed'));
    expect(carbon.sides[0]!.after).toBe(after.components.find((r) => r.component.id === 'carbon_fixed'));
    expect(d.before[0]).toBe(before);
    expect(d.byTownship).toHaveLength(1);
    expect(d.byTownship[0]!.delta.toString()).toBe('-66000');
  });

  it('refuses sides with different townships, naming them', () => {
    const other = landUseAccount(set, landUseRaw('T2'));
    expect(() => difference(set, [before], [other])).toThrow(DifferenceError);
    try {
      difference(set, [before], [other]);
    } catch (e) {
      expect((e as DifferenceError).messages.zh).toContain('T1');
      expect((e as DifferenceError).messages.zh).toContain('T2');
    }
  });
});

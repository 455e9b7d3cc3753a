import { describe, expect, it } from 'vitest';
import { departmentsOf, fieldsOutOfScope, mayEditField } from '../../src/domain/scope.js';
import { set } from './fixtures.js';

describe('edit scope: townships and responsible departments (责任单位)', () => {
  const water = { townships: ['ganzhe'], departments: ['县水利局'] };

  it('the departments are those the set names, each once, in catalogue order', () => {
    const names = departmentsOf(set).map((d) => d.zh);
    expect(names[0]).toBe('县资规局'); // land_area, the first input
    expect(names).toContain('县水利局');
    expect(new Set(names).size).toBe(names.length);
  });

  it('a clerk of 县水利局 in 甘蔗街道 may change precipitation, not land areas or overrides, nowhere else', () => {
    expect(mayEditField(water, set, 'precipitation')).toBe(true);
    expect(fieldsOutOfScope(water, set, 'ganzhe', ['precipitation', 'land_area.paddy', 'overrides'])).toEqual(
      ['land_area.paddy', 'overrides'],
    );
    expect(fieldsOutOfScope(water, set, 'baisha', ['precipitation'])).toEqual(['precipitation']);
  });

  it('empty lists do not restrict; a township list alone restricts only townships', () => {
    expect(fieldsOutOfScope({ townships: [], departments: [] }, set, 'x', ['gdp', 'overrides'])).toEqual([]);
    expect(fieldsOutOfScope({ townships: ['ganzhe'], departments: [] }, set, 'ganzhe', ['gdp'])).toEqual([]);
    expect(fieldsOutOfScope(undefined, set, 'x', ['gdp'])).toEqual([]);
  });
});

/**
 * A change table of the yearly update (年度变更调查) → a transition matrix whose rows add up to the opening
 * year and whose columns add up to the closing year, worked by hand (hm²).
 */
import { describe, expect, it } from 'vitest';
import { matricesFromChanges } from '../../src/domain/land-changes.js';
import { checkTransition } from '../../src/domain/transitions.js';
import { readChangeRows } from '../../src/io/geo/change-table.js';
import { Dec, LAND_CLASSES, set } from './fixtures.js';

const CODES = [{ id: 'ganzhe', adminCode: '350121001', areaKm2: new Dec('0.5') }];
// opening 2020 (hm²): paddy 20, dry_farmland 10, built_up 15, water 5; every other class 0
const OPENING = new Map(
  LAND_CLASSES.map((c) => [
    c,
    new Dec({ paddy: 20, dry_farmland: 10, built_up: 15, water: 5 }[c as 'paddy'] ?? 0),
  ]),
);

describe('transition matrix from a change table', () => {
  const rows = [
    ['乡镇代码', '原地类编码', '现地类编码', '面积 (m2)'],
    ['350121001201', '0101', '0702', '30000'], // paddy → built_up 3 hm²
    ['350121001202', '0101', '0702', '5000.5'], // paddy → built_up 0.50005 hm²
    ['350121001', '0103', '1104', '20000'], // dry_farmland → water (坑塘) 2 hm²
    ['350121001201', '0101', '0101', '100'], // within one class: stays on the diagonal
  ];

  it('reads codes, areas in the header unit, and sums match both years', () => {
    const { changes, issues } = readChangeRows(rows, 'csv', CODES);
    expect(issues).toEqual([]);
    expect(changes.map((c) => c.areaHm2.toString())).toEqual(['3', '0.50005', '2', '0.01']);
    const { matrices, issues: built } = matricesFromChanges(changes, set.landClasses, () => OPENING);
    expect(built).toEqual([]);
    const m = matrices.get('ganzhe')!;
    // paddy: 3 + 0.50005 = 3.50005 left; 20 − 3.50005 = 16.49995 stayed
    expect(m.paddy!.built_up).toBe('3.50005');
    expect(m.paddy!.paddy).toBe('16.49995');
    expect(m.dry_farmland!.water).toBe('2');
    expect(m.dry_farmland!.dry_farmland).toBe('8');
    expect(m.built_up!.built_up).toBe('15');
    // closing 2021: paddy 16.49995, dry_farmland 8, built_up 15 + 3.50005 = 18.50005, water 5 + 2 = 7
    const closing = new Map(OPENING);
    closing.set('paddy', new Dec('16.49995'));
    closing.set('dry_farmland', new Dec(8));
    closing.set('built_up', new Dec('18.50005'));
    closing.set('water', new Dec(7));
    const check = checkTransition(
      { township: 'ganzhe', fromYear: 2020, toYear: 2021, unit: 'hm2', matrix: m },
      LAND_CLASSES,
      OPENING,
      closing,
      '0',
    );
    expect(check.issues).toEqual([]);
    // a closing year that does not follow from the changes is refused, naming the column
    closing.set('water', new Dec(6));
    const wrong = checkTransition(
      { township: 'ganzhe', fromYear: 2020, toYear: 2021, unit: 'hm2', matrix: m },
      LAND_CLASSES,
      OPENING,
      closing,
      '0',
    );
    expect(wrong.issues.map((i) => i.field)).toEqual(['matrix.*.water']);
  });

  it('names the row and column of a bad code, a bad area and a missing unit', () => {
    const bad = readChangeRows(
      [rows[0]!, ['350121999001', '0101', '0702', 'x'], ['350121001', '', '0702', '1']],
      'csv',
      CODES,
    );
    expect(bad.issues.map((i) => `${i.row}${i.column}`)).toEqual(['2A', '2D', '3B']);
    const noUnit = readChangeRows([['乡镇代码', '原地类编码', '现地类编码', '面积'], rows[1]!], 'csv', CODES);
    expect(noUnit.issues[0]!.message.zh).toContain('面积列须注明面积单位');
    const more = matricesFromChanges(
      [{ township: 'ganzhe', fromCode: '0102', toCode: '0702', areaHm2: new Dec(11) }],
      set.landClasses,
      () => OPENING,
    );
    // 11 hm² leave dry_farmland, which had 10
    expect(more.issues.map((i) => i.field)).toEqual(['matrix.dry_farmland']);
  });
});

/**
 * 乔木林地 0301 split across 针叶林 / 阔叶林 / 针阔混交林 by the forest inventory's per-township shares, worked by
 * hand: 甘蔗 (ganzhe) has 30 000 m² of 0301 and shares 40 / 35 / 25 %; 白沙 (baisha) has 1 000 m² and no shares.
 */
import { describe, expect, it } from 'vitest';
import { checkForestShares, splitTreeForest, treeForestClass } from '../../src/domain/forest-split.js';
import { landUseRecords, withForestShares, type DltbSummary } from '../../src/io/geo/dltb.js';
import { readShareRows } from '../../src/io/geo/forest-shares.js';
import { Dec, set } from './fixtures.js';

const TOWNSHIPS = [
  { id: 'ganzhe', adminCode: '350121100', nameZh: '甘蔗街道', nameEn: 'Ganzhe' },
  { id: 'baisha', adminCode: '350121101', nameZh: '白沙镇', nameEn: 'Baisha' },
];
const HEADER = ['乡镇', '针叶林 (%)', '阔叶林 (%)', '针阔混交林 (%)'];

const sums = () =>
  new Map([
    [
      'ganzhe',
      new Map([
        ['forest_broadleaf', new Dec(30_000)],
        ['paddy', new Dec(5_000)],
      ]),
    ],
    ['baisha', new Map([['forest_broadleaf', new Dec(1_000)]])],
  ]);

describe('splitting 乔木林地 0301 by forest-type shares', () => {
  it('reads the share table by township code or name, as fractions', () => {
    const r = readShareRows([HEADER, ['350121100', '40', '35', '25%']], 'csv', set, TOWNSHIPS);
    expect(r.issues).toEqual([]);
    const g = r.shares.get('ganzhe')!;
    expect([...g].map(([c, v]) => [c, v.toString()])).toEqual([
      ['forest_coniferous', '0.4'],
      ['forest_broadleaf', '0.35'],
      ['forest_mixed', '0.25'],
    ]);
    expect(
      readShareRows([HEADER, ['甘蔗街道', '40', '35', '25']], 'csv', set, TOWNSHIPS).shares.has('ganzhe'),
    ).toBe(true);
  });

  it('splits each township’s 0301 area: 30 000 m² × 40 % = 12 000 coniferous, × 25 % = 7 500 mixed, 10 500 broadleaf', () => {
    const shares = readShareRows([HEADER, ['甘蔗街道', '40', '35', '25']], 'csv', set, TOWNSHIPS).shares;
    expect(checkForestShares(shares, set.landClasses)).toEqual([]);
    const tree = treeForestClass(set.landClasses)!;
    expect(tree).toBe('forest_broadleaf');
    const r = splitTreeForest(sums(), shares, tree);
    const g = r.byTownship.get('ganzhe')!;
    expect(g.get('forest_coniferous')!.toString()).toBe('12000');
    expect(g.get('forest_mixed')!.toString()).toBe('7500');
    // the rest, 30 000 − 12 000 − 7 500 = 10 500 = 30 000 × 35 %: the parts add up to the 0301 area exactly
    expect(g.get('forest_broadleaf')!.toString()).toBe('10500');
    expect(g.get('paddy')!.toString()).toBe('5000');
    expect(r.split).toEqual(['ganzhe']);
    // baisha has 0301 area but no shares: kept whole in broadleaf, and named
    expect(r.unsplit).toEqual(['baisha']);
    expect(r.byTownship.get('baisha')!.get('forest_broadleaf')!.toString()).toBe('1000');
  });

  it('the records carry the split classes (hm²) for split townships only', () => {
    const shares = readShareRows([HEADER, ['甘蔗街道', '40', '35', '25']], 'csv', set, TOWNSHIPS).shares;
    const summary = {
      sums: {
        byTownship: sums(),
        unmatched: [],
        parcels: 3,
        areaSources: { TBDLMJ: 3, 'TBMJ-KCMJ': 0, geometry: 0 },
      },
      crs: 'EPSG:4528',
      reconciliation: [],
      classesNotInLayer: ['forest_coniferous', 'forest_mixed'],
    } satisfies DltbSummary;
    const split = withForestShares(summary, shares, 'forest_broadleaf');
    expect(split.forestSplit).toEqual({
      tree: 'forest_broadleaf',
      classes: ['forest_coniferous', 'forest_mixed'],
      split: ['ganzhe'],
      unsplit: ['baisha'],
    });
    const records = landUseRecords(split, set, 2021);
    const ganzhe = records.find((r) => r.township === 'ganzhe')!.values.land_area as Record<string, string>;
    expect([ganzhe.forest_coniferous, ganzhe.forest_broadleaf, ganzhe.forest_mixed]).toEqual([
      '1.2',
      '1.05',
      '0.75',
    ]);
    const baisha = records.find((r) => r.township === 'baisha')!.values.land_area as Record<string, string>;
    expect(baisha.forest_broadleaf).toBe('0.1');
    expect(baisha).not.toHaveProperty('forest_coniferous'); // kept as stored
  });

  it('refuses shares that do not add up to 100 %, a class with codes of its own, an unknown township', () => {
    const sharesOf = (rows: string[][], header = HEADER) =>
      readShareRows([header, ...rows], 'csv', set, TOWNSHIPS);
    const off = checkForestShares(sharesOf([['甘蔗街道', '40', '35', '24']]).shares, set.landClasses);
    expect(off.map((i) => i.message.zh)).toEqual(['各林分比例之和为 99%，应为 100%']);
    const paddy = checkForestShares(
      sharesOf([['甘蔗街道', '40', '60']], ['乡镇', '针叶林', '水田']).shares,
      set.landClasses,
    );
    expect(paddy.map((i) => [i.township, i.field])).toEqual([['ganzhe', 'paddy']]);
    const unknown = sharesOf([['某镇', '40', '35', '25']]);
    expect(unknown.issues.map((i) => [i.row, i.column, i.message.zh])).toEqual([
      [2, 'A', '乡镇"某镇"不存在'],
    ]);
  });
});

/**
 * Colour scales that tell townships apart: every colour scale runs over the data's own range (least → lightest,
 * greatest → darkest), not 0..max, and the heat map colours each service over its own range, so that climate
 * regulation (≈ 44 % of GEP) does not flatten every other column into one pale colour.
 */
import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/domain/decimal.js';

const D = (v: string) => new Dec(v);
import { productHeatMap, rankingBarChart, mapCellsOf, townshipMap } from '../../src/report/charts.js';
import { dataDomain, sequentialColor } from '../../src/report/charts/svg.js';
import { comparisonReport, type ProductMatrix } from '../../src/report/comparison.js';
import { set } from './fixtures.js';
import { HAND } from './report-fixtures.js';

/** The two ends of the scale, #edf8e9 and #006d2c, as d3 writes them. */
const LIGHTEST = 'rgb(237, 248, 233)';
const DARKEST = 'rgb(0, 109, 44)';
/** d3's linear interpolation between the two ends at t (0..1), each channel rounded. */
const at = (t: number) =>
  `rgb(${Math.round(237 - 237 * t)}, ${Math.round(248 - 139 * t)}, ${Math.round(233 - 189 * t)})`;

const fills = (svg: string) =>
  Object.fromEntries(
    [...svg.matchAll(/<(?:rect|path) class="mark" [^>]*?fill="([^"]+)"[^>]*?data-key="([^"]+)"/g)].map(
      (m) => [m[2]!, m[1]!],
    ),
  );

describe('the colour scale runs over the data’s range', () => {
  it('domain = [least, greatest] of the data: 440,000 / 450,000 / 460,000 万元 give [440,000, 460,000], not [0, 460,000]', () => {
    expect(dataDomain([450_000, 440_000, 460_000])).toEqual([440_000, 460_000]);
    const c = sequentialColor([450_000, 440_000, 460_000]);
    expect(c.domain()).toEqual([440_000, 460_000]);
    expect([c(440_000), c(450_000), c(460_000)]).toEqual([LIGHTEST, at(0.5), DARKEST]);
    // with 0..max the three would be 95.7 %, 97.8 % and 100 % of the way to the dark end: nearly one colour
  });

  it('one value or all equal: a domain one unit wide, no division by zero; nothing: [0, 1]', () => {
    expect(dataDomain([7, 7])).toEqual([7, 8]);
    expect(dataDomain([])).toEqual([0, 1]);
    expect(dataDomain([Number.NaN, 3, 5])).toEqual([3, 5]);
  });

  it('the township map colours GEP per km² from its least (乙镇 150 万元/km²) to its greatest (丙镇 1,000)', () => {
    const report = comparisonReport({
      set,
      region: HAND.current,
      records: HAND.records,
      townships: HAND.townships,
      previous: HAND.previous,
    });
    const f = fills(townshipMap(mapCellsOf(report)));
    // a: 3,000,000 元/km² = 300 万元/km², (300 − 150) ÷ (1,000 − 150) = 150 ÷ 850 of the way
    expect(f).toEqual({ b: LIGHTEST, c: DARKEST, a: at(150 / 850), d: at(250 / 850) });
    expect(townshipMap(mapCellsOf(report))).toContain('>150.00</text>'); // the legend starts at the least
  });
});

describe('heat map: each service over its own range', () => {
  // climate regulation: 44, 45 and 46 亿元 (close together, and large); water conservation 1, 3 and 2 亿元
  const matrix: ProductMatrix = {
    products: [
      { id: 'climate', labels: { zh: '气候调节', en: 'Climate regulation' }, category: 'regulating' },
      { id: 'water', labels: { zh: '水源涵养', en: 'Water conservation' }, category: 'regulating' },
    ],
    townships: [
      { id: 'a', labels: { zh: '甲镇', en: 'A Town' } },
      { id: 'b', labels: { zh: '乙镇', en: 'B Town' } },
      { id: 'c', labels: { zh: '丙镇', en: 'C Town' } },
    ],
    values: [
      [D('4400000000'), D('100000000')],
      [D('4500000000'), D('300000000')],
      [D('4600000000'), D('200000000')],
    ],
  };

  it('climate regulation: 44 → lightest, 45 → halfway, 46 亿元 → darkest; water: 1 → lightest, 3 → darkest, 2 → halfway', () => {
    const f = fills(productHeatMap(matrix));
    expect([f['a|climate'], f['b|climate'], f['c|climate']]).toEqual([LIGHTEST, at(0.5), DARKEST]);
    expect([f['a|water'], f['b|water'], f['c|water']]).toEqual([LIGHTEST, DARKEST, at(0.5)]);
  });

  it('one scale over every cell (scale: all) flattens water: 1 and 3 亿元 are 0 and 2/45 of the way', () => {
    const f = fills(productHeatMap(matrix, { scale: 'all' }));
    // domain [1, 46] 亿元: water 3 亿元 is (3 − 1) ÷ 45 of the way, nearly as pale as 1 亿元
    expect([f['a|water'], f['b|water']]).toEqual([LIGHTEST, at(2 / 45)]);
    expect(f['c|climate']).toBe(DARKEST);
  });

  it('the legend says each column is coloured over its own range, in Chinese and in English; tooltips give the column’s range in 万元', () => {
    const zh = productHeatMap(matrix);
    expect(zh).toContain('每列（每项生态产品）按本列的最小值—最大值着色');
    expect(zh).toContain('>本列最小</text>');
    expect(zh).toContain('甲镇 · 水源涵养: 10,000.00 万元（本列 10,000.00—30,000.00）');
    const en = productHeatMap(matrix, { lang: 'en' });
    expect(en).toContain('Each column (eco-product) is coloured over its own range');
    expect(en).toContain('>column greatest</text>');
  });

  it('the picked township’s row is outlined and its name bold', () => {
    const svg = productHeatMap(matrix, { highlight: 'b' });
    expect(svg).toMatch(/<rect [^>]*stroke="#d35400"[^>]*data-highlight="b"\/>/);
    expect(svg).toMatch(/<text [^>]*font-weight="bold">乙镇<\/text>/);
    expect(productHeatMap(matrix)).not.toContain('data-highlight');
  });
});

describe('ranking bars mark the picked township', () => {
  it('only 甲镇’s bar carries the outline', () => {
    const report = comparisonReport({
      set,
      region: HAND.current,
      records: HAND.records,
      townships: HAND.townships,
    });
    const svg = rankingBarChart(
      report.rankings.find((r) => r.metric === 'gep')!,
      { highlight: 'a' },
    );
    const outlined = [...svg.matchAll(/<rect class="mark" ([^>]*)>/g)]
      .filter((m) => m[1]!.includes('data-highlight="true"') && m[1]!.includes('stroke="#d35400"'))
      .map((m) => /data-key="(\w+)"/.exec(m[1]!)![1]);
    expect(outlined).toEqual(['a']);
    expect(svg).toContain('font-weight="bold">2. 甲镇</text>');
  });
});

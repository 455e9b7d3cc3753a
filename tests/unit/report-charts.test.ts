import { describe, expect, it } from 'vitest';
import {
  changeChart,
  compositionChart,
  escapeXml,
  mapCellsOf,
  productHeatMap,
  rankingBarChart,
  squarify,
  townshipMap,
} from '../../src/report/charts.js';
import { comparisonReport } from '../../src/report/comparison.js';
import { set } from './fixtures.js';
import { EVIL_NAME, HAND } from './report-fixtures.js';

const report = comparisonReport({
  set,
  region: HAND.current,
  records: HAND.records,
  townships: HAND.townships,
  previous: HAND.previous,
});
const gepRanking = report.rankings.find((r) => r.metric === 'gep')!;

const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Elements nest properly, and no text or attribute holds a raw "<", ">" or a bare "&". */
function expectWellFormed(svg: string) {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const between = svg.slice(last, m.index);
    expect(between, 'text between tags').not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|#39);)/);
    last = tag.lastIndex;
    const [, close, name, attributes, selfClosing] = m;
    expect(attributes ?? '', 'attributes').not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);
    if (selfClosing) continue;
    if (close) expect(stack.pop(), `closing </${name}>`).toBe(name);
    else stack.push(name!);
  }
  expect(svg.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}

/** The marks of a chart: their data attributes, unescaped. */
function marks(svg: string) {
  return [...svg.matchAll(/<rect class="mark" ([^>]*)>/g)].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, unescape(a[2]!)])),
  );
}

function expectFrame(svg: string, title: string) {
  expect(svg).toMatch(
    /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+" viewBox="0 0 \d+ \d+" role="img"/,
  );
  expect(svg).toContain(`aria-label="${escapeXml(title)}"`);
  expect(svg).toContain(`<title>${escapeXml(title)}</title>`);
  expect(svg).toContain(`font-family="&#39;Noto Sans CJK SC&#39;, &#39;Noto Sans SC&#39;, sans-serif"`);
}

describe('escaping', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href='x'>"&"</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;');
  });

  it('a township named <script>&" appears only escaped, in every chart', () => {
    const charts = [
      rankingBarChart(gepRanking),
      compositionChart(report.composition),
      productHeatMap(report.productMatrix),
      changeChart(report.change!, { previous: 2020, current: 2021 }),
      townshipMap(mapCellsOf(report)),
    ];
    for (const svg of charts) {
      expect(svg).not.toContain('<script');
      expect(svg).toContain('&lt;script&gt;&amp;&quot;');
      expectWellFormed(svg);
      expect(marks(svg).some((m) => m['data-label']!.startsWith(EVIL_NAME))).toBe(true);
    }
  });
});

describe('ranking bar chart', () => {
  const svg = rankingBarChart(gepRanking);

  it('one bar per township, in rank order, with the exact value in 元 and the rank', () => {
    expect(marks(svg).map((m) => [m['data-key'], m['data-value'], m['data-rank']])).toEqual([
      ['c', '500000000', '1'],
      ['a', '300000000', '2'],
      ['b', '300000000', '2'],
      ['d', '100000000', '4'],
    ]);
  });

  it('frame, Chinese title and an axis label with its unit; value labels in 亿元 from the decimals', () => {
    expectFrame(svg, 'GEP排名');
    expect(svg).toContain('>GEP（亿元）</text>');
    expect(svg).toContain('>5.00</text>'); // 500,000,000 元 = 5.00 亿元
    expect(svg).toContain('>2. 甲镇</text>');
  });

  it('in English on request', () => {
    const en = rankingBarChart(gepRanking, { lang: 'en' });
    expectFrame(en, 'GEP ranking');
    expect(en).toContain('>GEP (10⁸ yuan)</text>');
    expect(en).toContain('>2. A Town</text>');
  });

  it('a township without a figure keeps a zero-width mark and shows a dash', () => {
    const perCapita = rankingBarChart(report.rankings.find((r) => r.metric === 'gep_per_capita')!);
    const d = marks(perCapita).find((m) => m['data-key'] === 'd')!;
    expect([d['data-value'], d.width]).toEqual(['', '0']);
    expect(perCapita).toContain('>—. &lt;script&gt;&amp;&quot;</text>');
    expect(perCapita).toContain('>人均GEP（元/人）</text>');
  });
});

describe('composition, heat map, change and map', () => {
  it('stacked bars: three marks per township, the segments of c are 1, 3.5 and 0.5 亿元', () => {
    const svg = compositionChart(report.composition);
    const c = marks(svg).filter((m) => m['data-key']!.startsWith('c|'));
    expect(c.map((m) => [m['data-key'], m['data-value']])).toEqual([
      ['c|provisioning', '100000000'],
      ['c|regulating', '350000000'],
      ['c|cultural', '50000000'],
    ]);
    expect(marks(svg)).toHaveLength(12);
    // widths proportional to the values: regulating is 3.5 × provisioning
    expect(Number(c[1]!.width) / Number(c[0]!.width)).toBeCloseTo(3.5, 6);
    expect(svg).toContain('>GEP（亿元）</text>');
  });

  it('shares: 100 % bars, values as fractions', () => {
    const svg = compositionChart(report.composition, { mode: 'share', lang: 'en' });
    expect(marks(svg).find((m) => m['data-key'] === 'c|regulating')!['data-value']).toBe('0.7');
    expect(svg).toContain('>Share of township GEP (%)</text>');
  });

  it('heat map: one cell per township × product with its value', () => {
    const m = marks(productHeatMap(report.productMatrix));
    expect(m).toHaveLength(4 * 3);
    expect(m.find((x) => x['data-key'] === 'c|water_conservation')!['data-value']).toBe('350000000');
  });

  it('change: two bars per township and the change written as +0.50 亿元 (+20.00%) for a', () => {
    const svg = changeChart(report.change!, { previous: 2020, current: 2021 });
    const a = marks(svg).filter((m) => m['data-key']!.startsWith('a|'));
    expect(a.map((m) => [m['data-key'], m['data-value']])).toEqual([
      ['a|2020', '250000000'],
      ['a|2021', '300000000'],
    ]);
    expect(a[1]!['data-change']).toBe('50000000');
    expect(svg).toContain('>+0.50 亿元（+20.00%）</text>');
    expect(svg).toContain('>0.00 亿元（0.00%）</text>'); // b: no change, no sign
  });

  it('map: one cell per township, area proportional, coloured by GEP per km²', () => {
    const m = marks(townshipMap(mapCellsOf(report)));
    expect(m.map((x) => [x['data-key'], x['data-value'], x['data-area-km2']]).sort()).toEqual([
      ['a', '3000000', '100'],
      ['b', '1500000', '200'],
      ['c', '10000000', '50'],
      ['d', '4000000', '25'],
    ]);
    const area = (k: string) => {
      const x = m.find((c) => c['data-key'] === k)!;
      return Number(x.width) * Number(x.height);
    };
    // b is 200 km², a 100 km², c 50 km²: cell areas 4 : 2 : 1 (to the 0.01 px rounding of the coordinates)
    expect(area('b') / area('c')).toBeCloseTo(4, 1);
    expect(area('a') / area('c')).toBeCloseTo(2, 1);
  });
});

describe('squarified layout', () => {
  it('fills the box exactly, areas in proportion to the weights, no overlap', () => {
    const weights = [6, 6, 4, 3, 2, 2, 1];
    const tiles = squarify(weights, (w) => w, { x: 0, y: 0, width: 600, height: 400 });
    expect(tiles).toHaveLength(7);
    // 240,000 px² over a weight of 24: 10,000 px² per unit of weight
    for (const t of tiles) expect(t.width * t.height).toBeCloseTo(t.item * 10000, 6);
    for (const t of tiles) {
      expect(t.x).toBeGreaterThanOrEqual(-1e-9);
      expect(t.y).toBeGreaterThanOrEqual(-1e-9);
      expect(t.x + t.width).toBeLessThanOrEqual(600 + 1e-9);
      expect(t.y + t.height).toBeLessThanOrEqual(400 + 1e-9);
    }
    for (const [i, a] of tiles.entries())
      for (const b of tiles.slice(i + 1)) {
        const overlapX = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
        const overlapY = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
        expect(overlapX <= 1e-9 || overlapY <= 1e-9).toBe(true);
      }
  });
});

import { scaleLinear } from 'd3-scale';
import { stack } from 'd3-shape';
import { ZERO } from '../../domain/decimal.js';
import { CATEGORIES, type Category } from '../../methods/schema.js';
import type { CompositionRow } from '../comparison.js';
import { DISPLAY_UNITS, formatNumber, unitLabel, type DisplayUnitId } from '../format.js';
import { CATEGORY_LABELS } from '../gep-table.js';
import {
  CATEGORY_COLORS,
  FONT_SIZE,
  HIGHLIGHT,
  attrs,
  axisTitle,
  escapeXml,
  round,
  svgDocument,
  text,
  textWidth,
  tickFormat,
  toNumber,
  type ChartOptions,
} from './svg.js';

const BAR = 20;
const GAP = 6;

/**
 * Composition of GEP by category per township, as stacked horizontal bars: in 亿元 (`mode: 'value'`),
 * or as shares of each township's GEP (`mode: 'share'`, 100 % bars).
 */
export function compositionChart(
  rows: readonly CompositionRow[],
  options: ChartOptions & { mode?: 'value' | 'share' } = {},
): string {
  const lang = options.lang ?? 'zh';
  const width = options.width ?? 720;
  const mode = options.mode ?? 'value';
  const unitId: DisplayUnitId = mode === 'value' ? 'yi_yuan' : 'percent';
  const divisor = DISPLAY_UNITS[unitId].divisor;
  const cell = (r: CompositionRow, c: Category) => (mode === 'value' ? r.values[c] : r.shares[c]);
  const title = options.title ?? (lang === 'zh' ? 'GEP构成（按服务类别）' : 'GEP composition by category');

  const data = rows.map((r) =>
    Object.fromEntries(CATEGORIES.map((c) => [c, toNumber(cell(r, c) ?? ZERO, divisor)])),
  ) as Record<Category, number>[];
  const series = stack<Record<Category, number>, Category>().keys(CATEGORIES)(data);

  const labelWidth = Math.max(60, ...rows.map((r) => textWidth(r.labels[lang]))) + 12;
  const top = 56;
  const plotHeight = rows.length * (BAR + GAP);
  const height = top + plotHeight + 44;
  const max = Math.max(0, ...series.flatMap((s) => s.map((d) => d[1])));
  const x = scaleLinear()
    .domain([0, max || 1])
    .range([labelWidth, width - 16])
    .nice();

  const body: string[] = [text(labelWidth, 20, title, { 'font-weight': 'bold' })];
  let legendX = labelWidth;
  for (const c of CATEGORIES) {
    const name = CATEGORY_LABELS[c][lang];
    body.push(
      `<rect ${attrs({ x: legendX, y: 30, width: 12, height: 12, fill: CATEGORY_COLORS[c] })}/>`,
      text(legendX + 16, 40, name),
    );
    legendX += 28 + textWidth(name);
  }
  rows.forEach((r, i) => {
    const y = top + i * (BAR + GAP);
    const name = r.labels[lang];
    const picked = r.township === options.highlight;
    body.push(
      text(labelWidth - 6, y + BAR / 2 + FONT_SIZE / 3, name, {
        'text-anchor': 'end',
        'font-weight': picked ? 'bold' : undefined,
      }),
    );
    if (picked)
      body.push(
        `<rect ${attrs({ x: round(labelWidth - 2), y: y - 2, width: round(width - 16 - labelWidth + 4), height: BAR + 4, fill: 'none', stroke: HIGHLIGHT.stroke, 'stroke-width': HIGHLIGHT.strokeWidth, 'data-highlight': r.township })}/>`,
      );
    for (const s of series) {
      const c = s.key;
      const [x0, x1] = s[i]!;
      const value = cell(r, c);
      const display = formatNumber(value, unitId);
      body.push(
        `<rect ${attrs({
          class: 'mark',
          x: round(x(x0)),
          y,
          width: round(x(x1) - x(x0)),
          height: BAR,
          fill: CATEGORY_COLORS[c],
          'data-key': `${r.township}|${c}`,
          'data-value': value?.toString() ?? '',
          'data-label': `${name} · ${CATEGORY_LABELS[c][lang]}`,
        })}><title>${escapeXml(`${name} · ${CATEGORY_LABELS[c][lang]}: ${display} ${unitLabel(unitId, lang)}`)}</title></rect>`,
      );
    }
  });
  const axisY = top + plotHeight + 4;
  body.push(`<line ${attrs({ x1: x.range()[0], x2: x.range()[1], y1: axisY, y2: axisY, stroke: '#666' })}/>`);
  for (const t of x.ticks(5))
    body.push(
      `<line ${attrs({ x1: round(x(t)), x2: round(x(t)), y1: axisY, y2: axisY + 4, stroke: '#666' })}/>`,
      text(x(t), axisY + 16, tickFormat(t), { 'text-anchor': 'middle', fill: '#444' }),
    );
  const name = mode === 'value' ? 'GEP' : lang === 'zh' ? '占本乡镇GEP比例' : 'Share of township GEP';
  body.push(
    text((x.range()[0]! + x.range()[1]!) / 2, axisY + 34, axisTitle(name, unitLabel(unitId, lang), lang), {
      'text-anchor': 'middle',
    }),
  );
  return svgDocument({ width, height, title, body: body.join('\n'), id: `composition-${mode}` });
}

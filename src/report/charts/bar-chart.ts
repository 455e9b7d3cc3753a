import { scaleLinear } from 'd3-scale';
import { DISPLAY_UNITS, formatNumber, unitLabel } from '../format.js';
import type { Ranking } from '../comparison.js';
import {
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

/** Horizontal bar chart of a ranking: one bar per township, best first, value label at the bar's end. */
export function rankingBarChart(ranking: Ranking, options: ChartOptions = {}): string {
  const lang = options.lang ?? 'zh';
  const width = options.width ?? 720;
  const unit = DISPLAY_UNITS[ranking.unit];
  const unitText = unitLabel(ranking.unit, lang);
  const title = options.title ?? `${ranking.labels[lang]}${lang === 'zh' ? '排名' : ' ranking'}`;
  const rows = ranking.rows.map((r) => ({
    ...r,
    name: r.labels[lang],
    display: formatNumber(r.value, ranking.unit),
    x: r.value === undefined ? undefined : toNumber(r.value, unit.divisor),
  }));
  const labelWidth = Math.max(60, ...rows.map((r) => textWidth(`${r.rank ?? '—'}. ${r.name}`))) + 12;
  const valueWidth = Math.max(...rows.map((r) => textWidth(r.display))) + 12;
  const top = 36;
  const plotHeight = rows.length * (BAR + GAP);
  const height = top + plotHeight + 44;
  const values = rows.flatMap((r) => (r.x === undefined ? [] : [r.x]));
  const x = scaleLinear()
    .domain([Math.min(0, ...values), Math.max(0, ...values)])
    .range([labelWidth, width - valueWidth])
    .nice();
  if (values.every((v) => v === 0)) x.domain([0, 1]);

  const body: string[] = [text(labelWidth, 20, title, { 'font-weight': 'bold' })];
  rows.forEach((r, i) => {
    const y = top + i * (BAR + GAP);
    const x0 = x(0);
    const x1 = r.x === undefined ? x0 : x(r.x);
    body.push(
      text(labelWidth - 6, y + BAR / 2 + FONT_SIZE / 3, `${r.rank ?? '—'}. ${r.name}`, {
        'text-anchor': 'end',
        'font-weight': r.township === options.highlight ? 'bold' : undefined,
      }),
      `<rect ${attrs({
        class: 'mark',
        x: round(Math.min(x0, x1)),
        y,
        width: round(Math.abs(x1 - x0)),
        height: BAR,
        fill: r.x !== undefined && r.x < 0 ? '#c0504d' : '#2e8b57',
        ...(r.township === options.highlight
          ? { stroke: HIGHLIGHT.stroke, 'stroke-width': HIGHLIGHT.strokeWidth, 'data-highlight': 'true' }
          : {}),
        'data-key': r.township,
        'data-value': r.value?.toString() ?? '',
        'data-label': r.name,
        'data-rank': r.rank,
      })}><title>${escapeXml(`${r.name}: ${r.display} ${unitText}`)}</title></rect>`,
      text(Math.max(x0, x1) + 4, y + BAR / 2 + FONT_SIZE / 3, r.display),
    );
  });
  const axisY = top + plotHeight + 4;
  body.push(`<line ${attrs({ x1: x.range()[0], x2: x.range()[1], y1: axisY, y2: axisY, stroke: '#666' })}/>`);
  for (const t of x.ticks(5))
    body.push(
      `<line ${attrs({ x1: round(x(t)), x2: round(x(t)), y1: axisY, y2: axisY + 4, stroke: '#666' })}/>`,
      text(x(t), axisY + 16, tickFormat(t), { 'text-anchor': 'middle', fill: '#444' }),
    );
  body.push(
    text((x.range()[0]! + x.range()[1]!) / 2, axisY + 34, axisTitle(ranking.labels[lang], unitText, lang), {
      'text-anchor': 'middle',
    }),
  );
  return svgDocument({ width, height, title, body: body.join('\n'), id: `ranking-${ranking.metric}` });
}

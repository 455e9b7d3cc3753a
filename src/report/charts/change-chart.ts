import { scaleLinear } from 'd3-scale';
import type { ChangeRow } from '../comparison.js';
import { DISPLAY_UNITS, formatChange, formatNumber, unitLabel } from '../format.js';
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

const BAR = 11;
const GAP = 10;
const COLORS = { previous: '#9ecae1', current: '#08519c' } as const;

/** Paired bars: each township's GEP in the earlier and the later year, with the change written beside. */
export function changeChart(
  rows: readonly ChangeRow[],
  years: { previous: number; current: number },
  options: ChartOptions = {},
): string {
  const lang = options.lang ?? 'zh';
  const width = options.width ?? 720;
  const unit = DISPLAY_UNITS.yi_yuan;
  const unitText = unitLabel('yi_yuan', lang);
  const title =
    options.title ??
    (lang === 'zh'
      ? `GEP变化（${years.previous}年—${years.current}年）`
      : `GEP change, ${years.previous}–${years.current}`);
  const changeText = (r: ChangeRow) =>
    `${formatChange(r.change, 'yi_yuan', lang)}（${formatChange(r.changeRate, 'percent', lang)}）`;
  const labelWidth = Math.max(60, ...rows.map((r) => textWidth(r.labels[lang]))) + 12;
  const changeWidth = Math.max(...rows.map((r) => textWidth(changeText(r)))) + 16;
  const top = 56;
  const step = 2 * BAR + GAP;
  const plotHeight = rows.length * step;
  const height = top + plotHeight + 44;
  const max = Math.max(
    0,
    ...rows.flatMap((r) => [r.previous, r.current].map((v) => toNumber(v, unit.divisor))),
  );
  const x = scaleLinear()
    .domain([0, max || 1])
    .range([labelWidth, width - changeWidth])
    .nice();

  const body: string[] = [text(labelWidth, 20, title, { 'font-weight': 'bold' })];
  let legendX = labelWidth;
  for (const [which, year] of [
    ['previous', years.previous],
    ['current', years.current],
  ] as const) {
    body.push(
      `<rect ${attrs({ x: legendX, y: 30, width: 12, height: 12, fill: COLORS[which] })}/>`,
      text(legendX + 16, 40, String(year)),
    );
    legendX += 64;
  }
  rows.forEach((r, i) => {
    const y = top + i * step;
    const name = r.labels[lang];
    const picked = r.township === options.highlight;
    body.push(
      text(labelWidth - 6, y + BAR + FONT_SIZE / 3, name, {
        'text-anchor': 'end',
        'font-weight': picked ? 'bold' : undefined,
      }),
    );
    if (picked)
      body.push(
        `<rect ${attrs({ x: round(labelWidth - 2), y: y - 2, width: round(width - 8 - labelWidth), height: 2 * BAR + 3, fill: 'none', stroke: HIGHLIGHT.stroke, 'stroke-width': HIGHLIGHT.strokeWidth, 'data-highlight': r.township })}/>`,
      );
    for (const [k, which, year] of [
      [0, 'previous', years.previous],
      [1, 'current', years.current],
    ] as const) {
      const value = r[which];
      body.push(
        `<rect ${attrs({
          class: 'mark',
          x: round(x(0)),
          y: y + k * BAR,
          width: round(x(toNumber(value, unit.divisor)) - x(0)),
          height: BAR - 1,
          fill: COLORS[which],
          'data-key': `${r.township}|${year}`,
          'data-value': value.toString(),
          'data-label': `${name} ${year}`,
          'data-change': which === 'current' ? r.change.toString() : undefined,
        })}><title>${escapeXml(`${name} ${year}: ${formatNumber(value, 'yi_yuan')} ${unitText}`)}</title></rect>`,
      );
    }
    const end = x(toNumber(r.previous.gt(r.current) ? r.previous : r.current, unit.divisor));
    body.push(
      text(end + 6, y + BAR + FONT_SIZE / 3, changeText(r), {
        fill: r.change.isNeg() ? '#c0504d' : '#2e7d32',
      }),
    );
  });
  const axisY = top + plotHeight;
  body.push(`<line ${attrs({ x1: x.range()[0], x2: x.range()[1], y1: axisY, y2: axisY, stroke: '#666' })}/>`);
  for (const t of x.ticks(5))
    body.push(
      `<line ${attrs({ x1: round(x(t)), x2: round(x(t)), y1: axisY, y2: axisY + 4, stroke: '#666' })}/>`,
      text(x(t), axisY + 16, tickFormat(t), { 'text-anchor': 'middle', fill: '#444' }),
    );
  body.push(
    text((x.range()[0]! + x.range()[1]!) / 2, axisY + 34, axisTitle('GEP', unitText, lang), {
      'text-anchor': 'middle',
    }),
  );
  return svgDocument({ width, height, title, body: body.join('\n'), id: 'gep-change' });
}

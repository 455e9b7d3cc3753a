import { scaleLinear } from 'd3-scale';
import { ZERO } from '../../domain/decimal.js';
import type { ProductMatrix } from '../comparison.js';
import { DISPLAY_UNITS, formatNumber, unitLabel } from '../format.js';
import {
  FONT_SIZE,
  SEQUENTIAL_RANGE,
  attrs,
  axisTitle,
  escapeXml,
  round,
  svgDocument,
  text,
  textWidth,
  toNumber,
  type ChartOptions,
} from './svg.js';

const ROW = 24;

/** Heat map of value (亿元) by township (rows) and product (columns); darker is more. */
export function productHeatMap(matrix: ProductMatrix, options: ChartOptions = {}): string {
  const lang = options.lang ?? 'zh';
  const width = options.width ?? 960;
  const unit = DISPLAY_UNITS.yi_yuan;
  const unitText = unitLabel('yi_yuan', lang);
  const title =
    options.title ?? (lang === 'zh' ? '乡镇 × 生态产品价值热力图' : 'Value by township and product');
  const labelWidth = Math.max(60, ...matrix.townships.map((t) => textWidth(t.labels[lang]))) + 12;
  // column labels run up and to the right at 45°: the last ones need room on the right as well as on top
  const labelReach = Math.max(40, ...matrix.products.map((p) => textWidth(p.labels[lang]) * 0.71));
  const headerHeight = labelReach + 48;
  const cols = Math.max(1, matrix.products.length);
  const colWidth = (width - labelWidth - Math.max(16, labelReach)) / cols;
  const top = headerHeight;
  const height = top + matrix.townships.length * ROW + 56;
  const max = Math.max(0, ...matrix.values.flat().map((v) => toNumber(v, unit.divisor)));
  const color = scaleLinear<string>()
    .domain([0, max || 1])
    .range([...SEQUENTIAL_RANGE]);

  const body: string[] = [text(8, 20, title, { 'font-weight': 'bold' })];
  matrix.products.forEach((p, j) => {
    const cx = labelWidth + (j + 0.5) * colWidth;
    body.push(
      text(cx, top - 6, p.labels[lang], {
        transform: `rotate(-45 ${round(cx)} ${top - 6})`,
        'data-key': p.id,
      }),
    );
  });
  matrix.townships.forEach((t, i) => {
    const y = top + i * ROW;
    const name = t.labels[lang];
    body.push(text(labelWidth - 6, y + ROW / 2 + FONT_SIZE / 3, name, { 'text-anchor': 'end' }));
    matrix.products.forEach((p, j) => {
      const value = matrix.values[i]![j] ?? ZERO;
      const n = toNumber(value, unit.divisor);
      const display = formatNumber(value, 'yi_yuan');
      body.push(
        `<rect ${attrs({
          class: 'mark',
          x: round(labelWidth + j * colWidth),
          y,
          width: round(colWidth - 1),
          height: ROW - 1,
          fill: color(n),
          'data-key': `${t.id}|${p.id}`,
          'data-value': value.toString(),
          'data-label': `${name} · ${p.labels[lang]}`,
        })}><title>${escapeXml(`${name} · ${p.labels[lang]}: ${display} ${unitText}`)}</title></rect>`,
      );
    });
  });
  // legend: a gradient from 0 to the largest cell
  const legendY = top + matrix.townships.length * ROW + 16;
  const legendX = labelWidth;
  const legendW = 200;
  body.push(
    `<defs><linearGradient id="heat-legend"><stop offset="0" stop-color="${SEQUENTIAL_RANGE[0]}"/><stop offset="1" stop-color="${SEQUENTIAL_RANGE[1]}"/></linearGradient></defs>`,
    `<rect ${attrs({ x: legendX, y: legendY, width: legendW, height: 10, fill: 'url(#heat-legend)' })}/>`,
    text(legendX, legendY + 24, '0', { 'text-anchor': 'start' }),
    text(legendX + legendW, legendY + 24, formatNumber(maxValue(matrix), 'yi_yuan'), {
      'text-anchor': 'end',
    }),
    text(legendX + legendW + 12, legendY + 10, axisTitle(lang === 'zh' ? '价值' : 'Value', unitText, lang)),
  );
  return svgDocument({ width, height, title, body: body.join('\n'), id: 'product-heat-map' });
}

function maxValue(matrix: ProductMatrix) {
  let max = ZERO;
  for (const row of matrix.values) for (const v of row) if (v.gt(max)) max = v;
  return max;
}

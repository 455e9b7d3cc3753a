import { ZERO, type Dec } from '../../domain/decimal.js';
import type { ProductMatrix } from '../comparison.js';
import { DISPLAY_UNITS, formatNumber, unitLabel } from '../format.js';
import {
  FONT_SIZE,
  HIGHLIGHT,
  SEQUENTIAL_RANGE,
  attrs,
  axisTitle,
  escapeXml,
  round,
  sequentialColor,
  svgDocument,
  text,
  textWidth,
  toNumber,
  type ChartOptions,
} from './svg.js';

const ROW = 24;

export interface HeatMapOptions extends ChartOptions {
  /**
   * `service` (default): each column (eco-product) is coloured over its own range, least to greatest, so the
   * townships are told apart within every service even when one service (climate regulation, ≈ 44 % of GEP)
   * dwarfs the others. `all`: one scale over every cell.
   */
  readonly scale?: 'service' | 'all';
}

/** The range of each column: [least, greatest] value in 元. */
export function columnRanges(matrix: ProductMatrix): Array<[Dec, Dec]> {
  return matrix.products.map((_, j) => {
    const column = matrix.values.map((row) => row[j] ?? ZERO);
    let min = column[0] ?? ZERO;
    let max = min;
    for (const v of column) {
      if (v.lt(min)) min = v;
      if (v.gt(max)) max = v;
    }
    return [min, max];
  });
}

/**
 * Heat map of value by township (rows) and eco-product (columns); darker is more. By default each column is
 * normalised to its own range (the legend says so); values in 万元 in the tooltips.
 */
export function productHeatMap(matrix: ProductMatrix, options: HeatMapOptions = {}): string {
  const lang = options.lang ?? 'zh';
  const width = options.width ?? 960;
  const perService = (options.scale ?? 'service') === 'service';
  const unitId = 'wan_yuan' as const;
  const divisor = DISPLAY_UNITS[unitId].divisor;
  const unitText = unitLabel(unitId, lang);
  const title =
    options.title ?? (lang === 'zh' ? '乡镇 × 生态产品价值热力图' : 'Value by township and product');
  const labelWidth = Math.max(60, ...matrix.townships.map((t) => textWidth(t.labels[lang]))) + 12;
  // column labels run up and to the right at 45°: the last ones need room on the right as well as on top
  const labelReach = Math.max(40, ...matrix.products.map((p) => textWidth(p.labels[lang]) * 0.71));
  const headerHeight = labelReach + 48;
  const cols = Math.max(1, matrix.products.length);
  const colWidth = (width - labelWidth - Math.max(16, labelReach)) / cols;
  const top = headerHeight;
  const legendLines = perService ? 2 : 1;
  const height = top + matrix.townships.length * ROW + 48 + legendLines * 16;
  const n = (v: Dec) => toNumber(v, divisor);
  const ranges = columnRanges(matrix);
  const colourOf = perService
    ? matrix.products.map((_, j) => sequentialColor(matrix.values.map((row) => n(row[j] ?? ZERO))))
    : matrix.products.map(() => sequentialColor(matrix.values.flat().map(n)));

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
    const picked = t.id === options.highlight;
    body.push(
      text(labelWidth - 6, y + ROW / 2 + FONT_SIZE / 3, name, {
        'text-anchor': 'end',
        'font-weight': picked ? 'bold' : undefined,
      }),
    );
    matrix.products.forEach((p, j) => {
      const value = matrix.values[i]![j] ?? ZERO;
      const [min, max] = ranges[j]!;
      const range = perService
        ? lang === 'zh'
          ? `（本列 ${formatNumber(min, unitId)}—${formatNumber(max, unitId)}）`
          : ` (column ${formatNumber(min, unitId)}–${formatNumber(max, unitId)})`
        : '';
      body.push(
        `<rect ${attrs({
          class: 'mark',
          x: round(labelWidth + j * colWidth),
          y,
          width: round(colWidth - 1),
          height: ROW - 1,
          fill: colourOf[j]!(n(value)),
          'data-key': `${t.id}|${p.id}`,
          'data-value': value.toString(),
          'data-label': `${name} · ${p.labels[lang]}`,
        })}><title>${escapeXml(`${name} · ${p.labels[lang]}: ${formatNumber(value, unitId)} ${unitText}${range}`)}</title></rect>`,
      );
    });
    if (picked)
      body.push(
        `<rect ${attrs({
          x: round(labelWidth - 1),
          y: y - 1,
          width: round(cols * colWidth + 1),
          height: ROW + 1,
          fill: 'none',
          stroke: HIGHLIGHT.stroke,
          'stroke-width': HIGHLIGHT.strokeWidth,
          'data-highlight': t.id,
        })}/>`,
      );
  });
  // legend: light is a column's least value, dark its greatest (or the whole map's, with scale 'all')
  const legendY = top + matrix.townships.length * ROW + 16;
  const legendX = 8;
  const [low, high] = perService
    ? lang === 'zh'
      ? ['本列最小', '本列最大']
      : ['column least', 'column greatest']
    : [formatNumber(minOf(matrix), unitId), formatNumber(maxOf(matrix), unitId)];
  // the gradient is at least as wide as its two end labels and a gap
  const legendW = Math.max(160, textWidth(low) + textWidth(high) + 24);
  body.push(
    `<defs><linearGradient id="heat-legend"><stop offset="0" stop-color="${SEQUENTIAL_RANGE[0]}"/><stop offset="1" stop-color="${SEQUENTIAL_RANGE[1]}"/></linearGradient></defs>`,
    `<rect ${attrs({ x: legendX, y: legendY, width: legendW, height: 10, fill: 'url(#heat-legend)' })}/>`,
    text(legendX, legendY + 24, low, { 'text-anchor': 'start' }),
    text(legendX + legendW, legendY + 24, high, { 'text-anchor': 'end' }),
    text(legendX + legendW + 12, legendY + 10, axisTitle(lang === 'zh' ? '价值' : 'Value', unitText, lang)),
  );
  if (perService)
    body.push(
      text(
        legendX,
        legendY + 42,
        lang === 'zh'
          ? '每列（每项生态产品）按本列的最小值—最大值着色：颜色比较同一产品的乡镇，不比较产品之间'
          : 'Each column (eco-product) is coloured over its own range: compare townships within a product, not across products',
        { 'data-legend': 'per-service' },
      ),
    );
  return svgDocument({ width, height, title, body: body.join('\n'), id: 'product-heat-map' });
}

function minOf(matrix: ProductMatrix) {
  let min: Dec | undefined;
  for (const row of matrix.values) for (const v of row) if (!min || v.lt(min)) min = v;
  return min;
}

function maxOf(matrix: ProductMatrix) {
  let max: Dec | undefined;
  for (const row of matrix.values) for (const v of row) if (!max || v.gt(max)) max = v;
  return max;
}

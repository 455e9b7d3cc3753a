import type { Dec } from '../../domain/decimal.js';
import type { Labels } from '../../methods/schema.js';
import type { ComparisonReport } from '../comparison.js';
import { DISPLAY_UNITS, formatNumber, unitLabel, type DisplayUnitId } from '../format.js';
import { squarify } from './squarify.js';
import {
  FONT_SIZE,
  HIGHLIGHT,
  SEQUENTIAL_RANGE,
  dataDomain,
  sequentialColor,
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

export interface MapCell {
  readonly township: string;
  readonly labels: Labels;
  readonly areaKm2: Dec;
  /** GEP per km², 元/km²; undefined when the area is zero. */
  readonly gepPerKm2?: Dec;
  /** The figure shown instead of GEP per km², when the options name one (`figure`). */
  readonly value?: Dec;
  /** Said after the figure in the tooltip, e.g. the rank. */
  readonly detail?: Labels;
}

/** Another figure than GEP per km²: what it is and its unit; the colour scale then spans its range. */
export interface MapFigure {
  readonly indicator: Labels;
  readonly unit: DisplayUnitId;
}

/**
 * Schematic map of the townships (not geography): a squarified treemap, each township a cell sized by its
 * area and coloured by GEP per km² (万元/km²).
 */
export function townshipMap(
  cells: readonly MapCell[],
  options: ChartOptions & { figure?: MapFigure } = {},
): string {
  const lang = options.lang ?? 'zh';
  const width = options.width ?? 720;
  const figure = options.figure;
  const unitId: DisplayUnitId = figure?.unit ?? 'wan_yuan_per_km2';
  const unit = DISPLAY_UNITS[unitId];
  const unitText = unitLabel(unitId, lang);
  const valueOf = (c: MapCell) => (figure ? c.value : c.gepPerKm2);
  const title =
    options.title ??
    (figure
      ? lang === 'zh'
        ? `乡镇${figure.indicator.zh}示意图（面积按比例）`
        : `${figure.indicator.en} by township (schematic, cells sized by area)`
      : lang === 'zh'
        ? '乡镇单位面积GEP示意图（面积按比例）'
        : 'GEP per km² by township (schematic, cells sized by area)');
  const top = 32;
  const plotHeight = Math.round(width * 0.6);
  const height = top + plotHeight + 48;
  const values = cells.flatMap((c) => {
    const v = valueOf(c);
    return v ? [toNumber(v, unit.divisor)] : [];
  });
  // colour over the data's range (least to greatest), so that close figures (or a ΔGEP below 0) are told apart
  const color = sequentialColor(values);
  const [low, high] = dataDomain(values);
  const tiles = squarify(cells, (c) => c.areaKm2.toNumber(), {
    x: 8,
    y: top,
    width: width - 16,
    height: plotHeight,
  });

  const body: string[] = [text(8, 20, title, { 'font-weight': 'bold' })];
  for (const t of tiles) {
    const c = t.item;
    const name = c.labels[lang];
    const v = valueOf(c);
    const display = formatNumber(v, unitId);
    const n = v ? toNumber(v, unit.divisor) : undefined;
    const dark = n !== undefined && (n - low) / (high - low) > 0.55;
    body.push(
      `<rect ${attrs({
        class: 'mark',
        x: round(t.x),
        y: round(t.y),
        width: round(t.width),
        height: round(t.height),
        fill: n === undefined ? '#ccc' : color(n),
        stroke: c.township === options.highlight ? HIGHLIGHT.stroke : '#fff',
        'stroke-width': c.township === options.highlight ? HIGHLIGHT.strokeWidth + 1 : 2,
        'data-key': c.township,
        'data-value': v?.toString() ?? '',
        'data-label': name,
        'data-area-km2': c.areaKm2.toString(),
      })}><title>${escapeXml(`${name}: ${display}${unitText ? ' ' + unitText : ''}${c.detail ? ` (${c.detail[lang]})` : ''}; ${formatNumber(c.areaKm2, 'ratio', 2)} km²`)}</title></rect>`,
    );
    const fits = t.width > Math.max(textWidth(name), textWidth(display)) + 8 && t.height > 2 * FONT_SIZE + 10;
    if (fits) {
      const fill = dark ? '#fff' : '#111';
      body.push(
        text(t.x + t.width / 2, t.y + t.height / 2 - 2, name, { 'text-anchor': 'middle', fill }),
        text(t.x + t.width / 2, t.y + t.height / 2 + FONT_SIZE + 2, display, {
          'text-anchor': 'middle',
          fill,
        }),
      );
    }
  }
  const legendY = top + plotHeight + 12;
  body.push(
    `<defs><linearGradient id="map-legend"><stop offset="0" stop-color="${SEQUENTIAL_RANGE[0]}"/><stop offset="1" stop-color="${SEQUENTIAL_RANGE[1]}"/></linearGradient></defs>`,
    `<rect ${attrs({ x: 8, y: legendY, width: 200, height: 10, fill: 'url(#map-legend)' })}/>`,
    text(8, legendY + 24, formatNumber(extremeOf(cells, valueOf, 'lt'), unitId)),
    text(208, legendY + 24, formatNumber(extremeOf(cells, valueOf, 'gt'), unitId), { 'text-anchor': 'end' }),
    text(
      220,
      legendY + 10,
      axisTitle(
        figure ? figure.indicator[lang] : lang === 'zh' ? '单位面积GEP' : 'GEP per km²',
        unitText,
        lang,
      ),
    ),
  );
  return svgDocument({ width, height, title, body: body.join('\n'), id: 'township-map' });
}

function extremeOf(
  cells: readonly MapCell[],
  valueOf: (c: MapCell) => Dec | undefined,
  which: 'lt' | 'gt',
): Dec | undefined {
  let best: Dec | undefined;
  for (const c of cells) {
    const v = valueOf(c);
    if (v && (!best || v[which](best))) best = v;
  }
  return best;
}

/** The map's cells from a comparison report: area and GEP per km² of every township. */
export function mapCellsOf(report: ComparisonReport): MapCell[] {
  const labels = new Map(report.composition.map((c) => [c.township, c.labels]));
  return report.indicators
    .filter((r) => !r.isTotal)
    .map((r) => ({
      township: r.id,
      labels: labels.get(r.id) ?? { zh: r.id, en: r.id },
      areaKm2: r.areaKm2,
      gepPerKm2: r.gepPerKm2,
    }));
}

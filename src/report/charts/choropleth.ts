/**
 * Choropleth of the townships on their real boundaries (lon/lat GeoJSON from the bureau's XZQ layer):
 * d3-geo paths (Mercator fitted to the county) drawn on the server as SVG, each township coloured by its
 * figure on a scale over the data's range, with a legend; the figure and the township's name in a <title>
 * (the tooltip the browser script shows). No DOM.
 */
import { geoMercator, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Dec } from '../../domain/decimal.js';
import type { Labels } from '../../methods/schema.js';
import { DISPLAY_UNITS, formatNumber, unitLabel, type DisplayUnitId } from '../format.js';
import {
  HIGHLIGHT,
  SEQUENTIAL_RANGE,
  sequentialColor,
  attrs,
  axisTitle,
  escapeXml,
  svgDocument,
  text,
  type ChartOptions,
} from './svg.js';

export interface MapArea {
  readonly township: string;
  readonly labels: Labels;
  /** Polygon or MultiPolygon in lon/lat, outer rings clockwise (d3-geo's winding). */
  readonly geometry: { type: string; coordinates: unknown };
  /** Undefined: no figure (drawn grey). */
  readonly value?: Dec;
  /** Said after the figure in the tooltip, e.g. the rank. */
  readonly detail?: Labels;
}

export interface ChoroplethSpec extends ChartOptions {
  /** What the colour shows, e.g. 单位面积GEP. */
  readonly indicator: Labels;
  readonly unit: DisplayUnitId;
}

export function choropleth(areas: readonly MapArea[], spec: ChoroplethSpec): string {
  const lang = spec.lang ?? 'zh';
  const width = spec.width ?? 720;
  const unitText = unitLabel(spec.unit, lang);
  const title = spec.title ?? `${spec.indicator[lang]}${lang === 'zh' ? '（乡镇）' : ' by township'}`;
  const top = 32;
  const plotHeight = Math.round(width * 0.62);
  const height = top + plotHeight + 52;
  const collection: FeatureCollection<Polygon | MultiPolygon> = {
    type: 'FeatureCollection',
    features: areas.map(
      (a) => ({ type: 'Feature', properties: {}, geometry: a.geometry }) as Feature<Polygon | MultiPolygon>,
    ),
  };
  const projection = geoMercator().fitExtent(
    [
      [8, top],
      [width - 8, top + plotHeight],
    ],
    collection,
  );
  const path = geoPath(projection);
  const divisor = DISPLAY_UNITS[spec.unit].divisor;
  const numbers = areas.flatMap((a) => (a.value ? [a.value.div(divisor).toNumber()] : []));
  const color = sequentialColor(numbers);
  const body: string[] = [text(8, 20, title, { 'font-weight': 'bold' })];
  const labels: string[] = [];
  for (const [i, a] of areas.entries()) {
    const name = a.labels[lang];
    const display = formatNumber(a.value, spec.unit);
    const d = path(collection.features[i]!);
    if (!d) continue;
    body.push(
      `<path ${attrs({
        class: 'mark',
        d,
        fill: a.value ? color(a.value.div(divisor).toNumber()) : '#ccc',
        stroke: a.township === spec.highlight ? HIGHLIGHT.stroke : '#fff',
        'stroke-width': a.township === spec.highlight ? HIGHLIGHT.strokeWidth : 1.5,
        'data-key': a.township,
        'data-value': a.value?.toString() ?? '',
        'data-label': name,
      })}><title>${escapeXml(`${name}: ${display}${unitText ? ' ' + unitText : ''}${a.detail ? ` (${a.detail[lang]})` : ''}`)}</title></path>`,
    );
    const [cx, cy] = path.centroid(collection.features[i]!);
    if (Number.isFinite(cx) && Number.isFinite(cy))
      labels.push(
        text(cx, cy, name, {
          'text-anchor': 'middle',
          'font-size': 10,
          fill: '#111',
          'pointer-events': 'none',
          stroke: '#fff',
          'stroke-width': 2.5,
          'paint-order': 'stroke',
        }),
      );
  }
  body.push(...labels);
  const legendY = top + plotHeight + 14;
  const minDec = areas.reduce<Dec | undefined>(
    (m, a) => (a.value && (!m || a.value.lt(m)) ? a.value : m),
    undefined,
  );
  const maxDec = areas.reduce<Dec | undefined>(
    (m, a) => (a.value && (!m || a.value.gt(m)) ? a.value : m),
    undefined,
  );
  body.push(
    `<defs><linearGradient id="choropleth-legend"><stop offset="0" stop-color="${SEQUENTIAL_RANGE[0]}"/><stop offset="1" stop-color="${SEQUENTIAL_RANGE[1]}"/></linearGradient></defs>`,
    `<rect ${attrs({ x: 8, y: legendY, width: 200, height: 10, fill: 'url(#choropleth-legend)' })}/>`,
    text(8, legendY + 24, formatNumber(minDec, spec.unit)),
    text(208, legendY + 24, formatNumber(maxDec, spec.unit), { 'text-anchor': 'end' }),
    text(220, legendY + 10, axisTitle(spec.indicator[lang], unitText, lang)),
  );
  if (areas.some((a) => !a.value))
    body.push(
      `<rect ${attrs({ x: 220, y: legendY + 16, width: 10, height: 10, fill: '#ccc' })}/>`,
      text(236, legendY + 25, lang === 'zh' ? '无数据' : 'no figure'),
    );
  return svgDocument({ width, height, title, body: body.join('\n'), id: 'choropleth' });
}

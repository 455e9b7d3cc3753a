/**
 * Shared pieces of the server-rendered SVG charts: XML escaping, the document frame (size, viewBox,
 * title, role, font), approximate text widths for layout, and number-to-geometry conversion.
 * No DOM: every chart is a string built from escaped parts.
 */
import { format } from 'd3-format';
import { scaleLinear } from 'd3-scale';
import type { Dec } from '../../domain/decimal.js';
import type { Labels } from '../../methods/schema.js';
import type { Lang } from '../format.js';

export interface ChartOptions {
  /** Labels language; Chinese by default. */
  readonly lang?: Lang;
  /** Total width in px (default 720). */
  readonly width?: number;
  /** Overrides the chart's default title. */
  readonly title?: string;
  /** A township to pick out (outlined, its label bold), e.g. the one chosen on the comparison page. */
  readonly highlight?: string;
}

/** Escapes text for XML character data and attribute values (both quote kinds). */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Attributes from a record, every value escaped; undefined values left out. */
export function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}="${escapeXml(String(v))}"`)
    .join(' ');
}

export const FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif";
export const FONT_SIZE = 12;

export function svgDocument(args: {
  width: number;
  height: number;
  title: string;
  body: string;
  id: string;
}): string {
  const { width, height, title } = args;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" ${attrs({
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': title,
      'data-chart': args.id,
      'font-family': FONT_FAMILY,
      'font-size': FONT_SIZE,
    })}>`,
    `<title>${escapeXml(title)}</title>`,
    args.body,
    '</svg>',
  ].join('\n');
}

export function text(
  x: number,
  y: number,
  content: string,
  extra: Record<string, string | number | undefined> = {},
): string {
  return `<text ${attrs({ x: round(x), y: round(y), ...extra })}>${escapeXml(content)}</text>`;
}

/** Width estimate for layout: CJK characters one em, others 0.6 em. */
export function textWidth(content: string, fontSize = FONT_SIZE): number {
  let w = 0;
  for (const ch of content) w += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? fontSize : fontSize * 0.6;
  return w;
}

/** Geometry only: a Dec in display units as a JS number (labels are formatted from the Dec itself). */
export function toNumber(value: Dec, divisor: Dec): number {
  return value.div(divisor).toNumber();
}

export const round = (x: number) => Math.round(x * 100) / 100;

export const tickFormat = format(',~r');

export const label = (l: Labels, lang: Lang) => l[lang];

export const CATEGORY_COLORS = {
  provisioning: '#d9a23b',
  regulating: '#2e8b57',
  cultural: '#7a5195',
} as const;

/** Light to dark blue-green for heat maps and the township map. */
export const SEQUENTIAL_RANGE = ['#edf8e9', '#006d2c'] as const;

/** "GEP（亿元）" in Chinese, "GEP (10⁸ yuan)" in English; the name alone when there is no unit. */
export function axisTitle(name: string, unitText: string, lang: Lang): string {
  if (!unitText) return name;
  return lang === 'zh' ? `${name}（${unitText}）` : `${name} (${unitText})`;
}

/**
 * The domain of a sequential colour scale: the data's own least and greatest value, not 0..max, so that
 * townships whose figures lie close together are still told apart. One value (or all equal): [v, v + 1],
 * every cell the light end; no value: [0, 1].
 */
export function dataDomain(values: readonly number[]): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return [0, 1];
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  return [min, max > min ? max : min + 1];
}

/** A light-to-dark colour scale over the data's range (see dataDomain). */
export function sequentialColor(values: readonly number[]) {
  return scaleLinear<string>()
    .domain(dataDomain(values))
    .range([...SEQUENTIAL_RANGE]);
}

/** Outline and weight that mark the township picked on the comparison page in every chart. */
export const HIGHLIGHT = { stroke: '#d35400', strokeWidth: 2.5 } as const;

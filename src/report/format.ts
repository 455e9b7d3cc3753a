/**
 * The one display helper of the reports: a Dec in 元 (or hm², or a fraction) shown in a display unit
 * (亿元, 万元, 元/km², %, …), rounded half-up by formatFixed. Report models carry unrounded Dec values
 * and the display unit of each column; only this module turns them into text.
 */
import { Dec, formatFixed } from '../domain/decimal.js';
import type { Labels } from '../methods/schema.js';

export type Lang = 'zh' | 'en';

export interface DisplayUnit {
  /** The stored value is divided by this to display it (亿元: 10⁸ 元; %: 0.01). */
  readonly divisor: Dec;
  readonly decimals: number;
  readonly labels: Labels;
}

const unit = (divisor: string, decimals: number, zh: string, en: string): DisplayUnit => ({
  divisor: new Dec(divisor),
  decimals,
  labels: { zh, en },
});

export const DISPLAY_UNITS = {
  yuan: unit('1', 2, '元', 'yuan'),
  wan_yuan: unit('1e4', 2, '万元', '10⁴ yuan'),
  yi_yuan: unit('1e8', 2, '亿元', '10⁸ yuan'),
  yuan_per_km2: unit('1', 2, '元/km²', 'yuan/km²'),
  wan_yuan_per_km2: unit('1e4', 2, '万元/km²', '10⁴ yuan/km²'),
  yuan_per_capita: unit('1', 2, '元/人', 'yuan/person'),
  percent: unit('0.01', 2, '%', '%'),
  ratio: unit('1', 4, '', ''),
  hm2: unit('1', 2, 'hm²', 'hm²'),
  points: unit('1', 2, '分', 'points'),
  // a physical quantity whose unit a row names (the scenario's item table)
  quantity: unit('1', 2, '', ''),
} as const satisfies Record<string, DisplayUnit>;

export type DisplayUnitId = keyof typeof DISPLAY_UNITS;

export const NO_FIGURE = '—';

export function unitLabel(id: DisplayUnitId, lang: Lang = 'zh'): string {
  return DISPLAY_UNITS[id].labels[lang];
}

/** The number only, in the display unit: "12,345.68"; "—" when there is no figure (e.g. a ratio over 0). */
export function formatNumber(value: Dec | undefined, id: DisplayUnitId, decimals?: number): string {
  if (value === undefined) return NO_FIGURE;
  const u = DISPLAY_UNITS[id];
  return formatFixed(value.div(u.divisor), decimals ?? u.decimals);
}

/** The number with its unit: "12.35 亿元", "4.20 %", "1,234.00 yuan/km²". */
export function formatValue(
  value: Dec | undefined,
  id: DisplayUnitId,
  lang: Lang = 'zh',
  decimals?: number,
): string {
  const text = formatNumber(value, id, decimals);
  const label = unitLabel(id, lang);
  if (value === undefined || !label) return text;
  return id === 'percent' ? `${text}%` : `${text} ${label}`;
}

/** The finer unit a change falls back to when it rounds to nothing in its own (亿元 → 万元 → 元). */
const FINER_UNIT: Partial<Record<DisplayUnitId, DisplayUnitId>> = {
  yi_yuan: 'wan_yuan',
  wan_yuan: 'yuan',
  wan_yuan_per_km2: 'yuan_per_km2',
};
const MAX_CHANGE_DECIMALS = 6;

/**
 * A signed change: "+1.20 亿元", "−0.35 %" (a true minus sign), "0.00 亿元" only when it is zero. A change that
 * is not zero never reads as zero: it is shown in a finer unit (−0.0043 亿元 → "−43.00 万元") or, in the finest,
 * with more decimals (up to 6: "−0.002%").
 */
export function formatChange(value: Dec | undefined, id: DisplayUnitId, lang: Lang = 'zh'): string {
  if (value === undefined) return NO_FIGURE;
  const size = value.abs();
  const shownZero = (unitId: DisplayUnitId, decimals?: number) =>
    /^[0.,]+$/.test(formatNumber(size, unitId, decimals));
  let unitId = id;
  let decimals = DISPLAY_UNITS[id].decimals;
  if (!size.isZero()) {
    while (shownZero(unitId) && FINER_UNIT[unitId]) unitId = FINER_UNIT[unitId]!;
    decimals = DISPLAY_UNITS[unitId].decimals;
    while (shownZero(unitId, decimals) && decimals < MAX_CHANGE_DECIMALS) decimals++;
  }
  const text = formatValue(size, unitId, lang, decimals);
  if (shownZero(unitId, decimals)) return text;
  return (value.isNeg() ? '−' : '+') + text;
}

/** Units a statistician writes with 万 or 亿 in front when the figure is large (m³ → 万m³, kWh → 亿kWh, t → 万t). */
const SCALABLE = /^(m3|m³|m2|m²|kWh|t|tCO2|tCO₂|t C|人次|人|元|kg)$/;

/**
 * A physical quantity in the unit a statistician would write: 59,822,344 m³ → 5,982.23 万m³, 147,664,013,689.81
 * kWh → 1,476.64 亿kWh. 亿 from 10⁸, 万 from 10⁴; a rate (t/hm²) or an area (hm²) keeps its unit. The value is
 * exact (divided, not rounded).
 */
export function scaledQuantity(value: Dec, unitText: string): { value: Dec; unit: string } {
  const unit = unitText.trim();
  if (!SCALABLE.test(unit)) return { value, unit };
  const size = value.abs();
  if (size.gte(1e8)) return { value: value.div(1e8), unit: `亿${unit}` };
  if (size.gte(1e4)) return { value: value.div(1e4), unit: `万${unit}` };
  return { value, unit };
}

/**
 * A figure of a trace (an input, a parameter, a formula's result) for a reader: thousands separators and a
 * sensible number of digits (money in 元 to the fen; other figures to 2 decimals from 1,000 up, to 4 below,
 * and to 4 significant digits below 1). The exact value goes beside it (a title, the export). Text that is
 * not a number is returned as it is.
 */
export function traceNumber(text: string, unitText = ''): string {
  const t = text.trim();
  if (!/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(t)) return text;
  const v = new Dec(t);
  if (v.isZero()) return '0';
  const trim = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (/^(万|亿)?元(\/|$)/.test(unitText.trim()) && v.abs().gte(0.01)) return formatFixed(v, 2);
  if (v.abs().gte(1000)) return formatFixed(v, 2);
  if (v.abs().gte(1)) return trim(formatFixed(v, 4));
  return trim(formatFixed(v, Math.max(0, 3 - v.e)));
}

/**
 * Plausibility warnings as text: the figure and the bound in their display unit, the source with its
 * mark, and the reason, in Chinese or English. The CLI, the summary page and the trace read these.
 */
import { formatFixed, sum, type Dec } from '../domain/decimal.js';
import type { InputRecord, RegionAccount, TownshipAccount } from '../domain/accounting.js';
import { totalArea } from '../domain/inputs.js';
import type { CompiledSet } from '../domain/model.js';
import {
  checkPlausibility,
  type PlausibilityRules,
  type PlausibilityWarning,
  type ScopeKind,
} from '../domain/plausibility.js';
import type { Labels } from '../methods/schema.js';
import { formatValue, type Lang } from './format.js';
import { displayUnit } from '../domain/units.js';

/** A figure of a warning with its unit: "5,050.51 万元/km²", "52.70%", "600.00 t/hm²", "12.00 ×". */
export function warningFigure(w: PlausibilityWarning, value: Dec, lang: Lang): string {
  switch (w.unit) {
    case 'yuan_per_km2':
      return formatValue(value, 'wan_yuan_per_km2', lang);
    case 'fraction':
      return formatValue(value, 'percent', lang);
    case 'quantity_per_area':
      return `${formatFixed(value, 2)} ${displayUnit(w.unitText ?? '', lang)}`;
    case 'ratio':
      return `${formatFixed(value, 2)} ${lang === 'zh' ? '倍' : '×'}`;
  }
}

export const PLAUSIBILITY_TITLE: Labels = { zh: '合理性提示', en: 'Plausibility warnings' };

export const PLAUSIBILITY_NOTE: Labels = {
  zh: '提示而非错误：数值超出已发表核算的范围时列出，供复核；核算结果不受影响。',
  en: 'Warnings, not errors: figures outside the range of published accounts are listed for review; the account is unchanged.',
};

/** The envelope behind a GEP-per-km² bound: "峨山县 2015 803.35 — 宁海县 2018 6,831.42 万元/km², ÷/× 1.5". */
export function envelopeText(w: PlausibilityWarning, lang: Lang): string | undefined {
  const e = w.envelope;
  if (!e) return undefined;
  const row = (r: typeof e.min) =>
    `${r.account.labels[lang]} ${r.account.year} ${formatValue(r.perKm2, 'wan_yuan_per_km2', lang)}`;
  const factor = e.tolerance.factor.toString();
  return lang === 'zh'
    ? `包络：${row(e.min)}（${e.min.account.source}）至 ${row(e.max)}（${e.max.account.source}），下限 ÷ ${factor}、上限 × ${factor} [${e.tolerance.mark}]：${e.tolerance.reason.zh}`
    : `Envelope: ${row(e.min)} (${e.min.account.source}) to ${row(e.max)} (${e.max.account.source}), lower ÷ ${factor}, upper × ${factor} [${e.tolerance.mark}]: ${e.tolerance.reason.en}`;
}

/** One line: what, the figure, the bound it passes, the source with its mark, and why the bound. */
export function warningText(w: PlausibilityWarning, lang: Lang): string {
  const figure = warningFigure(w, w.figure, lang);
  const bound = warningFigure(w, w.bound, lang);
  // the mark belongs to the bound: [V] read in the source, [I] derived, [M] chosen here for the reason given
  const envelope = envelopeText(w, lang);
  if (lang === 'zh')
    return `${w.labels.zh} ${figure}，${w.side === 'above' ? '高于上限' : '低于下限'} ${bound} [${w.mark}]。${w.reason.zh} 依据：${w.source}${envelope ? `。${envelope}` : ''}`;
  return `${w.labels.en} ${figure}, ${w.side === 'above' ? 'above the upper bound' : 'below the lower bound'} ${bound} [${w.mark}]. ${w.reason.en} Source: ${w.source}${envelope ? `. ${envelope}` : ''}`;
}

/** Warnings as plain data for JSON and CSV: unrounded figures as strings, texts in both languages. */
export function warningJson(w: PlausibilityWarning) {
  return {
    id: w.id,
    check: w.check,
    labels: w.labels,
    figure: w.figure.toString(),
    unit: w.unit === 'quantity_per_area' ? w.unitText : w.unit,
    side: w.side,
    bound: w.bound.toString(),
    mark: w.mark,
    source: w.source,
    reason: w.reason,
    envelope: w.envelope && {
      min: { account: w.envelope.min.account.id, perKm2: w.envelope.min.perKm2.toString() },
      max: { account: w.envelope.max.account.id, perKm2: w.envelope.max.perKm2.toString() },
      factor: w.envelope.tolerance.factor.toString(),
    },
    text: { zh: warningText(w, 'zh'), en: warningText(w, 'en') },
  };
}

const areas = new WeakMap<InputRecord, Dec>();
/** A record's land area (hm²), added once per record (a record does not change). */
const areaOf = (r: InputRecord): Dec => {
  let a = areas.get(r);
  if (!a) areas.set(r, (a = totalArea(r)));
  return a;
};

/** Warnings of an account over the records it was made from (area = Σ land-use areas ÷ 100); none without rules. */
export function scopeWarnings(
  rules: PlausibilityRules | undefined,
  set: CompiledSet,
  account: RegionAccount | TownshipAccount,
  records: readonly InputRecord[],
  kind: ScopeKind,
): PlausibilityWarning[] {
  if (!rules) return [];
  const areaKm2 = sum(records.map(areaOf)).div(100);
  return checkPlausibility(account, { kind, areaKm2, records }, rules, set);
}

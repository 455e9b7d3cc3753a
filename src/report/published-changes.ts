/**
 * What would change in a published report if it were made from today's approved data, said in words and 万元:
 * "2021年 甘蔗街道 GEP：14,176.91 → 14,200.00 万元（+23.09 万元）". One line per figure that differs.
 */
import { parseDecimal, type Dec } from '../domain/decimal.js';
import type { BundleResults, FiguresJson } from '../io/bundle.js';
import type { CompiledSet } from '../domain/model.js';
import { formatChange, formatNumber } from './format.js';
import { CATEGORY_LABELS } from './gep-table.js';

type Lang = 'zh' | 'en';
type Label = { zh: string; en: string };

export interface FigureChange {
  year: number;
  /** 'county' or a township id. */
  scope: string;
  figure: Label;
  before?: Dec;
  after?: Dec;
}

const FIGURES: Record<'gep' | 'outOfRegionDeduction' | 'gepNet', Label> = {
  gep: { zh: 'GEP', en: 'GEP' },
  outOfRegionDeduction: { zh: '区域外输入扣除', en: 'out-of-region deduction' },
  gepNet: { zh: 'GEP净值', en: 'net GEP' },
};

/** Every figure of the two results that differs, as data (labels from the set and the categories). */
export function figureChanges(
  year: number,
  recorded: BundleResults,
  now: BundleResults,
  set: Pick<CompiledSet, 'products'>,
): FigureChange[] {
  const productLabel = (id: string): Label =>
    set.products.find((p) => p.id === id)?.labels ?? { zh: id, en: id };
  const out: FigureChange[] = [];
  const compare = (scope: string, a: FiguresJson | undefined, b: FiguresJson | undefined) => {
    const push = (figure: Label, x?: string, y?: string) => {
      if (x !== y)
        out.push({
          year,
          scope,
          figure,
          before: x === undefined ? undefined : parseDecimal(x),
          after: y === undefined ? undefined : parseDecimal(y),
        });
    };
    for (const k of ['gep', 'outOfRegionDeduction', 'gepNet'] as const) push(FIGURES[k], a?.[k], b?.[k]);
    for (const k of new Set([...Object.keys(a?.categories ?? {}), ...Object.keys(b?.categories ?? {})]))
      push(
        CATEGORY_LABELS[k as keyof typeof CATEGORY_LABELS] ?? { zh: k, en: k },
        a?.categories[k],
        b?.categories[k],
      );
    for (const k of new Set([...Object.keys(a?.products ?? {}), ...Object.keys(b?.products ?? {})]))
      push(productLabel(k), a?.products[k], b?.products[k]);
  };
  compare('county', recorded.county, now.county);
  for (const t of new Set([...Object.keys(recorded.townships), ...Object.keys(now.townships)]))
    compare(t, recorded.townships[t], now.townships[t]);
  return out;
}

/** One change as a reader says it, in 万元 with the difference. */
export function describeFigureChange(
  c: FigureChange,
  lang: Lang,
  scopeName: (scope: string) => string,
): string {
  const none = lang === 'en' ? '(none)' : '（无）';
  const w = (d?: Dec) => (d === undefined ? none : formatNumber(d, 'wan_yuan'));
  const diff = c.before && c.after ? formatChange(c.after.minus(c.before), 'wan_yuan', lang) : undefined;
  const unit = lang === 'en' ? '10⁴ yuan' : '万元';
  return lang === 'en'
    ? `${c.year} ${scopeName(c.scope)} ${c.figure.en}: ${w(c.before)} → ${w(c.after)} ${unit}${diff ? ` (${diff})` : ''}`
    : `${c.year}年 ${scopeName(c.scope)} ${c.figure.zh}：${w(c.before)} → ${w(c.after)} ${unit}${diff ? `（${diff}）` : ''}`;
}

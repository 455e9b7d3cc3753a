import type { CompiledSet } from '../domain/model.js';
import { priceRows, productPriceRows, type PriceRow } from './price-list.js';

type Lang = 'zh' | 'en';

export interface SetDifference {
  /** parameter id, "parameter.landClass", or "component:quantity" / "component:value" for formulas */
  readonly key: string;
  readonly label: string;
  readonly what: 'value' | 'unit' | 'source' | 'verified' | 'priceYear' | 'formula' | 'added' | 'removed';
  readonly before: string;
  readonly after: string;
}

const rowKey = (r: PriceRow) => (r.landClass ? `${r.parameter}.${r.landClass}` : r.parameter);

/** What changes from one set version to another: parameter values and metadata, products and formulas. */
export function diffSets(a: CompiledSet, b: CompiledSet, lang: Lang = 'zh'): SetDifference[] {
  const out: SetDifference[] = [];
  const before = new Map(priceRows(a, lang).map((r) => [rowKey(r), r]));
  const after = new Map(priceRows(b, lang).map((r) => [rowKey(r), r]));
  for (const [key, r] of after) {
    const o = before.get(key);
    const label = r.landClassName ? `${r.parameterName} · ${r.landClassName}` : r.parameterName;
    if (!o) {
      out.push({ key, label, what: 'added', before: '', after: `${r.value} ${r.unit}` });
      continue;
    }
    if (o.rawValue !== r.rawValue) out.push({ key, label, what: 'value', before: o.value, after: r.value });
    if (o.unit !== r.unit) out.push({ key, label, what: 'unit', before: o.unit, after: r.unit });
    if (o.source !== r.source) out.push({ key, label, what: 'source', before: o.source, after: r.source });
    if (o.verified !== r.verified)
      out.push({ key, label, what: 'verified', before: o.verifiedText, after: r.verifiedText });
    if (o.priceYear !== r.priceYear)
      out.push({ key, label, what: 'priceYear', before: o.priceYear, after: r.priceYear });
  }
  for (const [key, o] of before)
    if (!after.has(key))
      out.push({ key, label: o.parameterName, what: 'removed', before: `${o.value} ${o.unit}`, after: '' });

  const formulas = (s: CompiledSet) =>
    new Map(
      productPriceRows(s, lang).flatMap((p) =>
        p.components.flatMap(
          (c) =>
            [
              [
                `${c.component}:quantity`,
                { label: `${p.productName} · ${c.componentName}`, text: `${c.quantity} [${c.quantityUnit}]` },
              ],
              [
                `${c.component}:value`,
                { label: `${p.productName} · ${c.componentName}`, text: `${c.value} [${c.valueUnit}]` },
              ],
            ] as const,
        ),
      ),
    );
  const fa = formulas(a);
  const fb = formulas(b);
  for (const [key, f] of fb) {
    const o = fa.get(key);
    if (!o) out.push({ key, label: f.label, what: 'added', before: '', after: f.text });
    else if (o.text !== f.text)
      out.push({ key, label: f.label, what: 'formula', before: o.text, after: f.text });
  }
  for (const [key, o] of fa)
    if (!fb.has(key)) out.push({ key, label: o.label, what: 'removed', before: o.text, after: '' });
  return out;
}

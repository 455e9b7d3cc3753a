/**
 * Report model of a county account: rows of unrounded Dec values, no formatting, no IO.
 * Formatting (rounding, widths, files) lives in src/cli and src/io.
 */
import { Dec, ZERO } from '../domain/decimal.js';
import type { RegionAccount, TownshipAccount } from '../domain/accounting.js';
import type { CompiledSet } from '../domain/model.js';
import type { Category } from '../methods/schema.js';

export const CATEGORY_LABELS: Record<Category, { zh: string; en: string }> = {
  provisioning: { zh: '物质产品', en: 'Provisioning' },
  regulating: { zh: '调节服务', en: 'Regulating' },
  cultural: { zh: '文化服务', en: 'Cultural' },
};

export const YUAN_PER_YI = new Dec('100000000');

export interface GepRow {
  readonly id: string;
  readonly name: string;
  readonly isTotal: boolean;
  readonly provisioning: Dec;
  readonly regulating: Dec;
  readonly cultural: Dec;
  readonly gep: Dec;
  readonly outOfRegionDeduction: Dec;
  readonly gepNet: Dec;
}

export interface ProductRow {
  readonly id: string;
  readonly name: string;
  readonly category: Category;
  readonly categoryName: string;
  readonly value: Dec;
  /** Share of the county GEP, as a fraction (0..1). */
  readonly share: Dec;
}

const row = (id: string, name: string, isTotal: boolean, a: TownshipAccount | RegionAccount): GepRow => ({
  id,
  name,
  isTotal,
  provisioning: a.categoryValues.provisioning,
  regulating: a.categoryValues.regulating,
  cultural: a.categoryValues.cultural,
  gep: a.gep,
  outOfRegionDeduction: a.outOfRegionDeduction,
  gepNet: a.gepNet,
});

/** Township rows (in account order) and the county total (合计), all in 元. */
export function gepRows(
  region: RegionAccount,
  nameOf: (township: string) => string,
  lang: 'zh' | 'en' = 'zh',
): GepRow[] {
  return [
    ...region.townships.map((t) => row(t.township, nameOf(t.township), false, t)),
    row('total', lang === 'zh' ? '合计' : 'Total', true, region),
  ];
}

/** County value per product, in catalogue order, with its share of GEP. */
export function productRows(set: CompiledSet, region: RegionAccount, lang: 'zh' | 'en' = 'zh'): ProductRow[] {
  return set.products
    .filter((p) => region.productValues.has(p.id))
    .map((p) => {
      const value = region.productValues.get(p.id) ?? ZERO;
      return {
        id: p.id,
        name: p.labels[lang],
        category: p.category,
        categoryName: CATEGORY_LABELS[p.category][lang],
        value,
        share: region.gep.isZero() ? ZERO : value.div(region.gep),
      };
    });
}

/** One row per township × product (元): the long format for CSV. */
export function townshipProductRows(set: CompiledSet, region: RegionAccount) {
  const out: { township: string; product: string; productZh: string; category: Category; value: Dec }[] = [];
  for (const t of region.townships)
    for (const p of set.products)
      if (t.productValues.has(p.id))
        out.push({
          township: t.township,
          product: p.id,
          productZh: p.labels.zh,
          category: p.category,
          value: t.productValues.get(p.id)!,
        });
  return out;
}

/**
 * The published eco-product list (生态产品目录清单) in its official layout: title, 单位 line, rows numbered
 * (序号) by category and township, value subtotals per category and the 合计. Pure: it reads a snapshot (the
 * live register or a frozen, published one) and returns rows of text and exact values; only display rounds.
 */
import { Dec, ZERO, sum } from '../domain/decimal.js';
import {
  GRADE_LABELS,
  OWNERSHIP_LABELS,
  SOURCE_LABELS,
  type QualityGrade,
  type Ownership,
  type QuantitySource,
  type StoredEntry,
} from '../domain/register.js';
import { displayUnit } from '../domain/units.js';
import { CATEGORIES, type Category } from '../methods/schema.js';
import { CATEGORY_LABELS } from './gep-table.js';
import { formatNumber, type Lang } from './format.js';

export const REGISTER_FORMAT = 'gep-ledger/register@1';

type Named = { id: string; zh: string; en: string };

/** Everything the list shows, as text and decimal strings: what a published list freezes. */
export interface RegisterSnapshot {
  format: typeof REGISTER_FORMAT;
  year: number;
  set: { id: string; version: string; hash: string };
  profile: string;
  /** The year whose prices the values are at (the accounting year's). */
  priceYear: number;
  region: { zh: string; en: string };
  townships: Named[];
  products: Array<Named & { category: Category }>;
  components: Named[];
  entries: Array<{
    id: number;
    stored: StoredEntry;
    figure: { quantity?: string; unit?: string; value?: string; missing?: { zh: string; en: string } };
  }>;
}

export interface ListRow {
  readonly no: number;
  readonly id: number;
  readonly name: string;
  readonly product: string;
  readonly township: string;
  readonly location: string;
  readonly quantity: string;
  readonly unit: string;
  /** 元, unrounded; undefined when the entry has no value (the reason is in `note`). */
  readonly value?: Dec;
  readonly valueText: string;
  readonly owner: string;
  readonly rightHolder: string;
  readonly supplier: string;
  readonly grade: string;
  readonly tradable: string;
  readonly source: string;
  readonly note: string;
}

export interface ListGroup {
  readonly category: Category;
  readonly name: string;
  readonly rows: readonly ListRow[];
  readonly subtotal: Dec;
  readonly subtotalText: string;
}

export interface RegisterList {
  readonly title: string;
  readonly unitLine: string;
  readonly headers: readonly string[];
  readonly groups: readonly ListGroup[];
  readonly total: Dec;
  readonly totalText: string;
  readonly notes: readonly string[];
}

const HEADERS: Record<Lang, string[]> = {
  zh: [
    '序号',
    '产品名称',
    '生态产品',
    '乡镇',
    '位置',
    '数量',
    '计量单位',
    '价值（万元）',
    '所有权人',
    '使用权人',
    '供给主体',
    '质量等级',
    '可否交易',
    '数量来源',
  ],
  en: [
    'No.',
    'Name',
    'Eco-product',
    'Township',
    'Location',
    'Quantity',
    'Unit',
    'Value (10⁴ yuan)',
    'Owner',
    'Right holder',
    'Supplier',
    'Quality grade',
    'Tradable',
    'Quantity from',
  ],
};

const wan = (v: Dec) => formatNumber(v, 'wan_yuan');

/** The list by category (catalogue order) and township (registered order), rows numbered from 1. */
export function registerListModel(s: RegisterSnapshot, lang: Lang = 'zh'): RegisterList {
  const name = (list: Named[], id: string) => {
    const x = list.find((n) => n.id === id);
    return x ? x[lang] : id;
  };
  const townOrder = new Map(s.townships.map((t, i) => [t.id, i]));
  const productOrder = new Map(s.products.map((p, i) => [p.id, i]));
  const categoryOf = new Map(s.products.map((p) => [p.id, p.category]));
  let no = 0;
  const groups: ListGroup[] = [];
  for (const category of CATEGORIES) {
    const entries = s.entries
      .filter((e) => categoryOf.get(e.stored.product) === category)
      .sort(
        (a, b) =>
          (townOrder.get(a.stored.township) ?? 0) - (townOrder.get(b.stored.township) ?? 0) ||
          (productOrder.get(a.stored.product) ?? 0) - (productOrder.get(b.stored.product) ?? 0) ||
          a.id - b.id,
      );
    if (!entries.length) continue;
    const rows = entries.map((e): ListRow => {
      const st = e.stored;
      const value = e.figure.value !== undefined ? new Dec(e.figure.value) : undefined;
      const where = [st.village, st.parcel && `${lang === 'zh' ? '地块' : 'parcel'} ${st.parcel}`]
        .filter(Boolean)
        .join(' ');
      const coords = st.longitude ? `${st.longitude}°E, ${st.latitude}°N` : '';
      const product = name(s.products, st.product);
      return {
        no: ++no,
        id: e.id,
        name: st.name,
        product: st.component ? `${product}·${name(s.components, st.component)}` : product,
        township: name(s.townships, st.township),
        location: [where, coords].filter(Boolean).join('；'),
        quantity: e.figure.quantity !== undefined ? formatQuantity(new Dec(e.figure.quantity)) : '—',
        unit: e.figure.unit ? displayUnit(e.figure.unit, lang) : '',
        value,
        valueText: value ? wan(value) : '—',
        owner: `${st.owner}（${OWNERSHIP_LABELS[st.ownership as Ownership]?.[lang] ?? st.ownership}）`,
        rightHolder: `${st.rightHolder}（${st.rightType}）`,
        supplier: st.supplier,
        grade: GRADE_LABELS[st.grade as QualityGrade]?.[lang] ?? st.grade,
        tradable:
          (st.tradable === 'yes' ? (lang === 'zh' ? '是' : 'yes') : lang === 'zh' ? '否' : 'no') +
          (st.tradableReason ? `（${st.tradableReason}）` : ''),
        source: SOURCE_LABELS[st.source as QuantitySource]?.[lang] ?? st.source,
        note: e.figure.missing?.[lang] ?? '',
      };
    });
    const subtotal = sum(rows.map((r) => r.value ?? ZERO));
    groups.push({
      category,
      name: CATEGORY_LABELS[category][lang],
      rows,
      subtotal,
      subtotalText: wan(subtotal),
    });
  }
  const total = sum(groups.map((g) => g.subtotal));
  const region = s.region[lang];
  return {
    title:
      lang === 'zh'
        ? `${region}生态产品目录清单（${s.year}年）`
        : `${region}: list of eco-products (${s.year})`,
    unitLine:
      lang === 'zh'
        ? `单位：价值为万元（${s.priceYear}年价格），数量见各行计量单位`
        : `Unit: values in 10⁴ yuan (${s.priceYear} prices); quantities in each row's unit`,
    headers: HEADERS[lang],
    groups,
    total,
    totalText: wan(total),
    notes: [
      lang === 'zh'
        ? `核算参数集 ${s.set.id}@${s.set.version}，核算口径 ${s.profile}；合计由未经舍入的数值相加。`
        : `Coefficient set ${s.set.id}@${s.set.version}, profile ${s.profile}; totals add the unrounded values.`,
    ],
  };
}

/** A quantity for people: thousands grouped, at most 2 decimals (the rule of formatFixed). */
export function formatQuantity(q: Dec): string {
  return formatNumber(q, 'yuan', q.abs().lt(100) ? 2 : 0);
}

/**
 * The eco-product register (生态产品目录清单) and the ledger of value realisation (价值实现台账). Pure: raw
 * rows in, validated entries and figures out; every problem at once, each naming its row, field and reason
 * in zh and en. Quantities and values of entries linked to the accounts come from the township's account
 * (never typed twice); realised value ÷ GEP is the realisation rate (生态产品价值实现率, Lishui).
 */
import { z } from 'zod';
import { Dec, ZERO, readDecimal, sum } from './decimal.js';
import type { TownshipAccount } from './accounting.js';
import type { Bilingual, InputIssue, TownshipInfo } from './inputs.js';
import type { CompiledSet, ComponentModel, ProductModel } from './model.js';
import { convertValue, parseUnit, sameDimension } from './units.js';
import type { Category } from '../methods/schema.js';

export const QUALITY_GRADES = ['excellent', 'good', 'fair', 'poor'] as const;
export type QualityGrade = (typeof QUALITY_GRADES)[number];
export const GRADE_LABELS: Record<QualityGrade, Bilingual> = {
  excellent: { zh: '优', en: 'excellent' },
  good: { zh: '良', en: 'good' },
  fair: { zh: '中', en: 'fair' },
  poor: { zh: '差', en: 'poor' },
};

export const OWNERSHIPS = ['state', 'collective'] as const;
export type Ownership = (typeof OWNERSHIPS)[number];
export const OWNERSHIP_LABELS: Record<Ownership, Bilingual> = {
  state: { zh: '国有', en: 'state-owned' },
  collective: { zh: '集体所有', en: 'collective' },
};

export const QUANTITY_SOURCES = ['accounts', 'entered'] as const;
export type QuantitySource = (typeof QUANTITY_SOURCES)[number];
export const SOURCE_LABELS: Record<QuantitySource, Bilingual> = {
  accounts: { zh: '取自核算结果', en: 'from the accounts' },
  entered: { zh: '填报', en: 'entered' },
};

/** Kinds of realised value: government procurement, market trade, eco-bank package, rights and compensation. */
export const REALISATION_KINDS = [
  'procurement',
  'trade',
  'eco_bank',
  'carbon',
  'emission_right',
  'compensation',
] as const;
export type RealisationKind = (typeof REALISATION_KINDS)[number];
export const KIND_LABELS: Record<RealisationKind, Bilingual> = {
  procurement: { zh: '政府采购', en: 'government procurement' },
  trade: { zh: '市场交易', en: 'market trade' },
  eco_bank: { zh: '生态银行资产包', en: 'eco-bank asset package' },
  carbon: { zh: '碳汇交易', en: 'carbon transaction' },
  emission_right: { zh: '排污权交易', en: 'emission-right transaction' },
  compensation: { zh: '生态补偿', en: 'ecological compensation' },
};
/** Kinds that sell a quantity at a unit price: amount = quantity × unit price. */
const PRICED_KINDS: readonly RealisationKind[] = ['procurement', 'trade', 'carbon', 'emission_right'];

/** Field names people read in messages. */
export const ENTRY_FIELDS = {
  name: { zh: '产品名称', en: 'name' },
  township: { zh: '乡镇', en: 'township' },
  village: { zh: '村', en: 'village' },
  parcel: { zh: '地块编号', en: 'parcel id' },
  longitude: { zh: '经度', en: 'longitude' },
  latitude: { zh: '纬度', en: 'latitude' },
  product: { zh: '生态产品', en: 'eco-product' },
  component: { zh: '产品细项', en: 'component' },
  source: { zh: '数量来源', en: 'quantity source' },
  share: { zh: '占乡镇核算量比例', en: "share of the township's accounted quantity" },
  quantity: { zh: '数量', en: 'quantity' },
  unit: { zh: '单位', en: 'unit' },
  value: { zh: '价值（元）', en: 'value (yuan)' },
  owner: { zh: '所有权人', en: 'owner' },
  ownership: { zh: '所有权性质', en: 'ownership' },
  rightHolder: { zh: '使用权人', en: 'right holder' },
  rightType: { zh: '使用权类型', en: 'kind of right' },
  supplier: { zh: '供给主体', en: 'supplier' },
  grade: { zh: '质量等级', en: 'quality grade' },
  tradable: { zh: '可否交易', en: 'tradable' },
  tradableReason: { zh: '可否交易理由', en: 'why (not) tradable' },
} as const satisfies Record<string, Bilingual>;
export type EntryField = keyof typeof ENTRY_FIELDS;

export const REALISATION_FIELDS = {
  kind: { zh: '实现方式', en: 'kind' },
  date: { zh: '日期', en: 'date' },
  contractNo: { zh: '合同编号', en: 'contract number' },
  buyer: { zh: '购买方', en: 'buyer' },
  seller: { zh: '出让方', en: 'seller' },
  product: { zh: '生态产品', en: 'eco-product' },
  entries: { zh: '关联目录条目', en: 'register entries' },
  quantity: { zh: '数量', en: 'quantity' },
  unit: { zh: '单位', en: 'unit' },
  unitPrice: { zh: '单价（元/单位）', en: 'unit price (yuan per unit)' },
  amount: { zh: '金额（元）', en: 'amount (yuan)' },
  packageArea: { zh: '资产包面积（hm²）', en: 'package area (hm²)' },
  operator: { zh: '运营商', en: 'operator' },
  terms: { zh: '合作条款', en: 'terms' },
  rights: { zh: '收储权益', en: 'rights collected' },
} as const satisfies Record<string, Bilingual>;

/** A register entry as it arrives from a form, an import row or the API: text before validation. */
export type RawEntry = Partial<Record<EntryField, unknown>> & { origin?: { sheet?: string; row?: number } };

export interface RegisterEntry {
  readonly name: string;
  readonly township: string;
  readonly village?: string;
  readonly parcel?: string;
  readonly longitude?: Dec;
  readonly latitude?: Dec;
  readonly product: string;
  readonly component?: string;
  readonly source: QuantitySource;
  /** Fraction (0–1] of the township's accounted quantity and value this entry covers (source "accounts"). */
  readonly share: Dec;
  /** Source "entered": the quantity in `unit`, and its value (元) when known. */
  readonly quantity?: Dec;
  readonly unit?: string;
  readonly value?: Dec;
  readonly owner: string;
  readonly ownership: Ownership;
  readonly rightHolder: string;
  readonly rightType: string;
  readonly supplier: string;
  readonly grade: QualityGrade;
  readonly tradable: boolean;
  readonly tradableReason: string;
}

/** The text form a validated entry is stored in (decimals as strings): also what the form shows again. */
export type StoredEntry = Record<EntryField, string>;

const text = (max: number) => z.string().trim().max(max);
// the shape only; meaning (township, product, numbers, cross-field rules) is checked below with named messages
const entryShape = z.object({
  name: text(200),
  township: text(100),
  village: text(100),
  parcel: text(100),
  longitude: text(40),
  latitude: text(40),
  product: text(100),
  component: text(100),
  source: text(20),
  share: text(40),
  quantity: text(100),
  unit: text(60),
  value: text(100),
  owner: text(200),
  ownership: text(20),
  rightHolder: text(200),
  rightType: text(100),
  supplier: text(200),
  grade: text(20),
  tradable: text(10),
  tradableReason: text(500),
});

const asText = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);

/** Labels people write for a choice (id, zh, en, and a few common spellings) → the choice. */
function choice<T extends string>(labels: Record<T, Bilingual>, extra: Record<string, T> = {}) {
  const m = new Map<string, T>();
  for (const [id, l] of Object.entries(labels) as [T, Bilingual][]) {
    m.set(id.toLowerCase(), id);
    m.set(l.zh, id);
    m.set(l.en.toLowerCase(), id);
  }
  for (const [k, v] of Object.entries(extra)) m.set(k, v);
  return (s: string) => m.get(s.trim().toLowerCase()) ?? m.get(s.trim());
}
const readGrade = choice(GRADE_LABELS, { 优秀: 'excellent', 良好: 'good', 一般: 'fair', 较差: 'poor' });
const readOwnership = choice(OWNERSHIP_LABELS, { 国家所有: 'state', 集体: 'collective' });
const readSource = choice(SOURCE_LABELS, { 核算: 'accounts', 核算结果: 'accounts', 录入: 'entered' });
const YES = new Set(['yes', 'y', 'true', '1', '是', '可', '可交易', 'on']);
const NO = new Set(['no', 'n', 'false', '0', '否', '不可', '不可交易']);

export interface RegisterContext {
  readonly set: CompiledSet;
  readonly townships: readonly TownshipInfo[];
}

/** A product or component written by its id or its Chinese or English name. */
function finder<T extends { id: string; labels: Bilingual }>(items: readonly T[]) {
  const m = new Map<string, T>();
  for (const i of items) {
    m.set(i.id, i);
    m.set(i.labels.zh, i);
    m.set(i.labels.en.toLowerCase(), i);
  }
  return (s: string) => m.get(s) ?? m.get(s.toLowerCase());
}

/** Reads a share: a fraction (0.25) or a percent ("25 %"); blank is the whole township (1). */
function readShare(s: string): Dec | undefined {
  if (!s) return new Dec(1);
  const percent = s.endsWith('%');
  const r = readDecimal(percent ? s.slice(0, -1).trim() : s);
  if (!r.ok) return undefined;
  return percent ? r.value.div(100) : r.value;
}

/**
 * Validates register entries against the set's products and the registered townships: every problem of every
 * row at once. Rows are numbered by their origin (an import row) or from 1.
 */
export function validateEntries(
  ctx: RegisterContext,
  raw: readonly RawEntry[],
): { entries: RegisterEntry[]; stored: StoredEntry[]; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const entries: RegisterEntry[] = [];
  const stored: StoredEntry[] = [];
  const product = finder(ctx.set.products);
  const component = finder(ctx.set.components);
  const townshipOf = new Map<string, string>();
  for (const t of ctx.townships) {
    townshipOf.set(t.id, t.id);
    for (const n of t.names ?? []) townshipOf.set(n.trim(), t.id);
  }
  raw.forEach((given, index) => {
    const row = given.origin?.row ?? index + 1;
    const sheet = given.origin?.sheet;
    let bad = false;
    const add = (field: EntryField, zh: string, en: string) => {
      bad = true;
      const f = ENTRY_FIELDS[field];
      issues.push({ sheet, row, field, message: { zh: `${f.zh}：${zh}`, en: `${f.en}: ${en}` } });
    };
    const shape = entryShape.safeParse(
      Object.fromEntries(Object.keys(ENTRY_FIELDS).map((k) => [k, asText(given[k as EntryField])])),
    );
    if (!shape.success) {
      for (const i of shape.error.issues) add(i.path[0] as EntryField, '过长', 'too long');
      return;
    }
    const s = shape.data;
    const required = (field: EntryField) => {
      if (!s[field]) add(field, '必填', 'required');
      return s[field];
    };
    const name = required('name');
    const townshipText = required('township');
    const township = townshipText ? townshipOf.get(townshipText) : undefined;
    if (townshipText && !township)
      add('township', `未知乡镇"${townshipText}"`, `unknown township "${townshipText}"`);
    const decimal = (field: EntryField, lo?: Dec, hi?: Dec): Dec | undefined => {
      if (!s[field]) return undefined;
      const r = readDecimal(s[field]);
      if (!r.ok) return void add(field, r.message.zh, r.message.en);
      if ((lo && r.value.lt(lo)) || (hi && r.value.gt(hi)))
        return void add(
          field,
          `须在 ${lo?.toString() ?? '−∞'} 至 ${hi?.toString() ?? '∞'} 之间`,
          `must be between ${lo?.toString() ?? '−∞'} and ${hi?.toString() ?? '∞'}`,
        );
      return r.value;
    };
    const longitude = decimal('longitude', new Dec(-180), new Dec(180));
    const latitude = decimal('latitude', new Dec(-90), new Dec(90));
    if (!!s.longitude !== !!s.latitude)
      add(s.longitude ? 'latitude' : 'longitude', '经纬度须同时填写', 'give both longitude and latitude');

    const productText = required('product');
    const p = productText ? product(productText) : undefined;
    if (productText && !p)
      add('product', `核算参数集中没有产品"${productText}"`, `the set has no product "${productText}"`);
    let c: ComponentModel | undefined;
    if (s.component) {
      c = component(s.component);
      if (!c) add('component', `没有产品细项"${s.component}"`, `no component "${s.component}"`);
      else if (p && c.product.id !== p.id)
        add(
          'component',
          `"${c.labels.zh}"不属于"${p.labels.zh}"`,
          `"${c.labels.en}" is not part of "${p.labels.en}"`,
        );
    }
    const source = readSource(s.source || 'accounts');
    if (!source)
      add('source', `"${s.source}"应为"取自核算结果"或"填报"`, `"${s.source}" should be accounts or entered`);
    const share = readShare(s.share);
    if (!share) add('share', `"${s.share}"不是比例`, `"${s.share}" is not a share`);
    else if (share.lte(0) || share.gt(1))
      add('share', '须大于 0 且不超过 100%', 'must be above 0 and at most 100 %');
    const quantity = decimal('quantity', ZERO);
    const value = decimal('value', ZERO);
    if (source === 'entered') {
      if (!s.quantity) add('quantity', '填报数量时必填', 'required when the quantity is entered');
      if (!s.unit) add('unit', '填报数量时必填', 'required when the quantity is entered');
      if (s.share && share && !share.eq(1))
        add('share', '只用于取自核算结果的数量', 'applies only to quantities from the accounts');
    }
    if (source === 'accounts') {
      if (s.quantity || s.value)
        add(
          s.quantity ? 'quantity' : 'value',
          '取自核算结果的条目不填数量和价值（由核算得出）',
          'an entry from the accounts takes its quantity and value from them: leave blank',
        );
      if (p && !c && p.componentIds.length > 1)
        add(
          'component',
          `"${p.labels.zh}"有多个细项（${p.componentIds.join('、')}），须选一个`,
          `"${p.labels.en}" has several components (${p.componentIds.join(', ')}): choose one`,
        );
    }
    if (s.unit) {
      try {
        const u = parseUnit(s.unit);
        const target = c ?? (p && p.componentIds.length === 1 ? componentOf(ctx.set, p) : undefined);
        if (target && !sameDimension(u, target.quantity.checked.unit))
          add(
            'unit',
            `"${s.unit}"不能换算为"${target.quantity.unitText}"`,
            `"${s.unit}" does not convert to "${target.quantity.unitText}"`,
          );
      } catch {
        add('unit', `无法识别单位"${s.unit}"`, `cannot read unit "${s.unit}"`);
      }
    }
    const owner = required('owner');
    const ownership = readOwnership(s.ownership);
    if (!ownership)
      add(
        'ownership',
        `"${s.ownership}"应为"国有"或"集体所有"`,
        `"${s.ownership}" should be state or collective`,
      );
    const rightHolder = required('rightHolder');
    const rightType = required('rightType');
    const supplier = required('supplier');
    const grade = readGrade(s.grade);
    if (!grade)
      add('grade', `"${s.grade}"应为优、良、中或差`, `"${s.grade}" should be excellent, good, fair or poor`);
    const t = s.tradable.toLowerCase();
    const tradable = YES.has(t) ? true : NO.has(t) ? false : undefined;
    if (tradable === undefined)
      add('tradable', `"${s.tradable}"应为"是"或"否"`, `"${s.tradable}" should be yes or no`);
    if (tradable === false && !s.tradableReason)
      add('tradableReason', '不可交易时须说明理由', 'say why it cannot be traded');
    if (bad) return;
    entries.push({
      name,
      township: township!,
      ...(s.village && { village: s.village }),
      ...(s.parcel && { parcel: s.parcel }),
      ...(longitude && { longitude, latitude }),
      product: p!.id,
      ...(c && { component: c.id }),
      source: source!,
      share: share!,
      ...(quantity && { quantity }),
      ...(s.unit && { unit: s.unit }),
      ...(value && { value }),
      owner,
      ownership: ownership!,
      rightHolder,
      rightType,
      supplier,
      grade: grade!,
      tradable: tradable!,
      tradableReason: s.tradableReason,
    });
    stored.push(storeEntry(entries[entries.length - 1]!));
  });
  return { entries, stored, issues };
}

const componentOf = (set: CompiledSet, p: ProductModel) =>
  set.components.find((x) => x.id === p.componentIds[0]);

/** The stored text of a validated entry (ids, decimals as exact strings). */
export function storeEntry(e: RegisterEntry): StoredEntry {
  return {
    name: e.name,
    township: e.township,
    village: e.village ?? '',
    parcel: e.parcel ?? '',
    longitude: e.longitude?.toString() ?? '',
    latitude: e.latitude?.toString() ?? '',
    product: e.product,
    component: e.component ?? '',
    source: e.source,
    share: e.share.toString(),
    quantity: e.quantity?.toString() ?? '',
    unit: e.unit ?? '',
    value: e.value?.toString() ?? '',
    owner: e.owner,
    ownership: e.ownership,
    rightHolder: e.rightHolder,
    rightType: e.rightType,
    supplier: e.supplier,
    grade: e.grade,
    tradable: e.tradable ? 'yes' : 'no',
    tradableReason: e.tradableReason,
  };
}

/** An entry's figures for one year: its quantity in the component's unit and its value (元). */
export interface EntryFigure {
  readonly quantity?: Dec;
  /** The unit of the quantity: the component's (converted) or, without a component, the unit entered. */
  readonly unit?: string;
  readonly value?: Dec;
  /** Why a figure is missing, when it is. */
  readonly missing?: Bilingual;
}

/**
 * Quantity and value of an entry in a year. From the accounts: the township's component (or single-component
 * product) quantity and value × the entry's share; a product of several components gives its value only.
 * Entered: the quantity converted to the component's unit, the value as entered.
 */
export function entryFigure(
  set: CompiledSet,
  entry: RegisterEntry,
  account: TownshipAccount | undefined,
): EntryFigure {
  const p = set.products.find((x) => x.id === entry.product);
  const cId = entry.component ?? (p && p.componentIds.length === 1 ? p.componentIds[0] : undefined);
  const c = cId ? set.components.find((x) => x.id === cId) : undefined;
  if (entry.source === 'entered') {
    if (c && entry.quantity && entry.unit) {
      const quantity = convertValue(entry.quantity, parseUnit(entry.unit), c.quantity.checked.unit);
      return { quantity, unit: c.quantity.unitText, value: entry.value };
    }
    return { quantity: entry.quantity, unit: entry.unit, value: entry.value };
  }
  if (!account)
    return {
      missing: {
        zh: '该乡镇本年没有已审核的核算数据',
        en: 'the township has no approved accounts for the year',
      },
    };
  if (c) {
    const r = account.components.find((x) => x.component.id === c.id);
    if (!r || r.quantity === undefined)
      return {
        missing: { zh: '核算结果中没有该细项', en: 'the accounts have no figure for this component' },
      };
    return {
      quantity: r.quantity.times(entry.share),
      unit: c.quantity.unitText,
      value: r.value?.times(entry.share),
    };
  }
  const v = account.productValues.get(entry.product);
  if (v === undefined)
    return { missing: { zh: '核算结果中没有该产品', en: 'the accounts have no figure for this product' } };
  return { value: v.times(entry.share) };
}

// ───────────────────────────── realisation ledger ─────────────────────────────

export interface RawRight {
  holder?: unknown;
  rightType?: unknown;
  areaHm2?: unknown;
  entry?: unknown;
}

export type RawRealisation = Partial<Record<keyof typeof REALISATION_FIELDS, unknown>> & {
  rights?: readonly RawRight[];
  origin?: { sheet?: string; row?: number };
};

export interface PackageRight {
  readonly holder: string;
  readonly rightType: string;
  readonly areaHm2: Dec;
  readonly entry?: string;
}

export interface Realisation {
  readonly kind: RealisationKind;
  /** ISO date, YYYY-MM-DD; its year is the year the value is realised in. */
  readonly date: string;
  readonly year: number;
  readonly contractNo: string;
  readonly buyer: string;
  readonly seller: string;
  readonly product: string;
  /** Register entry ids (as text) the transaction draws on: at least one. */
  readonly entries: readonly string[];
  readonly quantity?: Dec;
  readonly unit?: string;
  readonly unitPrice?: Dec;
  /** 元: quantity × unit price for priced kinds, else as entered. */
  readonly amount: Dec;
  /** Eco-bank asset package: the rights collected, which add up to its area. */
  readonly package?: {
    readonly areaHm2: Dec;
    readonly operator: string;
    readonly terms: string;
    readonly rights: readonly PackageRight[];
  };
}

export interface LedgerContext {
  readonly set: CompiledSet;
  /** Register entries by id: their product and township (approved or not; the store says which may be used). */
  readonly entries: ReadonlyMap<string, { product: string; township: string; name: string }>;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const validDate = (s: string) => {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
};

/** Validates realisation records: every problem at once, amounts exact (quantity × unit price). */
export function validateRealisations(
  ctx: LedgerContext,
  raw: readonly RawRealisation[],
): { realisations: Realisation[]; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const realisations: Realisation[] = [];
  const product = finder(ctx.set.products);
  raw.forEach((given, index) => {
    const row = given.origin?.row ?? index + 1;
    const sheet = given.origin?.sheet;
    let bad = false;
    const add = (field: keyof typeof REALISATION_FIELDS | string, zh: string, en: string) => {
      bad = true;
      const f = REALISATION_FIELDS[field as keyof typeof REALISATION_FIELDS] ?? { zh: field, en: field };
      issues.push({ sheet, row, field, message: { zh: `${f.zh}：${zh}`, en: `${f.en}: ${en}` } });
    };
    const s = (k: keyof typeof REALISATION_FIELDS) => asText(given[k]).trim();
    const required = (k: keyof typeof REALISATION_FIELDS) => {
      const v = s(k);
      if (!v) add(k, '必填', 'required');
      else if (v.length > 500) add(k, '过长', 'too long');
      return v;
    };
    const decimal = (k: string, v: string, positive = false): Dec | undefined => {
      if (!v) return undefined;
      const r = readDecimal(v);
      if (!r.ok) return void add(k, r.message.zh, r.message.en);
      if (r.value.isNeg() || (positive && r.value.isZero()))
        return void add(
          k,
          positive ? '须大于 0' : '不能为负',
          positive ? 'must be above 0' : 'must not be negative',
        );
      return r.value;
    };
    const kindText = required('kind');
    const kind = kindText ? choice(KIND_LABELS)(kindText) : undefined;
    if (kindText && !kind)
      add('kind', `"${kindText}"不是实现方式`, `"${kindText}" is not a kind of realisation`);
    const date = required('date');
    if (date && !validDate(date))
      add('date', `"${date}"不是日期（格式 2021-06-30）`, `"${date}" is not a date (2021-06-30)`);
    const contractNo = required('contractNo');
    const buyer = required('buyer');
    const seller = required('seller');
    const productText = required('product');
    const p = productText ? product(productText) : undefined;
    if (productText && !p)
      add('product', `核算参数集中没有产品"${productText}"`, `the set has no product "${productText}"`);
    const entryIds = (
      Array.isArray(given.entries) ? given.entries : asText(given.entries).split(/[,，、;\s]+/)
    )
      .map((x) => String(x).trim())
      .filter(Boolean);
    if (!entryIds.length) add('entries', '至少关联一个目录条目', 'link at least one register entry');
    for (const id of entryIds) {
      const e = ctx.entries.get(id);
      if (!e) add('entries', `目录中没有条目 ${id}`, `no register entry ${id}`);
      else if (p && e.product !== p.id)
        add(
          'entries',
          `条目"${e.name}"的产品不是"${p.labels.zh}"`,
          `entry "${e.name}" is not of "${p.labels.en}"`,
        );
    }
    const quantity = decimal('quantity', s('quantity'), true);
    const unitPrice = decimal('unitPrice', s('unitPrice'));
    const givenAmount = decimal('amount', s('amount'));
    const unit = s('unit');
    if (unit)
      try {
        parseUnit(unit);
      } catch {
        add('unit', `无法识别单位"${unit}"`, `cannot read unit "${unit}"`);
      }
    let amount = givenAmount;
    if (kind && PRICED_KINDS.includes(kind)) {
      if (!s('quantity')) add('quantity', '必填', 'required');
      if (!unit) add('unit', '必填', 'required');
      if (!s('unitPrice')) add('unitPrice', '必填', 'required');
      if (quantity && unitPrice) {
        amount = quantity.times(unitPrice);
        // an amount written on the contract must be quantity × price to the fen (分)
        if (givenAmount && givenAmount.minus(amount).abs().gt('0.005'))
          add(
            'amount',
            `${givenAmount.toString()} 元 ≠ 数量 × 单价 = ${amount.toString()} 元`,
            `${givenAmount.toString()} yuan ≠ quantity × unit price = ${amount.toString()} yuan`,
          );
      }
    } else if (kind && !s('amount')) add('amount', '必填', 'required');
    let pkg: Realisation['package'];
    if (kind === 'eco_bank') {
      const operator = required('operator');
      const terms = required('terms');
      const area = decimal('packageArea', s('packageArea'), true);
      if (!s('packageArea')) add('packageArea', '必填', 'required');
      const rights: PackageRight[] = [];
      const rawRights = given.rights ?? [];
      if (!rawRights.length) add('rights', '至少一项收储权益', 'at least one right collected');
      rawRights.forEach((r, i) => {
        const holder = asText(r.holder).trim();
        const rightType = asText(r.rightType).trim();
        const at = `${REALISATION_FIELDS.rights.zh}第 ${i + 1} 项`;
        const atEn = `right ${i + 1}`;
        if (!holder) add(`rights.${i + 1}.holder`, `${at}权利人必填`, `${atEn}: holder required`);
        if (!rightType)
          add(`rights.${i + 1}.rightType`, `${at}权利类型必填`, `${atEn}: kind of right required`);
        const a = decimal(`rights.${i + 1}.areaHm2`, asText(r.areaHm2).trim(), true);
        if (!asText(r.areaHm2).trim())
          add(`rights.${i + 1}.areaHm2`, `${at}面积必填`, `${atEn}: area required`);
        const entry = asText(r.entry).trim();
        if (entry && !entryIds.includes(entry))
          add(
            `rights.${i + 1}.entry`,
            `${at}的条目 ${entry} 未关联本资产包`,
            `${atEn}: entry ${entry} is not linked to the package`,
          );
        if (holder && rightType && a) rights.push({ holder, rightType, areaHm2: a, ...(entry && { entry }) });
      });
      // the package is exactly the rights collected into it: Σ rights = package area, else nothing is written
      if (area && rights.length === rawRights.length && rights.length) {
        const total = sum(rights.map((r) => r.areaHm2));
        if (!total.eq(area))
          add(
            'packageArea',
            `${area.toString()} hm² ≠ 收储权益面积合计 ${total.toString()} hm²`,
            `${area.toString()} hm² ≠ the rights' total ${total.toString()} hm²`,
          );
      }
      if (area) pkg = { areaHm2: area, operator, terms, rights };
    }
    if (bad) return;
    realisations.push({
      kind: kind!,
      date,
      year: Number(date.slice(0, 4)),
      contractNo,
      buyer,
      seller,
      product: p!.id,
      entries: entryIds,
      ...(quantity && { quantity }),
      ...(unit && { unit }),
      ...(unitPrice && { unitPrice }),
      amount: amount!,
      ...(pkg && { package: pkg }),
    });
  });
  return { realisations, issues };
}

// ───────────────────────────── realisation rate ─────────────────────────────

/** What the rate divides by: a year's county GEP (元), its products' values and their categories. */
export interface GepOfYear {
  readonly year: number;
  readonly gep: Dec;
  readonly productValues: ReadonlyMap<string, Dec>;
}

export interface RateLine {
  readonly realised: Dec;
  /** The GEP (or product value) of the year; undefined when the year has no accounts. */
  readonly gep?: Dec;
  /** realised ÷ gep, a fraction; undefined without GEP or when it is 0. */
  readonly rate?: Dec;
}

export interface YearRealisation extends RateLine {
  readonly year: number;
  readonly byProduct: ReadonlyMap<string, RateLine>;
  readonly byKind: ReadonlyMap<RealisationKind, Dec>;
  /** Township id, or MANY_TOWNSHIPS for a transaction drawing on entries of several townships. */
  readonly byTownship: ReadonlyMap<string, Dec>;
  /** Regulating services: realised in all, realised through government procurement, and its share. */
  readonly regulating: { realised: Dec; procurement: Dec; procurementShare?: Dec; gep?: Dec; rate?: Dec };
}

export const MANY_TOWNSHIPS = '*';

const line = (realised: Dec, gep?: Dec): RateLine => ({
  realised,
  gep,
  rate: gep && !gep.isZero() ? realised.div(gep) : undefined,
});

/**
 * Realised value per year (Σ amounts of the year's transactions) ÷ that year's GEP: the realisation rate, in
 * total, per product, by kind and township, with the share of regulating services bought by government
 * procurement. Years in order: the trend.
 */
export function realisationRates(
  set: CompiledSet,
  realisations: readonly Realisation[],
  geps: readonly GepOfYear[],
  entryTownship: ReadonlyMap<string, string>,
): YearRealisation[] {
  const categoryOf = new Map<string, Category>(set.products.map((p) => [p.id, p.category]));
  const years = [...new Set([...realisations.map((r) => r.year), ...geps.map((g) => g.year)])].sort();
  const add = <K>(m: Map<K, Dec>, k: K, v: Dec) => m.set(k, (m.get(k) ?? ZERO).plus(v));
  return years.map((year) => {
    const rs = realisations.filter((r) => r.year === year);
    const g = geps.find((x) => x.year === year);
    const byProductRealised = new Map<string, Dec>();
    const byKind = new Map<RealisationKind, Dec>();
    const byTownship = new Map<string, Dec>();
    let regulating = ZERO;
    let procurement = ZERO;
    for (const r of rs) {
      add(byProductRealised, r.product, r.amount);
      add(byKind, r.kind, r.amount);
      const towns = new Set(r.entries.map((e) => entryTownship.get(e) ?? MANY_TOWNSHIPS));
      add(byTownship, towns.size === 1 ? [...towns][0]! : MANY_TOWNSHIPS, r.amount);
      if (categoryOf.get(r.product) === 'regulating') {
        regulating = regulating.plus(r.amount);
        if (r.kind === 'procurement') procurement = procurement.plus(r.amount);
      }
    }
    const productIds = new Set([...byProductRealised.keys()]);
    const byProduct = new Map(
      [...productIds].map((p) => [p, line(byProductRealised.get(p) ?? ZERO, g?.productValues.get(p))]),
    );
    const regulatingGep = g
      ? sum(
          set.products
            .filter((p) => p.category === 'regulating')
            .map((p) => g.productValues.get(p.id) ?? ZERO),
        )
      : undefined;
    const realised = sum(rs.map((r) => r.amount));
    return {
      year,
      ...line(realised, g?.gep),
      byProduct,
      byKind,
      byTownship,
      regulating: {
        procurement,
        procurementShare: regulating.isZero() ? undefined : procurement.div(regulating),
        ...line(regulating, regulatingGep),
      },
    };
  });
}

/** The procurement list (政府采购目录): tradable regulating-service entries a government may buy. */
export interface ProcurementLine {
  readonly entry: string;
  readonly product: string;
  readonly quantity?: Dec;
  readonly unit?: string;
  /** Reference price (元 per unit of the quantity): the entry's value ÷ quantity at the year's prices. */
  readonly referencePrice?: Dec;
  /** The budget the line implies (元): quantity × reference price = the entry's value. */
  readonly budget?: Dec;
}

/**
 * Lines of the procurement list: regulating-service entries (public goods without a buyer, 丽发改生态〔2021〕80号)
 * with their quantity, the reference price the published price list implies (value ÷ quantity) and the budget.
 */
export function procurementLines(
  set: CompiledSet,
  entries: ReadonlyArray<{ id: string; entry: RegisterEntry; figure: EntryFigure }>,
): ProcurementLine[] {
  const regulating = new Set(set.products.filter((p) => p.category === 'regulating').map((p) => p.id));
  return entries
    .filter((e) => regulating.has(e.entry.product))
    .map(({ id, entry, figure }) => ({
      entry: id,
      product: entry.product,
      quantity: figure.quantity,
      unit: figure.unit,
      referencePrice:
        figure.quantity && figure.value && !figure.quantity.isZero()
          ? figure.value.div(figure.quantity)
          : undefined,
      budget: figure.value,
    }));
}

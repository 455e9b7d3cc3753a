import {
  Dec,
  ZERO,
  isSeveralValues,
  plainDecimalText,
  readDecimal,
  readPlainDecimal,
  sum,
  type DecimalReading,
} from './decimal.js';
import type { InputRecord, QuantityOverride } from './accounting.js';
import type { CompiledSet, InputModel } from './model.js';
import { convertValue, displayUnit, parseUnit, sameDimension, type Unit } from './units.js';
import { overrideRefusal } from './overrides.js';
import { classTotal } from './roles.js';

/** Survey data as it arrives (from JSON, CSV, XLSX, a form or the API), before validation. */
export interface RawRecord {
  township: string;
  year: number | string;
  values: Record<string, unknown>;
  /**
   * input id → the unit the value is given in, when not the set's own unit; "input.landClass" → the unit
   * of that one cell, when it differs from the input's (a form keeps values it showed in the unit shown).
   */
  units?: Record<string, string>;
  overrides?: Record<string, { quantity: unknown; unit?: string; source?: string }>;
  /** Where the record came from, for messages: e.g. { sheet: '数据', row: 5 }. */
  origin?: { sheet?: string; row?: number };
}

export interface Bilingual {
  zh: string;
  en: string;
}

export interface InputIssue {
  township?: string;
  year?: number | string;
  /** input id, "input.landClass", or "overrides.component". */
  field?: string;
  sheet?: string;
  row?: number;
  column?: string;
  message: Bilingual;
  /** The message names the field itself (姓名：不能为空): a list need not name it again. */
  labelled?: boolean;
}

export interface TownshipInfo {
  id: string;
  /** Total area (km²); when given, the land-use areas must add up to it. */
  areaKm2?: Dec;
  /** Names people write for it (甘蔗街道, Ganzhe Subdistrict): accepted in place of the id. */
  names?: readonly string[];
}

/** A township's area (km²): at least 0.01 km², at most 200,000 km² (larger than any county of China). */
export const TOWNSHIP_AREA_KM2 = { min: 0.01, max: 200_000 } as const;

const issueText = (i: InputIssue) =>
  [
    i.sheet && `sheet ${i.sheet}`,
    i.row && `row ${i.row}`,
    i.column && `column ${i.column}`,
    i.township,
    i.year,
    !i.labelled && i.field,
  ]
    .filter(Boolean)
    .join(', ');

export function formatIssue(i: InputIssue, lang: 'zh' | 'en' = 'zh'): string {
  const where = issueText(i);
  return where ? `${where}: ${i.message[lang]}` : i.message[lang];
}

/** Parses a value that may be written with % for a rate input. */
function parseInputValue(raw: unknown, percent: boolean): DecimalReading {
  if (typeof raw === 'string' && raw.trim().endsWith('%')) {
    const r = readDecimal(raw.trim().slice(0, -1));
    if (percent && r.ok) return { ok: true, value: r.value.div(100) };
    return percent ? r : readDecimal(raw);
  }
  return readDecimal(raw);
}

export interface ValidateOptions {
  allowMissing?: boolean;
  /** The township-years of the same file's earlier parts (validated part by part): a repeat is found across parts. */
  seen?: Set<string>;
}

/** Validates records against a set: every problem at once, converted values in the set's units. */
export function validateRecords(
  set: CompiledSet,
  raw: readonly RawRecord[],
  townships?: readonly TownshipInfo[],
  options: ValidateOptions = {},
): { records: InputRecord[]; issues: InputIssue[] } {
  return checkRecords(DECIMALS, set, raw, townships, options);
}

/**
 * A validated record as the text it is stored as: each value the text decimal.js writes of it (Dec.toString()),
 * in the set's units; external quantities likewise. What storedValues and storedOverrides make of the record
 * validateRecords gives, made without a Decimal per value where the value is plain (see validateRecordsAsText).
 */
export interface TextRecord {
  township: string;
  year: number;
  stored: {
    values: Record<string, string | Record<string, string>>;
    overrides: Record<string, { quantity: string; source: string }>;
  };
}

/**
 * validateRecords for records that are to be stored as they are (an import): the same checks, issues and
 * messages, the values as their stored text. A value given plainly in the input's own unit (every number
 * cell of a spreadsheet, "12.5") is turned into that text directly (plainDecimalText) and checked against the
 * input's range by its float where that decides it exactly (rounding to a float keeps order: a float strictly
 * inside the bounds' floats is inside the bounds); any other value is read into a Decimal as validateRecords does.
 */
export function validateRecordsAsText(
  set: CompiledSet,
  raw: readonly RawRecord[],
  townships?: readonly TownshipInfo[],
  options: ValidateOptions = {},
): { records: TextRecord[]; issues: InputIssue[] } {
  const { records, issues } = checkRecords(TEXTS, set, raw, townships, options);
  return {
    records: records.map((r) => {
      const values: TextRecord['stored']['values'] = {};
      // (Map.forEach: no [key, value] pair made per value, as Object.fromEntries makes)
      r.values.forEach((v, id) => {
        if (typeof v === 'string') values[id] = v;
        else {
          const perClass: Record<string, string> = {};
          v.forEach((x, c) => (perClass[c] = x));
          values[id] = perClass;
        }
      });
      const overrides: TextRecord['stored']['overrides'] = {};
      for (const [c, o] of r.overrides ?? [])
        overrides[c] = { quantity: o.quantity.toString(), source: o.source };
      return { township: r.township, year: r.year, stored: { values, overrides } };
    }),
    issues,
  };
}

/** How validation keeps a value: a Decimal (for the engine), or the text it is stored as (for an import). */
interface ValueKind<V> {
  read(input: InputModel, x: unknown, field: string, from: Unit, add: AddIssue): V | undefined;
  plus(a: V, b: V): V;
  /** The sum as decimal.js adds it up from 0 (each step rounded to the set's 34 digits). */
  sum(values: Iterable<V>): Dec;
}

const DECIMALS: ValueKind<Dec> = { read: readValue, plus: (a, b) => a.plus(b), sum };

const TEXTS: ValueKind<string> = {
  read: readValueText,
  plus: (a, b) => new Dec(a).plus(new Dec(b)).toString(),
  sum: (texts) => {
    const list = [...texts];
    return sumPlainTexts(list) ?? sum(list.map((t) => new Dec(t)));
  },
};

/** 10³⁴: a sum of integers below it has at most 34 digits, so decimal.js adds it up without rounding. */
const EXACT_34 = 10n ** 34n;

/**
 * The sum of decimal texts without exponents, added as integers of their largest number of decimals (BigInt),
 * when every partial sum has at most 34 digits: then decimal.js, adding them up one by one to 34 significant
 * digits, rounds nothing and gives this very sum. Undefined otherwise (added up by decimal.js).
 */
export function sumPlainTexts(list: readonly string[]): Dec | undefined {
  let scale = 0;
  for (const t of list) {
    if (t.includes('e')) return undefined;
    const dot = t.indexOf('.');
    if (dot >= 0) scale = Math.max(scale, t.length - dot - 1);
  }
  let total = 0n;
  for (const t of list) {
    const dot = t.indexOf('.');
    const decimals = dot < 0 ? 0 : t.length - dot - 1;
    const digits = (dot < 0 ? t : t.slice(0, dot) + t.slice(dot + 1)) + '0'.repeat(scale - decimals);
    total += BigInt(digits);
    if (total >= EXACT_34 || total <= -EXACT_34) return undefined;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return new Dec(negative ? `-${text}` : text);
}

interface TownshipIndex {
  townshipById?: Map<string, TownshipInfo>;
  townshipByName: Map<string, string>;
  /** The list's length when indexed: a list grown or shrunk since is indexed again. */
  length: number;
}

/** Lists of townships by id and by name, made once per list (an upload validates its parts against one list). */
const townshipIndexes = new WeakMap<readonly TownshipInfo[], TownshipIndex>();

function townshipIndex(townships: readonly TownshipInfo[] | undefined): TownshipIndex {
  const made = townships && townshipIndexes.get(townships);
  if (made && made.length === townships.length) return made;
  const index: TownshipIndex = {
    townshipById: townships ? new Map(townships.map((t) => [t.id, t])) : undefined,
    townshipByName: new Map(
      (townships ?? []).flatMap((t) => (t.names ?? []).map((n) => [n.trim(), t.id] as const)),
    ),
    length: townships?.length ?? 0,
  };
  if (townships) townshipIndexes.set(townships, index);
  return index;
}

function checkRecords<V>(
  kind: ValueKind<V>,
  set: CompiledSet,
  raw: readonly RawRecord[],
  townships: readonly TownshipInfo[] | undefined,
  options: ValidateOptions,
): {
  records: {
    township: string;
    year: number;
    values: Map<string, V | Map<string, V>>;
    overrides?: Map<string, QuantityOverride>;
  }[];
  issues: InputIssue[];
} {
  // a draft may be incomplete: missing values are checked when it is submitted
  const allowMissing = options.allowMissing ?? false;
  const issues: InputIssue[] = [];
  const records: ReturnType<typeof checkRecords<V>>['records'] = [];
  const inputById = new Map(set.inputs.map((i) => [i.id, i]));
  const classIds = set.landClasses.map((c) => c.id);
  const classByCode = new Map(
    set.landClasses.flatMap((c) => c.sourceCodes.map((code) => [code, c.id] as const)),
  );
  const componentById = new Map(set.components.map((c) => [c.id, c]));
  const { townshipById, townshipByName } = townshipIndex(townships);
  const seen = options.seen ?? new Set<string>();

  for (const given of raw) {
    // a township written by its name is the township of that name
    const named = townshipById?.has(given.township)
      ? undefined
      : townshipByName.get(String(given.township).trim());
    const r = named ? { ...given, township: named } : given;
    const at = { township: r.township, year: r.year, sheet: r.origin?.sheet, row: r.origin?.row };
    const add = (field: string | undefined, zh: string, en: string) =>
      issues.push({ ...at, field, message: { zh, en } });
    const year = Number(r.year);
    if (!Number.isInteger(year) || year < 1949 || year > 2100)
      add('year', `年份"${r.year}"无效`, `year "${r.year}" is not valid`);
    if (townshipById && !townshipById.has(r.township))
      add(
        'township',
        `未知乡镇"${r.township}"（可填乡镇名称或代号）`,
        `unknown township "${r.township}" (write its name or id)`,
      );
    const key = `${r.township}|${year}`;
    if (seen.has(key))
      add(undefined, '同一乡镇同一年份的数据重复', 'duplicate record for this township and year');
    seen.add(key);

    const values = new Map<string, V | Map<string, V>>();
    for (const field of Object.keys(r.values))
      if (!inputById.has(field)) add(field, `未知指标"${field}"`, `unknown input "${field}"`);
    for (const input of set.inputs) {
      const given = r.values[input.id];
      if (given === undefined || given === null || given === '') {
        if (input.required && !allowMissing)
          add(input.id, `缺少必填项：${input.labels.zh}`, `missing required value: ${input.labels.en}`);
        continue;
      }
      // the input's own unit unless the record says otherwise (for the input, or for one land class)
      const unit = r.units ? unitOf(input, input.id, r.units, add) : input.unitValue;
      if (!unit) continue;
      if (input.perLandClass) {
        const perClass = readPerClass(
          kind,
          input,
          given,
          set.landClasses,
          classByCode,
          r.units,
          unit,
          add,
          allowMissing,
        );
        if (perClass) values.set(input.id, perClass);
      } else {
        const v = kind.read(input, given, input.id, unit, add);
        if (v !== undefined) values.set(input.id, v);
      }
    }

    const area = values.get('land_area');
    const info = townshipById?.get(r.township);
    if (area instanceof Map && info?.areaKm2 && area.size === classIds.length) {
      const totalHm2 = kind.sum(area.values());
      const expected = info.areaKm2.times(100);
      if (!totalHm2.minus(expected).abs().lte('0.01'))
        add(
          'land_area',
          `各地类面积之和 ${totalHm2.toString()} hm² 与乡镇面积 ${expected.toString()} hm² 不符`,
          `land-use areas add up to ${totalHm2.toString()} hm², but the township's area is ${expected.toString()} hm²`,
        );
    }

    const overrides = new Map<string, QuantityOverride>();
    for (const [cid, o] of Object.entries(r.overrides ?? {})) {
      const field = `overrides.${cid}`;
      const component = componentById.get(cid);
      if (!component) {
        add(field, `未知核算项"${cid}"`, `unknown component "${cid}"`);
        continue;
      }
      const declared = parseUnit(component.quantity.unitText);
      let unit: Unit = declared;
      try {
        if (o.unit) unit = parseUnit(o.unit);
      } catch {
        add(field, `单位"${o.unit}"无法识别`, `unit "${o.unit}" is not recognised`);
        continue;
      }
      if (!sameDimension(unit, declared)) {
        add(
          field,
          `单位"${o.unit}"不能换算为${component.quantity.unitText}`,
          `unit "${o.unit}" cannot convert to ${component.quantity.unitText}`,
        );
        continue;
      }
      const read = readDecimal(o.quantity);
      // an external figure is a quantity: finite, bounded (the rule of readDecimal) and never negative
      const q = read.ok && !read.value.isNeg() ? read.value : undefined;
      if (!read.ok) add(field, read.message.zh, read.message.en);
      else if (!q)
        add(
          field,
          `外部模型结果不能为负数：${String(o.quantity)}`,
          `an external figure cannot be negative: ${String(o.quantity)}`,
        );
      if (!o.source?.trim()) add(field, '外部模型结果须注明来源', 'an external figure needs its source');
      // a draft may still lack the inputs that make an override usable: checked when it is submitted
      const refusal = allowMissing ? undefined : overrideRefusal(set, component, (id) => values.has(id));
      if (refusal) add(field, refusal.zh, refusal.en);
      else if (q && o.source?.trim())
        overrides.set(cid, { quantity: convertValue(q, unit, declared), source: o.source.trim() });
    }
    records.push({ township: r.township, year, values, overrides: overrides.size ? overrides : undefined });
  }
  return { records: issues.length ? [] : records, issues };
}

type AddIssue = (field: string | undefined, zh: string, en: string) => void;

/** The unit a field is given in: the record's unit for it (or for its input), else the input's own. */
function unitOf(
  input: InputModel,
  field: string,
  units: Readonly<Record<string, string>>,
  add: AddIssue,
): Unit | undefined {
  const unitText = units[field] ?? units[input.id];
  if (unitText === undefined || unitText === input.unit) return input.unitValue;
  const accepted = input.acceptUnits.find((u) => u.text === unitText);
  if (accepted) return accepted.unit;
  const list = input.acceptUnits.map((u) => u.text).join('、');
  add(
    field,
    `单位"${unitText}"不可用，可用单位：${list}`,
    `unit "${unitText}" not accepted; use one of: ${list}`,
  );
  return undefined;
}

/** The bounds of an input's range as floats, made once per input model. */
const floatRanges = new WeakMap<InputModel, readonly [number, number]>();

/**
 * True when a value, as the nearest float f, is strictly inside the input's range: Number() rounds to the nearest
 * float and rounding keeps order, so lo < f < hi in floats means lo < x < hi exactly. False decides nothing (equal
 * floats): the decimals must then be compared.
 */
function insideRangeByFloat(input: InputModel, f: number): boolean {
  let range = floatRanges.get(input);
  if (!range)
    floatRanges.set(
      input,
      (range = [Number(input.range![0].toString()), Number(input.range![1].toString())]),
    );
  return f > range[0] && f < range[1];
}

/** One value of an input: a single number (not a pasted list), in range once converted to the input's unit. */
function readValue(input: InputModel, x: unknown, field: string, from: Unit, add: AddIssue): Dec | undefined {
  // plain decimal text (every stored value, most typed ones) is one number, without a % sign: read at once
  const plain = readPlainDecimal(x);
  let value = plain;
  if (!value) {
    if (isSeveralValues(x)) {
      const shown = String(x)
        .trim()
        .split(/\s*[\r\n\t;]+\s*/)
        .join(' / ');
      add(
        field,
        `"${shown}"是多个数值（可能粘贴了一列），每一格只能填一个数值`,
        `"${shown}" is several values (a pasted column?); each field takes one number`,
      );
      return undefined;
    }
    const r = parseInputValue(x, input.percent);
    if (!r.ok) {
      add(field, r.message.zh, r.message.en);
      return undefined;
    }
    value = r.value;
  }
  const converted = convertValue(value, from, input.unitValue);
  if (
    input.range &&
    !(plain && converted === plain && insideRangeByFloat(input, Number(x))) &&
    (converted.lt(input.range[0]) || converted.gt(input.range[1]))
  )
    add(
      field,
      `数值 ${converted.toString()} ${displayUnit(input.unit)} 超出合理范围 [${input.range[0].toString()}, ${input.range[1].toString()}]`,
      `value ${converted.toString()} ${displayUnit(input.unit, 'en')} is outside the valid range [${input.range[0].toString()}, ${input.range[1].toString()}]`,
    );
  return converted;
}

/**
 * readValue, giving the value's stored text: straight from plain text or a number in the input's own unit when
 * its range is decided by floats alone, else by readValue (so every refusal and message is readValue's).
 */
function readValueText(
  input: InputModel,
  x: unknown,
  field: string,
  from: Unit,
  add: AddIssue,
): string | undefined {
  if (from === input.unitValue) {
    const text = plainDecimalText(x);
    if (text !== undefined) {
      if (!input.range) return text;
      const f = typeof x === 'number' ? x : Number(text);
      if (insideRangeByFloat(input, f)) return text;
    }
  }
  return readValue(input, x, field, from, add)?.toString();
}

/** A set's land-class ids, in order and as a set, made once per set. */
const classIdsOf = new WeakMap<readonly { id: string }[], { list: string[]; set: Set<string> }>();
/** "input.key" field names of an input, made once (at most 1,000 keys per input are kept). */
const fieldsOf = new WeakMap<InputModel, Map<string, string>>();

function readPerClass<V>(
  kind: ValueKind<V>,
  input: InputModel,
  given: unknown,
  classes: readonly { id: string; labels: Bilingual }[],
  classByCode: ReadonlyMap<string, string>,
  units: Readonly<Record<string, string>> | undefined,
  inputUnit: Unit,
  add: AddIssue,
  allowMissing: boolean,
): Map<string, V> | undefined {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    add(input.id, '应按地类分别填写', 'expected one value per land class');
    return undefined;
  }
  let ids = classIdsOf.get(classes);
  if (!ids)
    classIdsOf.set(
      classes,
      (ids = { list: classes.map((c) => c.id), set: new Set(classes.map((c) => c.id)) }),
    );
  const classIds = ids.list;
  let fields = fieldsOf.get(input);
  if (!fields) fieldsOf.set(input, (fields = new Map()));
  const out = new Map<string, V>();
  const byKey = given as Record<string, unknown>;
  // (the keys, not Object.entries: no [key, value] pair made per value)
  for (const key of Object.keys(byKey)) {
    const x = byKey[key];
    // a value may be given by GB/T 21010 (三调) code; it is added to the class the code maps to
    const cls = ids.set.has(key) ? key : classByCode.get(key);
    let field = fields.get(key);
    if (field === undefined) {
      field = `${input.id}.${key}`;
      if (fields.size < 1_000) fields.set(key, field);
    }
    if (!cls) {
      add(field, `未知地类或地类编码"${key}"`, `unknown land class or code "${key}"`);
      continue;
    }
    const from = units?.[field] !== undefined ? unitOf(input, field, units, add) : inputUnit;
    if (!from) continue;
    const v = kind.read(input, x, field, from, add);
    if (v === undefined) continue;
    const before = out.get(cls);
    out.set(cls, before !== undefined ? kind.plus(before, v) : v);
  }
  const missing = allowMissing ? [] : classIds.filter((c) => !out.has(c));
  for (const c of missing) {
    const labels = classes.find((x) => x.id === c)!.labels;
    add(
      `${input.id}.${c}`,
      `${input.labels.zh}：缺少"${labels.zh}"的数值（无则填 0）`,
      `${input.labels.en}: missing value for "${labels.en}" (enter 0 if none)`,
    );
  }
  return out;
}

/** Sum of the land-use areas (hm²) of a record. */
export function totalArea(record: InputRecord): Dec {
  const area = record.values.get('land_area');
  return area instanceof Map ? classTotal(area as ReadonlyMap<string, Dec>) : ZERO;
}

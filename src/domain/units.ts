import { Dec } from './decimal.js';

/**
 * Units with exact rational scales. A unit is a product of base dimensions with integer exponents and
 * a scale to the base units (m, kg, s, 元, ...). Carbon (C) and carbon dioxide (CO₂) masses are
 * dimensions of their own, so a price per t C can never be applied to t CO₂ without an explicit
 * 44/12 factor. The year `a` is the accounting period: a label with scale 1, so `kg/hm2/a` = `kg/hm2`.
 */
export type Dimension = 'length' | 'mass' | 'time' | 'money' | 'carbon' | 'co2' | 'person' | 'visit';

export interface Ratio {
  readonly num: bigint;
  readonly den: bigint;
}

export interface Unit {
  readonly dims: Readonly<Partial<Record<Dimension, number>>>;
  readonly scale: Ratio;
  /** The symbols the unit was written with, for display: [symbol, exponent]. */
  readonly terms: ReadonlyArray<readonly [string, number]>;
}

export class UnitError extends Error {}

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};

export function ratio(num: bigint, den = 1n): Ratio {
  if (den === 0n) throw new UnitError('zero denominator in a unit scale');
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g };
}

/** Exact ratio from a decimal literal such as "1e-3", "3.6e6" or "0.5". */
export function ratioFromDecimal(text: string): Ratio {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m) throw new UnitError(`not a decimal scale: ${text}`);
  const frac = m[2] ?? '';
  let num = BigInt((m[1] ?? '0') + frac);
  let den = 10n ** BigInt(frac.length);
  const exp = Number(m[3] ?? 0);
  if (exp >= 0) num *= 10n ** BigInt(exp);
  else den *= 10n ** BigInt(-exp);
  return ratio(num, den);
}

const mulRatio = (a: Ratio, b: Ratio) => ratio(a.num * b.num, a.den * b.den);
const divRatio = (a: Ratio, b: Ratio) => ratio(a.num * b.den, a.den * b.num);
const powRatio = (a: Ratio, n: number): Ratio =>
  n >= 0 ? ratio(a.num ** BigInt(n), a.den ** BigInt(n)) : ratio(a.den ** BigInt(-n), a.num ** BigInt(-n));
export const ratioEquals = (a: Ratio, b: Ratio) => a.num === b.num && a.den === b.den;
export const ratioToDecimal = (r: Ratio): Dec => new Dec(r.num.toString()).div(new Dec(r.den.toString()));

interface AtomDef {
  dims: Partial<Record<Dimension, number>>;
  scale: string | Ratio;
  /** May take the Chinese multipliers 万 (10⁴) and 亿 (10⁸). */
}

const L = { length: 1 };
const A2 = { length: 2 };
const V3 = { length: 3 };
const M = { mass: 1 };
const T = { time: 1 };
const ENERGY = { mass: 1, length: 2, time: -2 };

const ATOMS: Record<string, AtomDef> = {
  '1': { dims: {}, scale: '1' },
  '%': { dims: {}, scale: '1e-2' },
  '‰': { dims: {}, scale: '1e-3' },
  a: { dims: {}, scale: '1' },
  mm: { dims: L, scale: '1e-3' },
  cm: { dims: L, scale: '1e-2' },
  m: { dims: L, scale: '1' },
  hm: { dims: L, scale: '1e2' },
  km: { dims: L, scale: '1e3' },
  ha: { dims: A2, scale: '1e4' },
  亩: { dims: A2, scale: ratio(10000n, 15n) },
  mu: { dims: A2, scale: ratio(10000n, 15n) },
  L: { dims: V3, scale: '1e-3' },
  g: { dims: M, scale: '1e-3' },
  kg: { dims: M, scale: '1' },
  t: { dims: M, scale: '1e3' },
  gC: { dims: { carbon: 1 }, scale: '1e-3' },
  kgC: { dims: { carbon: 1 }, scale: '1' },
  tC: { dims: { carbon: 1 }, scale: '1e3' },
  kgCO2: { dims: { co2: 1 }, scale: '1' },
  tCO2: { dims: { co2: 1 }, scale: '1e3' },
  s: { dims: T, scale: '1' },
  h: { dims: T, scale: '3600' },
  d: { dims: T, scale: '86400' },
  J: { dims: ENERGY, scale: '1' },
  kJ: { dims: ENERGY, scale: '1e3' },
  MJ: { dims: ENERGY, scale: '1e6' },
  GJ: { dims: ENERGY, scale: '1e9' },
  Wh: { dims: ENERGY, scale: '3600' },
  kWh: { dims: ENERGY, scale: '3.6e6' },
  元: { dims: { money: 1 }, scale: '1' },
  yuan: { dims: { money: 1 }, scale: '1' },
  人: { dims: { person: 1 }, scale: '1' },
  人次: { dims: { visit: 1 }, scale: '1' },
};

const MULTIPLIERS: Record<string, Ratio> = { 万: ratio(10n ** 4n), 亿: ratio(10n ** 8n) };

const atomCache = new Map<string, Unit>();
/** Own properties only: "constructor", "__proto__" or "toString" are not units. */
const own = <V>(table: Record<string, V>, key: string): V | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

function atom(name: string): Unit {
  const cached = atomCache.get(name);
  if (cached) return cached;
  let unit: Unit | undefined;
  const def = own(ATOMS, name);
  if (def) {
    const scale = typeof def.scale === 'string' ? ratioFromDecimal(def.scale) : def.scale;
    unit = { dims: def.dims, scale, terms: name === '1' ? [] : [[name, 1]] };
  } else if (own(MULTIPLIERS, name[0] ?? '') && name.length > 1) {
    const inner = atom(name.slice(1));
    unit = {
      dims: inner.dims,
      scale: mulRatio(own(MULTIPLIERS, name[0]!)!, inner.scale),
      terms: [[name, 1]],
    };
  } else {
    const power = /^(.+?)([23])$/.exec(name);
    if (power && own(ATOMS, power[1]!)?.dims.length === 1) {
      const base = atom(power[1]!);
      const n = Number(power[2]);
      unit = { dims: { length: n }, scale: powRatio(base.scale, n), terms: [[name, 1]] };
    }
  }
  if (!unit) throw new UnitError(`unknown unit "${name}"`);
  atomCache.set(name, unit);
  return unit;
}

export const DIMENSIONLESS: Unit = { dims: {}, scale: ratio(1n), terms: [] };

function combine(a: Unit, b: Unit, sign: 1 | -1): Unit {
  const dims: Partial<Record<Dimension, number>> = { ...a.dims };
  for (const [k, v] of Object.entries(b.dims) as [Dimension, number][]) {
    const n = (dims[k] ?? 0) + sign * v;
    if (n === 0) delete dims[k];
    else dims[k] = n;
  }
  const terms = new Map<string, number>(a.terms.map(([s, n]) => [s, n]));
  for (const [s, n] of b.terms) terms.set(s, (terms.get(s) ?? 0) + sign * n);
  return {
    dims,
    scale: sign === 1 ? mulRatio(a.scale, b.scale) : divRatio(a.scale, b.scale),
    terms: [...terms].filter(([, n]) => n !== 0),
  };
}

export const multiplyUnits = (a: Unit, b: Unit) => combine(a, b, 1);
export const divideUnits = (a: Unit, b: Unit) => combine(a, b, -1);

export function powerUnit(u: Unit, n: number): Unit {
  if (!Number.isInteger(n)) throw new UnitError('a unit can only be raised to an integer power');
  const dims: Partial<Record<Dimension, number>> = {};
  for (const [k, v] of Object.entries(u.dims) as [Dimension, number][]) if (v * n !== 0) dims[k] = v * n;
  return { dims, scale: powRatio(u.scale, n), terms: u.terms.map(([s, e]) => [s, e * n] as const) };
}

export function sameDimension(a: Unit, b: Unit): boolean {
  const keys = new Set([...Object.keys(a.dims), ...Object.keys(b.dims)]) as Set<Dimension>;
  for (const k of keys) if ((a.dims[k] ?? 0) !== (b.dims[k] ?? 0)) return false;
  return true;
}

export const sameUnit = (a: Unit, b: Unit) => sameDimension(a, b) && ratioEquals(a.scale, b.scale);
export const isDimensionless = (u: Unit) => Object.keys(u.dims).length === 0;

/** How many `to` one `from` is: value_in_to = value_in_from × factor. Requires the same dimension. */
export function conversionFactor(from: Unit, to: Unit): Ratio {
  if (!sameDimension(from, to))
    throw new UnitError(`cannot convert ${formatUnit(from)} to ${formatUnit(to)}: different dimensions`);
  return divRatio(from.scale, to.scale);
}

/** Per pair of units (objects, never changed once parsed): the factor as decimals, or null for 1. */
const factors = new WeakMap<Unit, WeakMap<Unit, { num: Dec; den?: Dec } | null>>();

export function convertValue(value: Dec, from: Unit, to: Unit): Dec {
  // the same unit (the common case: a value given in the input's own unit) converts to itself
  if (from === to) return value;
  let byTo = factors.get(from);
  if (!byTo) factors.set(from, (byTo = new WeakMap()));
  let f = byTo.get(to);
  if (f === undefined) {
    // different dimensions throw here, every time
    const r = conversionFactor(from, to);
    f =
      r.den === 1n && r.num === 1n
        ? null
        : { num: new Dec(r.num.toString()), den: r.den === 1n ? undefined : new Dec(r.den.toString()) };
    byTo.set(to, f);
  }
  if (f === null) return value;
  return f.den ? value.times(f.num).div(f.den) : value.times(f.num);
}

const SUPERSCRIPTS: Record<string, string> = { '²': '2', '³': '3', '₂': '2', '·': '*', '×': '*' };

/** Parses "元/m3", "t/(hm2*a)", "MJ*mm/(hm2*h*a)", "kJ/m²/d", "万t", "tCO2/tC". */
export function parseUnit(text: string): Unit {
  if (typeof text !== 'string') throw new UnitError('a unit is text, e.g. "m3"');
  if (text.length > 60) throw new UnitError(`unit "${text.slice(0, 20)}…" is too long`);
  const source = text.replace(/[²³₂·×]/g, (c) => SUPERSCRIPTS[c] ?? c).trim();
  if (!source) throw new UnitError('empty unit');
  const tokens = source.match(/\(|\)|\*|\/|\^|[^\s()*/^]+/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (why: string): never => {
    throw new UnitError(`cannot read unit "${text}": ${why}`);
  };
  function factor(): Unit {
    const tok = tokens[pos++];
    if (tok === undefined) return fail('unexpected end');
    let u: Unit;
    if (tok === '(') {
      u = product();
      if (tokens[pos++] !== ')') fail('missing ")"');
    } else if (tok === ')' || tok === '*' || tok === '/' || tok === '^') {
      return fail(`unexpected "${tok}"`);
    } else {
      try {
        u = atom(tok);
      } catch (e) {
        return fail((e as Error).message);
      }
    }
    if (peek() === '^') {
      pos++;
      const n = Number(tokens[pos++]);
      if (!Number.isInteger(n) || Math.abs(n) > 6) fail('exponent must be an integer between -6 and 6');
      u = powerUnit(u, n);
    }
    return u;
  }
  function product(): Unit {
    let u = factor();
    while (pos < tokens.length && peek() !== ')') {
      const op = peek();
      if (op === '*' || op === '/') pos++;
      const next = factor();
      u = op === '/' ? divideUnits(u, next) : multiplyUnits(u, next);
    }
    return u;
  }
  const unit = product();
  if (pos !== tokens.length) fail(`unexpected "${tokens[pos]}"`);
  return { ...unit, terms: unit.terms.length ? unit.terms : [] };
}

const SUP: Record<string, string> = { '2': '²', '3': '³' };
/** m2 → m², km3 → km³; a unit defined under its own name (tCO2) keeps its digits, shown as a subscript. */
const prettyAtom = (s: string) =>
  own(ATOMS, s.replace(/^[万亿]+/, ''))
    ? s.replace(/CO2$/, 'CO₂')
    : s.replace(/^(.*[a-z])([23])$/i, (_, b: string, n: string) => b + SUP[n]);

/** A readable form of a computed unit, e.g. "mm·km²" or "元/t". */
export function formatUnit(u: Unit): string {
  const pos = u.terms.filter(([, n]) => n > 0);
  const neg = u.terms.filter(([, n]) => n < 0);
  const show = ([s, n]: readonly [string, number]) =>
    prettyAtom(s) + (Math.abs(n) === 1 ? '' : `^${Math.abs(n)}`);
  const top = pos.map(show).join('·') || '1';
  if (!neg.length) return top;
  const bottom = neg.map(show).join('·');
  return `${top}/${neg.length > 1 ? `(${bottom})` : bottom}`;
}

export function formatRatio(r: Ratio): string {
  if (r.den === 1n) return r.num.toString();
  const d = ratioToDecimal(r);
  return d.toSignificantDigits(10).toString();
}

/** Words of units in English: [as a count (numerator), per one (denominator)]. */
const UNIT_WORDS_EN: Record<string, readonly [string, string]> = {
  元: ['yuan', 'yuan'],
  人次: ['visits', 'visit'],
  人: ['persons', 'person'],
  亩: ['mu', 'mu'],
  项: ['items', 'item'],
  起: ['cases', 'case'],
  次: ['times', 'time'],
  分: ['points', 'point'],
  倍: ['×', '×'],
  个: ['units', 'unit'],
  户: ['households', 'household'],
};
const SCALE_EN: Record<string, string> = { 万: '10⁴', 亿: '10⁸', 千: '10³' };

/**
 * The one way a unit is written for people: hm2 → hm², 万m3 → 万m³, tCO2 → tCO₂, t/(hm2*a) → t/(hm²·a),
 * kg/hm2/a → kg/(hm²·a). In English the Chinese words and scales become English: 万m3 → 10⁴ m³, 元/人次 →
 * yuan/visit, 亿kWh → 10⁸ kWh, 亩 → mu. Display only: the stored unit text does not change.
 */
export function displayUnit(u: string, lang: 'zh' | 'en' = 'zh'): string {
  // a/b/c is written a/(b·c)
  const parts = u.includes('(') ? [u] : u.split('/');
  const chained = parts.length > 2 ? `${parts[0]}/(${parts.slice(1).join('*')})` : u;
  const shown = chained
    .replace(/m([23])(?![0-9])/g, (_m, n: string) => (n === '2' ? 'm²' : 'm³'))
    .replace(/CO2(?![0-9])/g, 'CO₂')
    .replace(/\*/g, '·');
  if (lang === 'zh' || !/[\u4e00-\u9fff]/.test(shown)) return shown;
  const slash = shown.indexOf('/');
  return shown.replace(/[^·/()]+/g, (atom, at: number) => {
    const m = /^([万亿千]?)(.*)$/.exec(atom)!;
    const scale = m[1] ? SCALE_EN[m[1]]! : '';
    const word = UNIT_WORDS_EN[m[2]!]?.[slash >= 0 && at > slash ? 1 : 0] ?? m[2]!;
    return scale ? `${scale} ${word}`.trim() : word;
  });
}

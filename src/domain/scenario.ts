/**
 * Land-use scenarios (情景): a project or plan changes a baseline — the approved inputs of some townships in one
 * year — by a land-use change list (from class → to class, area in hm²), a whole land-use table, and edits of
 * other inputs. The result is a set of ordinary input records, validated by the one validation of survey data,
 * so a scenario is accounted exactly like a survey year. Pure: records and spec in, records or problems out.
 */
import type { InputRecord } from './accounting.js';
import { ZERO, readDecimal, sum, type Dec } from './decimal.js';
import { validateRecords, type InputIssue, type RawRecord, type TownshipInfo } from './inputs.js';
import type { CompiledSet } from './model.js';
import { roleInput, roleUnit } from './roles.js';
import { convertValue } from './units.js';

/** One line of a change list as a person writes it: classes by id, Chinese or English name, area in hm². */
export interface LandUseChangeSpec {
  township: string;
  from: string;
  to: string;
  area: string;
}

/** What a scenario changes. Stored as written (text), so that a saved scenario re-reads the same way. */
export interface ScenarioSpec {
  /** Land-use changes, applied to the baseline (or to the land-use table, when given). */
  changes: LandUseChangeSpec[];
  /** Township → land class → hm²: replaces the baseline's land-use table of that township. */
  landUse?: Record<string, Record<string, string>>;
  /** Township → input id → value (per-class inputs: class → value), in the set's own units. */
  edits?: Record<string, Record<string, string | Record<string, string>>>;
}

/**
 * An input the set declares to follow the area of some land classes (`scalesWithLandClasses`), as the scenario
 * changed it: scenario = baseline × (area after ÷ area before), the yield per hm² of the baseline held.
 */
export interface ScaledInput {
  readonly township: string;
  readonly input: string;
  readonly classes: readonly string[];
  /** In the input's own unit. */
  readonly before: Dec;
  readonly after: Dec;
  /** Σ hm² of the classes, baseline and scenario. */
  readonly areaBefore: Dec;
  readonly areaAfter: Dec;
}

export interface ScenarioResult {
  readonly records: InputRecord[];
  readonly issues: InputIssue[];
  /** The inputs that followed their land classes' area (none when an edit gave the input's value). */
  readonly scaled?: readonly ScaledInput[];
}

/** A land class by id, Chinese or English name, or 三调 code; undefined when none matches. */
export function findLandClass(set: CompiledSet, text: string): string | undefined {
  const t = String(text ?? '')
    .normalize('NFKC')
    .trim();
  const lower = t.toLowerCase();
  return set.landClasses.find(
    (c) =>
      c.id === t || c.labels.zh === t || c.labels.en.toLowerCase() === lower || c.sourceCodes.includes(t),
  )?.id;
}

const rawValues = (r: InputRecord): RawRecord['values'] => {
  const out: RawRecord['values'] = {};
  for (const [id, v] of r.values)
    out[id] =
      v instanceof Map
        ? Object.fromEntries([...v].map(([c, x]) => [c, (x as Dec).toString()]))
        : (v as Dec).toString();
  return out;
};

/**
 * Applies a scenario to baseline records (one per township). Every problem at once, by township name, field,
 * line and reason; no records when there is any.
 */
export function applyScenario(
  set: CompiledSet,
  baseline: readonly InputRecord[],
  spec: ScenarioSpec,
  townships?: readonly (TownshipInfo & { name?: string })[],
): ScenarioResult {
  const issues: InputIssue[] = [];
  const nameOf = (t: string) => townships?.find((x) => x.id === t)?.name ?? t;
  const baseOf = new Map(baseline.map((r) => [r.township, r]));
  const area = roleInput(set, 'land_area');
  const hm2 = roleUnit('land_area');
  const label = (cls: string) => set.landClasses.find((c) => c.id === cls)!.labels;
  const fmt = (d: Dec) => d.toDecimalPlaces(4).toString();
  const resolveTownship = (text: string, field: string, row?: number): string | undefined => {
    const t = String(text ?? '').trim();
    if (baseOf.has(t)) return t;
    const byName = townships?.find((x) => x.name === t || x.names?.includes(t))?.id;
    if (byName && baseOf.has(byName)) return byName;
    issues.push({
      field,
      row,
      message: {
        zh: `乡镇"${t}"不在本情景的基准（已审核数据）中`,
        en: `township "${t}" is not in this scenario's baseline (approved data)`,
      },
    });
    return undefined;
  };

  const values = new Map(baseline.map((r) => [r.township, rawValues(r)]));
  const landOf = (t: string): Map<string, Dec> | undefined => {
    const v = baseOf.get(t)!.values.get(area?.id ?? '');
    return v instanceof Map ? new Map(v) : undefined;
  };
  const lands = new Map<string, Map<string, Dec>>();
  const needArea = () => {
    if (area?.perLandClass) return true;
    issues.push({
      field: 'changes',
      message: {
        zh: '参数集没有分地类的土地面积指标，不能做土地利用变化',
        en: 'the set has no per-class land-area input: land-use changes cannot apply',
      },
    });
    return false;
  };

  // 1. a whole land-use table replaces the baseline's areas (hm² → the input's unit)
  for (const [given, table] of Object.entries(spec.landUse ?? {})) {
    if (!needArea()) break;
    const t = resolveTownship(given, 'landUse');
    if (!t) continue;
    const m = new Map<string, Dec>();
    for (const [clsText, raw] of Object.entries(table)) {
      const cls = findLandClass(set, clsText);
      const r = readDecimal(raw);
      if (!cls)
        issues.push({
          township: nameOf(t),
          field: 'landUse',
          message: { zh: `未知地类"${clsText}"`, en: `unknown land class "${clsText}"` },
        });
      else if (!r.ok || r.value.isNeg())
        issues.push({
          township: nameOf(t),
          field: `landUse.${cls}`,
          message: {
            zh: `${label(cls).zh}：面积"${raw}"须为非负数（hm²）`,
            en: `${label(cls).en}: area "${raw}" must be a number ≥ 0 (hm²)`,
          },
        });
      else m.set(cls, convertValue(r.value, hm2, area!.unitValue));
    }
    for (const c of set.landClasses) if (!m.has(c.id)) m.set(c.id, ZERO);
    lands.set(t, m);
  }

  // 2. the change list: each line moves an area from one class to another
  const outflow = new Map<string, Dec>(); // township|class → hm² converted out
  spec.changes.forEach((line, i) => {
    const row = i + 1;
    if (!needArea()) return;
    const t = resolveTownship(line.township, 'changes.township', row);
    const from = findLandClass(set, line.from);
    const to = findLandClass(set, line.to);
    const r = readDecimal(line.area);
    const at = { township: t ? nameOf(t) : line.township, row };
    const bad = (field: string, zh: string, en: string) =>
      issues.push({ ...at, field, message: { zh: `第 ${row} 行：${zh}`, en: `line ${row}: ${en}` } });
    if (!from) bad('changes.from', `未知转出地类"${line.from}"`, `unknown land class "${line.from}" (from)`);
    if (!to) bad('changes.to', `未知转入地类"${line.to}"`, `unknown land class "${line.to}" (to)`);
    if (from && to && from === to)
      bad('changes.to', `转出与转入同为${label(from).zh}`, `from and to are both ${label(from).en}`);
    if (!r.ok || !r.value.gt(0))
      bad(
        'changes.area',
        `面积"${line.area}"须为正数（hm²）`,
        `area "${line.area}" must be a number > 0 (hm²)`,
      );
    if (!t || !from || !to || from === to || !r.ok || !r.value.gt(0)) return;
    if (!lands.has(t)) {
      const base = landOf(t);
      if (!base) {
        bad('changes', '基准数据没有土地利用面积', 'the baseline has no land-use areas');
        return;
      }
      lands.set(t, base);
    }
    const m = lands.get(t)!;
    const moved = convertValue(r.value, hm2, area!.unitValue);
    m.set(from, (m.get(from) ?? ZERO).minus(moved));
    m.set(to, (m.get(to) ?? ZERO).plus(moved));
    outflow.set(`${t}|${from}`, (outflow.get(`${t}|${from}`) ?? ZERO).plus(r.value));
  });
  for (const [t, m] of lands)
    for (const [cls, v] of m)
      if (v.isNeg()) {
        const out = outflow.get(`${t}|${cls}`) ?? ZERO;
        const available = convertValue(v, area!.unitValue, hm2).plus(out);
        issues.push({
          township: nameOf(t),
          field: `changes.from`,
          message: {
            zh: `${label(cls).zh}转出合计 ${fmt(out)} hm²，超过可用面积 ${fmt(available)} hm²`,
            en: `${label(cls).en}: ${fmt(out)} hm² converted in all, more than the ${fmt(available)} hm² available`,
          },
        });
      }

  // 3. edits of other inputs, merged into the township's values
  const edited = new Set<string>(); // township|input given by an edit: an edit wins over a scaling rule
  for (const [given, edits] of Object.entries(spec.edits ?? {})) {
    const t = resolveTownship(given, 'edits');
    if (!t) continue;
    const v = values.get(t)!;
    for (const id of Object.keys(edits)) edited.add(`${t}|${id}`);
    for (const [id, x] of Object.entries(edits))
      v[id] =
        typeof x === 'object' && x !== null
          ? { ...((v[id] as Record<string, string> | undefined) ?? {}), ...x }
          : x;
  }

  // 4. inputs that follow land classes (the set declares them, e.g. grain output with paddy and dry farmland):
  // scenario = baseline × Σ scenario area ÷ Σ baseline area of the classes, the baseline's yield per hm² held
  const scaled: ScaledInput[] = [];
  for (const [t, m] of lands) {
    const base = landOf(t);
    if (!base) continue;
    for (const input of set.inputs) {
      const classes = input.scalesWithLandClasses;
      if (!classes || edited.has(`${t}|${input.id}`)) continue;
      const given = baseOf.get(t)!.values.get(input.id);
      if (given === undefined || given instanceof Map) continue;
      const before = given as Dec;
      const a0 = sum(classes.map((c) => base.get(c) ?? ZERO));
      const a1 = sum(classes.map((c) => m.get(c) ?? ZERO));
      if (a1.eq(a0)) continue;
      const names = classes.map((c) => label(c));
      if (a0.isZero()) {
        issues.push({
          township: nameOf(t),
          field: input.id,
          message: {
            zh: `基准没有${names.map((n) => n.zh).join('、')}面积，无法按单产推算"${input.labels.zh}"；请在其他指标修改中给出情景值`,
            en: `the baseline has no ${names.map((n) => n.en).join(', ')} area, so "${input.labels.en}" cannot follow it at the baseline's yield; give the scenario's value as an edit`,
          },
        });
        continue;
      }
      const after = before.times(a1).div(a0);
      values.get(t)![input.id] = after.toString();
      scaled.push({
        township: t,
        input: input.id,
        classes,
        before,
        after,
        areaBefore: convertValue(a0, area!.unitValue, hm2),
        areaAfter: convertValue(a1, area!.unitValue, hm2),
      });
    }
  }
  if (issues.length) return { records: [], issues };

  const raws: RawRecord[] = baseline.map((b) => {
    const v = values.get(b.township)!;
    const land = lands.get(b.township);
    if (land && area) v[area.id] = Object.fromEntries([...land].map(([c, x]) => [c, x.toString()]));
    const overrides = b.overrides
      ? Object.fromEntries(
          [...b.overrides].map(([c, o]) => [c, { quantity: o.quantity.toString(), source: o.source }]),
        )
      : undefined;
    return { township: b.township, year: b.year, values: v, ...(overrides ? { overrides } : {}) };
  });
  const checked = validateRecords(set, raws, townships);
  if (checked.issues.length)
    return {
      records: [],
      issues: checked.issues.map((i) => (i.township ? { ...i, township: nameOf(i.township) } : i)),
    };
  return { ...checked, scaled };
}

/** Σ hm² of the change list by (from, to) pair: the scenario's land-use transfer, for reports. */
export function changeSummary(
  set: CompiledSet,
  spec: ScenarioSpec,
): { from: string; to: string; area: Dec }[] {
  const m = new Map<string, Dec>();
  for (const line of spec.changes) {
    const from = findLandClass(set, line.from);
    const to = findLandClass(set, line.to);
    const r = readDecimal(line.area);
    if (!from || !to || !r.ok) continue;
    const k = `${from}|${to}`;
    m.set(k, (m.get(k) ?? ZERO).plus(r.value));
  }
  return [...m].map(([k, area]) => {
    const [from, to] = k.split('|') as [string, string];
    return { from, to, area };
  });
}

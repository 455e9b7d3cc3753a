/**
 * Throughput bench: a synthetic province of 1,000 townships × 10 years (10,000 township-years),
 * accounted by the exact engine (decimal, 34 digits) and by a float baseline compiled from the same
 * formulas. Run with `npm run bench` (tsx bench/accounting.bench.ts). Single-threaded.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadSet } from '../src/methods/resolve.js';
import { compilePlan, perClassKeysOf } from '../src/methods/compile.js';
import { floatArithmetic } from '../src/domain/formula.js';
import { accountTownship, productsInProfile, type InputRecord } from '../src/domain/accounting.js';
import { TOTAL, type ComponentPlan, type CompiledSet } from '../src/domain/model.js';
import { validateRecords, type RawRecord, type TownshipInfo } from '../src/domain/inputs.js';
import { readDatasetJson } from '../src/io/dataset.js';
import { Dec, ZERO } from '../src/domain/decimal.js';
import { mulberry32 } from '../seeds/generate.js';

const TOWNSHIPS = 1000;
const YEARS = 10;
const FIRST_YEAR = 2015;
const WARMUP = 200;
const REPEATS = 3;
const PROFILE = 'academic';
const SEED = 20240601;

/* ---------- synthetic province ---------- */

function buildProvince(set: CompiledSet): { raw: RawRecord[]; townships: TownshipInfo[] } {
  const seed = readDatasetJson('seeds/minhou/dataset.json');
  const rand = mulberry32(SEED);
  const factor = () => 0.8 + 0.4 * rand();
  const rangeMax = new Map(set.inputs.map((i) => [i.id, i.range ? i.range[1].toNumber() : Infinity]));
  const baseTownships = seed.townships;
  const raw: RawRecord[] = [];
  const townships: TownshipInfo[] = [];
  const scale = (id: string, text: unknown, f: number) =>
    Math.min(Number(text) * f, rangeMax.get(id) ?? Infinity).toFixed(6);

  for (let t = 0; t < TOWNSHIPS; t++) {
    const base = baseTownships[t % baseTownships.length]!;
    const baseRecords = seed.records.filter((r) => r.township === base.id);
    const id = `t${String(t).padStart(4, '0')}_${base.id}`;
    // one area factor per township: its area, and hence the sum of its land-use areas, is fixed across years
    const baseAreaKm2 = Number(base.areaKm2!.toString());
    const areaKm2Cents = Math.round(baseAreaKm2 * factor() * 100); // 0.01 km² = 1 hm²
    const totalHm2Cents = areaKm2Cents * 100; // in 0.01 hm²
    townships.push({ id, areaKm2: new Dec(areaKm2Cents).div(100) });

    for (let y = 0; y < YEARS; y++) {
      const src = baseRecords[y % baseRecords.length]!;
      const values: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(src.values)) {
        if (key === 'land_area') {
          // every class scaled by its own factor, then renormalised to the township's area (0.01 hm²);
          // the largest class takes the rounding remainder so the areas add up exactly
          const entries = Object.entries(v as Record<string, string>).map(
            ([cls, a]) => [cls, Number(a) * factor()] as const,
          );
          const total = entries.reduce((s, [, a]) => s + a, 0);
          const cents = entries.map(([cls, a]) => [cls, Math.round((a / total) * totalHm2Cents)] as const);
          const diff = totalHm2Cents - cents.reduce((s, [, c]) => s + c, 0);
          let largest = 0;
          cents.forEach(([, c], i) => {
            if (c > cents[largest]![1]) largest = i;
          });
          values[key] = Object.fromEntries(
            cents.map(([cls, c], i) => [cls, ((i === largest ? c + diff : c) / 100).toFixed(2)]),
          );
        } else if (typeof v === 'object' && v !== null) {
          values[key] = Object.fromEntries(
            Object.entries(v as Record<string, string>).map(([cls, x]) => [cls, scale(key, x, factor())]),
          );
        } else values[key] = scale(key, v, factor());
      }
      raw.push({ township: id, year: FIRST_YEAR + y, values });
    }
  }
  return { raw, townships };
}

/* ---------- float baseline: accountTownship's loop on numbers ---------- */

interface FloatComponent {
  readonly id: string;
  /** A dependency outside the profile: never applicable, as in accountTownship. */
  readonly depOutsideProfile: boolean;
  readonly inputsUsed: readonly string[];
  readonly componentsUsed: readonly string[];
  readonly classes: readonly string[] | null;
  readonly plan: ComponentPlan<number>;
  readonly quantity: ReadonlyArray<(e: ReadonlyArray<number>) => number>;
  readonly value?: ReadonlyArray<(e: ReadonlyArray<number>) => number>;
  readonly classSlots: readonly number[];
  readonly slot: number;
}

interface FloatRecord {
  readonly env: readonly number[];
  readonly present: ReadonlySet<string>;
}

function compileFloat(set: CompiledSet): FloatComponent[] {
  const included = new Set(productsInProfile(set, PROFILE).map((p) => p.id));
  const perClassKeys = perClassKeysOf(
    set.inputs,
    set.landClasses.map((l) => l.id),
    set.components,
  );
  const { layout } = set;
  const inProfile = set.components.filter((c) => included.has(c.product.id));
  const includedIds = new Set(inProfile.map((c) => c.id));
  return inProfile.map((c) => {
    const plan = compilePlan(c, set.parameters, layout, floatArithmetic, (d) => d.toNumber(), perClassKeys);
    const keys = c.landClasses ?? [TOTAL];
    return {
      id: c.id,
      depOutsideProfile: c.componentsUsed.some((d) => !includedIds.has(d)),
      inputsUsed: c.inputsUsed,
      componentsUsed: c.componentsUsed,
      classes: c.landClasses,
      plan,
      quantity: keys.map((k) => plan.quantity.get(k)!),
      value: plan.value ? keys.map((k) => plan.value!.get(k)!) : undefined,
      classSlots: (c.landClasses ?? []).map((cls) => layout.perClass(c.id, cls)!),
      slot: layout.scalar(c.id)!,
    };
  });
}

function toFloatRecord(set: CompiledSet, record: InputRecord): FloatRecord {
  const env: number[] = new Array<number>(set.layout.size);
  for (const input of set.inputs) {
    const v = record.values.get(input.id);
    if (v === undefined) continue;
    if (input.perLandClass)
      for (const [cls, x] of v as ReadonlyMap<string, Dec>)
        env[set.layout.perClass(input.id, cls)!] = x.toNumber();
    else env[set.layout.scalar(input.id)!] = (v as Dec).toNumber();
  }
  return { env, present: new Set(record.values.keys()) };
}

interface FloatAccount {
  gep: number;
  valued: number;
  evaluated: number;
}

/** Mirrors accountTownship: applicability, per-class quantities, cap (proportional), value per class. */
function accountFloat(
  components: readonly FloatComponent[],
  qSlot: number,
  record: FloatRecord,
  out: FloatAccount,
): void {
  const env = record.env.slice();
  const skipped = new Set<string>();
  let gep = 0;
  for (let i = 0; i < components.length; i++) {
    const c = components[i]!;
    if (
      c.depOutsideProfile ||
      c.inputsUsed.some((id) => !record.present.has(id)) ||
      c.componentsUsed.some((id) => skipped.has(id))
    ) {
      skipped.add(c.id);
      continue;
    }
    out.evaluated++;
    let quantity = 0;
    if (c.classes) {
      const n = c.classes.length;
      const q = new Array<number>(n);
      for (let k = 0; k < n; k++) quantity += q[k] = c.quantity[k]!(env);
      if (c.plan.cap) {
        const cap = c.plan.cap(env);
        if (quantity > cap) {
          const f = cap / quantity;
          for (let k = 0; k < n; k++) q[k]! *= f;
          quantity = cap;
        }
      }
      for (let k = 0; k < n; k++) env[c.classSlots[k]!] = q[k]!;
      env[c.slot] = quantity;
      if (!c.value) continue;
      let value = 0;
      for (let k = 0; k < n; k++) {
        env[qSlot] = q[k]!;
        value += c.value[k]!(env);
      }
      gep += value;
    } else {
      quantity = c.quantity[0]!(env);
      if (c.plan.cap) {
        const cap = c.plan.cap(env);
        if (quantity > cap) quantity = cap;
      }
      env[c.slot] = quantity;
      if (!c.value) continue;
      env[qSlot] = quantity;
      gep += c.value[0]!(env);
    }
    out.valued++;
  }
  out.gep += gep;
}

/* ---------- timing ---------- */

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number, d = 0) =>
  x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

function main() {
  const t0 = performance.now();
  const set = loadSet('coefficients', 'gep-functional');
  const { raw, townships } = buildProvince(set);
  const { records, issues } = validateRecords(set, raw, townships);
  if (issues.length)
    throw new Error(
      `synthetic province failed validation (${issues.length} issues), e.g. ${JSON.stringify(issues.slice(0, 3))}`,
    );
  const setupMs = performance.now() - t0;

  const floatComponents = compileFloat(set);
  const floatRecords = records.map((r) => toFloatRecord(set, r));
  const qSlot = set.layout.qSlot;

  // ---- warm-up (both engines), not timed
  for (const r of records.slice(0, WARMUP)) accountTownship(set, r, PROFILE);
  for (const r of floatRecords.slice(0, WARMUP))
    accountFloat(floatComponents, qSlot, r, { gep: 0, valued: 0, evaluated: 0 });

  // ---- exact
  const exactRuns: number[] = [];
  let exactGep = ZERO;
  let valued = 0;
  let evaluated = 0;
  let formulaCalls = 0;
  for (let run = 0; run < REPEATS; run++) {
    let gep = ZERO;
    let v = 0;
    let e = 0;
    let calls = 0;
    const start = performance.now();
    for (const r of records) {
      const a = accountTownship(set, r, PROFILE);
      gep = gep.plus(a.gep);
      for (const c of a.components) {
        if (c.status === 'not_applicable') continue;
        e++;
        const keys = c.component.landClasses?.length ?? 1;
        calls += keys + (c.component.plan.cap ? 1 : 0) + (c.value !== undefined ? keys : 0);
        if (c.value !== undefined) v++;
      }
    }
    const ms = performance.now() - start;
    exactRuns.push(ms);
    [exactGep, valued, evaluated, formulaCalls] = [gep, v, e, calls];
    // a full province that takes minutes is still reported, once
    if (ms > 40_000) break;
  }
  const rssAfterExact = process.memoryUsage().rss;

  // ---- float
  const floatRuns: number[] = [];
  let floatAcc: FloatAccount = { gep: 0, valued: 0, evaluated: 0 };
  for (let run = 0; run < REPEATS; run++) {
    const acc: FloatAccount = { gep: 0, valued: 0, evaluated: 0 };
    const start = performance.now();
    for (const r of floatRecords) accountFloat(floatComponents, qSlot, r, acc);
    floatRuns.push(performance.now() - start);
    floatAcc = acc;
  }

  const exactMs = median(exactRuns);
  const floatMs = median(floatRuns);
  const n = records.length;
  const exactNum = exactGep.toNumber();
  const rel = Math.abs(floatAcc.gep - exactNum) / Math.abs(exactNum);
  const mem = process.memoryUsage();
  const mb = (b: number) => `${fmt(b / 2 ** 20, 1)} MB`;

  const rows: [string, string, string][] = [
    ['', 'exact (decimal, 34 digits)', 'float (float64)'],
    ['wall time, median', `${fmt(exactMs, 1)} ms`, `${fmt(floatMs, 2)} ms`],
    ['runs (ms)', exactRuns.map((x) => fmt(x, 0)).join(' / '), floatRuns.map((x) => fmt(x, 1)).join(' / ')],
    ['township-years/s', fmt(n / (exactMs / 1000)), fmt(n / (floatMs / 1000))],
    ['product values/s', fmt(valued / (exactMs / 1000)), fmt(floatAcc.valued / (floatMs / 1000))],
    ['component evaluations', fmt(evaluated), fmt(floatAcc.evaluated)],
    ['components with a value', fmt(valued), fmt(floatAcc.valued)],
    ['formula evaluations (exact)', fmt(formulaCalls), ''],
    ['µs per township-year', fmt((exactMs * 1000) / n, 1), fmt((floatMs * 1000) / n, 2)],
    ['province GEP (元)', exactGep.toFixed(2), floatAcc.gep.toFixed(2)],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const line = (r: [string, string, string]) => `  ${r[0].padEnd(w0)}  ${r[1].padStart(w1)}  ${r[2]}`;

  const out = [
    'GEP Ledger accounting bench',
    `  node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, single thread`,
    `  set ${set.id}@${set.version}, profile ${PROFILE}, ${set.components.length} components ` +
      `(${floatComponents.length} in profile), ${set.landClasses.length} land classes`,
    `  province: ${fmt(TOWNSHIPS)} townships × ${YEARS} years = ${fmt(n)} township-years ` +
      `(perturbed Minhou seed, PRNG seed ${SEED}); built + validated in ${fmt(setupMs)} ms (untimed)`,
    `  warm-up ${WARMUP} records; median of ${REPEATS} runs` +
      (exactRuns.length < REPEATS ? ` (exact: ${exactRuns.length} run, too slow to repeat)` : ''),
    '',
    ...rows.map(line),
    '',
    `  exact / float ratio        ${fmt(exactMs / floatMs, 1)}×`,
    `  GEP relative difference    ${rel.toExponential(3)}  ${rel <= 1e-9 ? 'OK (≤ 1e-9)' : 'FAIL (> 1e-9)'}`,
    `  rss after exact            ${mb(rssAfterExact)}`,
    `  rss / heapUsed at end      ${mb(mem.rss)} / ${mb(mem.heapUsed)}`,
  ];
  console.log(out.join('\n'));
  if (rel > 1e-9) process.exitCode = 1;
}

main();

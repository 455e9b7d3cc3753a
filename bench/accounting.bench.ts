/**
 * Throughput bench: a synthetic province of 1,000 townships × 10 years (10,000 township-years), accounted in
 * one run by the new exact engine (fixed-point BigInt, fixed-1), by the previous exact engine (decimal.js,
 * 34 digits, decimal-34) and by a float baseline compiled from the same formulas. Then a province run in a
 * child process (streamed township by township, totals only) for its time and peak RSS.
 * Run with `npm run bench` (tsx bench/accounting.bench.ts). Single-threaded.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadSet } from '../src/methods/resolve.js';
import { compilePlan, perClassKeysOf } from '../src/methods/compile.js';
import { floatArithmetic } from '../src/domain/formula.js';
import {
  accountTownship,
  accountTownshipDecimal,
  productsInProfile,
  type InputRecord,
} from '../src/domain/accounting.js';
import { TOTAL, type ComponentPlan, type CompiledSet } from '../src/domain/model.js';
import { validateRecords } from '../src/domain/inputs.js';
import { Dec, ZERO } from '../src/domain/decimal.js';
import { scaledToDec } from '../src/domain/fixed.js';
import {
  addScratch,
  emptyTotals,
  fixedPlan,
  loadRecord,
  runFixed,
  settleTotals,
} from '../src/domain/fixed-account.js';
import { provinceRun } from '../src/domain/province.js';
import { pricedSet } from '../src/domain/prices.js';
import { buildProvince, provinceTownships } from '../seeds/province.js';

const TOWNSHIPS = 1000;
const YEARS = 10;
const FIRST_YEAR = 2015;
const WARMUP = 200;
const REPEATS = 3;
const PROFILE = 'academic';
const SEED = 20240601;
const SET = 'gep-functional';
const PROVINCE = { townships: TOWNSHIPS, years: YEARS, firstYear: FIRST_YEAR, seed: SEED };

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
const mb = (b: number) => `${fmt(b / 2 ** 20, 1)} MB`;

/** CPU time (user + system) of each run, in ms: on a shared machine, the time on one core. */
const cpuRuns = new Map<number[], number[]>();

/** Times `run` REPEATS times (once when it takes more than 20 s); returns the wall times in ms. */
function timed(run: () => void): number[] {
  const runs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const c0 = process.cpuUsage();
    const start = performance.now();
    run();
    runs.push(performance.now() - start);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (runs[i]! > 20_000) break;
  }
  cpuRuns.set(runs, cpu);
  return runs;
}

/** The province run in this process: township by township, generated, validated, accounted, dropped. */
/** Every engine accounts at the constant prices of one year, so that their figures compare. */
const pricesOf = (stated: CompiledSet) => {
  const year = stated.constantPriceYear ?? 2020;
  return { year, set: pricedSet(stated, year) };
};

function provinceMode() {
  const stated = loadSet('coefficients', SET);
  const { set, year } = pricesOf(stated);
  const start = performance.now();
  const c0 = process.cpuUsage();
  const run = provinceRun(stated, PROFILE, year);
  let engineMs = 0;
  let peak = process.memoryUsage().rss;
  for (const t of provinceTownships(set, PROVINCE)) {
    const { records, issues } = validateRecords(set, t.raw, [t.township]);
    if (issues.length) throw new Error(`province failed validation: ${JSON.stringify(issues.slice(0, 3))}`);
    const s = performance.now();
    for (const r of records) run.add(r);
    engineMs += performance.now() - s;
    if (run.totals.records % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const totalMs = performance.now() - start;
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000;
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  console.log(
    JSON.stringify({
      records: run.totals.records,
      decimalRecords: run.totals.decimalRecords,
      gep: scaledToDec(run.totals.gep, run.totals.scale).toFixed(6),
      totalMs,
      cpuMs,
      engineMs,
      peakRss: peak,
    }),
  );
}

function main() {
  const t0 = performance.now();
  const stated = loadSet('coefficients', SET);
  const { set, year } = pricesOf(stated);
  const options = { constantPriceYear: year };
  const { raw, townships } = buildProvince(set, PROVINCE);
  const { records, issues } = validateRecords(set, raw, townships);
  if (issues.length)
    throw new Error(
      `synthetic province failed validation (${issues.length} issues), e.g. ${JSON.stringify(issues.slice(0, 3))}`,
    );
  const setupMs = performance.now() - t0;
  const n = records.length;

  // ---- the new exact engine: its plan, and every record loaded into fixed-point arrays (untimed, as float's)
  const plan = fixedPlan(set, PROFILE, new Set(productsInProfile(set, PROFILE).map((p) => p.id)));
  const env = plan.scratch.env;
  const fixedRecords = records.map((r) => {
    if (!loadRecord(plan, r)) throw new Error(`${r.township} ${r.year}: not exact at 18 decimals`);
    return { env: env.slice(), present: plan.scratch.present.slice() };
  });
  const runExact = () => {
    const totals = emptyTotals(plan);
    for (const r of fixedRecords) {
      for (let k = 0; k < r.env.length; k++) env[k] = r.env[k];
      plan.scratch.present.set(r.present);
      plan.scratch.roleDeduction = 0n;
      runFixed(plan);
      addScratch(plan, totals);
    }
    return settleTotals(totals);
  };
  const floatComponents = compileFloat(set);
  const floatRecords = records.map((r) => toFloatRecord(set, r));
  const qSlot = set.layout.qSlot;
  const runFloat = () => {
    const acc: FloatAccount = { gep: 0, valued: 0, evaluated: 0 };
    for (const r of floatRecords) accountFloat(floatComponents, qSlot, r, acc);
    return acc;
  };

  // ---- warm-up, not timed
  for (const r of records.slice(0, WARMUP)) {
    accountTownshipDecimal(stated, r, PROFILE, options);
    accountTownship(stated, r, PROFILE, options);
  }
  runExact();
  runFloat();

  let exactTotals = emptyTotals(plan);
  const exactRuns = timed(() => (exactTotals = runExact()));
  let floatAcc: FloatAccount = { gep: 0, valued: 0, evaluated: 0 };
  const floatRuns = timed(() => (floatAcc = runFloat()));
  // the new engine from Dec records (the conversion to fixed point timed too), totals only
  const loadRuns = timed(() => {
    const r = provinceRun(stated, PROFILE, year);
    for (const x of records) r.add(x);
  });
  // the new engine behind accountTownship: full results (Dec, Maps, trace env), as the app keeps them
  let fullGep = ZERO;
  const fullRuns = timed(() => {
    let g = ZERO;
    for (const r of records) g = g.plus(accountTownship(stated, r, PROFILE, options).gep);
    fullGep = g;
  });
  const rssBeforeDecimal = process.memoryUsage().rss;
  let decimalGep = ZERO;
  const decimalRuns = timed(() => {
    let g = ZERO;
    for (const r of records) g = g.plus(accountTownshipDecimal(stated, r, PROFILE, options).gep);
    decimalGep = g;
  });

  const exactMs = median(exactRuns);
  const floatMs = median(floatRuns);
  const loadMs = median(loadRuns);
  const fullMs = median(fullRuns);
  const decimalMs = median(decimalRuns);
  const exactGep = scaledToDec(exactTotals.gep, exactTotals.scale);
  const rel = Math.abs(floatAcc.gep - exactGep.toNumber()) / Math.abs(exactGep.toNumber());
  const vsDecimal = exactGep.minus(decimalGep).abs();
  const fullVsDecimal = fullGep.minus(decimalGep).abs();
  const floatCents = new Dec(floatAcc.gep.toFixed(2)).minus(exactGep.toFixed(2)).abs();

  // ---- the province run, in a child process of its own (its RSS is its own)
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--province'],
    {
      encoding: 'utf8',
    },
  );
  if (child.status !== 0) throw new Error(`province run failed: ${child.stderr}`);
  const province = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
    records: number;
    decimalRecords: number;
    gep: string;
    totalMs: number;
    cpuMs: number;
    engineMs: number;
    peakRss: number;
  };

  const cpuOf = (runs: number[]) => median(cpuRuns.get(runs)!);
  const floatCpu = cpuOf(floatRuns);
  const row = (label: string, ms: number, runs: number[]) =>
    `  ${label.padEnd(48)} ${fmt(ms, 0).padStart(7)} ms wall ${fmt(ms / floatMs, 1).padStart(5)}×  ` +
    `${fmt(cpuOf(runs), 0).padStart(7)} ms cpu ${fmt(cpuOf(runs) / floatCpu, 1).padStart(5)}×  ` +
    `${fmt((cpuOf(runs) * 1000) / n, 1).padStart(7)} µs cpu/township-year  (wall ${runs.map((x) => fmt(x, 0)).join(' / ')})`;
  const out = [
    'GEP Ledger accounting bench',
    `  node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, single thread`,
    `  set ${set.id}@${set.version}, profile ${PROFILE}, ${set.components.length} components ` +
      `(${plan.components.length} in profile), ${set.landClasses.length} land classes, constant prices of ${year}`,
    `  province: ${fmt(TOWNSHIPS)} townships × ${YEARS} years = ${fmt(n)} township-years ` +
      `(perturbed Minhou seed, PRNG seed ${SEED}); built + validated in ${fmt(setupMs)} ms (untimed)`,
    `  warm-up ${WARMUP} records; median of ${REPEATS} runs (one run when a run takes > 20 s); ratios to float`,
    `  wall time suffers from other processes on a shared machine; cpu time (user + system) is the time on one core`,
    '',
    row('float64 baseline (pre-converted records)', floatMs, floatRuns),
    row('exact fixed-1, totals (pre-converted records)', exactMs, exactRuns),
    row('exact fixed-1, totals, from Dec records', loadMs, loadRuns),
    row('exact fixed-1 via accountTownship (Dec results)', fullMs, fullRuns),
    row('previous exact decimal-34 (accountTownship)', decimalMs, decimalRuns),
    '',
    `  exact / float ratio              ${fmt(exactMs / floatMs, 2)}× wall, ${fmt(cpuOf(exactRuns) / floatCpu, 2)}× cpu (target ≤ 5×); ` +
      `${fmt(exactMs, 0)} ms wall, ${fmt(cpuOf(exactRuns), 0)} ms cpu (target < 1,000 ms on one core)`,
    `  decimal-34 / fixed-1 ratio       ${fmt(decimalMs / exactMs, 1)}× wall, ${fmt(cpuOf(decimalRuns) / cpuOf(exactRuns), 1)}× cpu`,
    `  province GEP fixed-1 (元)        ${exactGep.toFixed(6)}`,
    `  province GEP decimal-34 (元)     ${decimalGep.toFixed(6)}   |Δ| ${vsDecimal.toExponential(2)} 元 ${vsDecimal.lte('1e-6') ? 'OK (≤ 1e-6)' : 'FAIL (> 1e-6)'}`,
    `  accountTownship fixed-1 |Δ|      ${fullVsDecimal.toExponential(2)} 元`,
    `  province GEP float64 (元)        ${floatAcc.gep.toFixed(6)}   relative ${rel.toExponential(3)}; at the fen: ${floatCents.isZero() ? 'equal' : `off by ${floatCents.toFixed(2)} 元`}`,
    `  rss in the comparison process    ${mb(rssBeforeDecimal)} before decimal-34, ${mb(process.memoryUsage().rss)} at end`,
    '',
    `  province run (child process: generate, validate, account township by township, totals only)`,
    `    ${fmt(province.records)} township-years (${province.decimalRecords} by decimal-34), GEP ${province.gep} 元`,
    `    wall ${fmt(province.totalMs, 0)} ms (cpu ${fmt(province.cpuMs, 0)} ms) in all, ${fmt(province.engineMs, 0)} ms wall accounting; peak RSS ${mb(province.peakRss)} (target < 300 MB)`,
    `    same GEP as above: ${province.gep === exactGep.toFixed(6) ? 'yes' : 'NO'}`,
  ];
  console.log(out.join('\n'));
  if (rel > 1e-9 || vsDecimal.gt('1e-6') || province.gep !== exactGep.toFixed(6)) process.exitCode = 1;
}

if (process.argv.includes('--province')) provinceMode();
else main();

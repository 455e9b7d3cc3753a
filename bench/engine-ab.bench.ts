/**
 * The exact engine of two checkouts, before and after, in one process: the province of `npm run bench` (1,000
 * townships × 10 years, set gep-functional, profile academic, constant prices) accounted into totals by each
 * checkout's fixed engine (runFixed and the totals, on records loaded once, untimed), the two in turn, REPEATS times
 * each. Prints the cpu time (user + system) of each: least and median, and their ratio; exits 1 when the two give a
 * different province GEP. On a shared machine whose speed drifts, runs in turn in one process compare better than two
 * benches run one after the other.
 *
 *   git worktree add /tmp/base <commit> && cp -al node_modules /tmp/base/
 *   BENCH_BASE=/tmp/base npx tsx bench/engine-ab.bench.ts
 */
import { fileURLToPath } from 'node:url';

const REPEATS = 12;
const base = process.env.BENCH_BASE;
if (!base) throw new Error('BENCH_BASE: the folder of the checkout to compare with');
const here = fileURLToPath(new URL('..', import.meta.url));

/** What the bench uses of a checkout's engine (the same API in every checkout since fixed-1). */
interface Engine {
  loadSet(dir: string, id: string): { constantPriceYear?: number };
  pricedSet(set: unknown, year: number): unknown;
  buildProvince(set: unknown, o: object): { raw: unknown[]; townships: unknown[] };
  validateRecords(set: unknown, raw: unknown[], townships: unknown[]): { records: unknown[] };
  productsInProfile(set: unknown, profile: string): { id: string }[];
  fixedPlan(set: unknown, profile: string, included: Set<string>): Plan;
  loadRecord(plan: Plan, record: unknown): boolean;
  runFixed(plan: Plan): void;
  emptyTotals(plan: Plan): { gep: bigint; scale: number };
  addScratch(plan: Plan, totals: unknown): void;
  /** Only in checkouts that settle the totals when read. */
  settleTotals?: (totals: unknown) => void;
}
interface Plan {
  scratch: { env: (bigint | undefined)[]; present: Uint8Array; roleDeduction: bigint };
}

async function engineOf(root: string): Promise<Engine> {
  const m = (path: string) => import(`${root}/${path}`) as Promise<Partial<Engine>>;
  const parts = await Promise.all(
    [
      'src/methods/resolve.ts',
      'src/domain/prices.ts',
      'seeds/province.ts',
      'src/domain/inputs.ts',
      'src/domain/accounting.ts',
      'src/domain/fixed-account.ts',
    ].map(m),
  );
  return Object.assign({}, ...parts) as Engine;
}

/** A checkout's province run, as a function that runs it once and gives its cpu time (ms) and GEP. */
async function prepare(root: string): Promise<() => { cpuMs: number; gep: string }> {
  const e = await engineOf(root);
  const stated = e.loadSet(`${root}/coefficients`, 'gep-functional');
  const set = e.pricedSet(stated, stated.constantPriceYear ?? 2020);
  const { raw, townships } = e.buildProvince(set, {
    townships: 1000,
    years: 10,
    firstYear: 2015,
    seed: 20240601,
  });
  const { records } = e.validateRecords(set, raw, townships);
  const included = new Set(e.productsInProfile(set, 'academic').map((p) => p.id));
  const plan = e.fixedPlan(set, 'academic', included);
  const { env, present } = plan.scratch;
  const loaded = records.map((r) => {
    if (!e.loadRecord(plan, r)) throw new Error(`${root}: a record is not exact at the input scale`);
    return { env: env.slice(), present: present.slice() };
  });
  return () => {
    const c0 = process.cpuUsage();
    const totals = e.emptyTotals(plan);
    for (const r of loaded) {
      for (let k = 0; k < r.env.length; k++) env[k] = r.env[k];
      present.set(r.present);
      plan.scratch.roleDeduction = 0n;
      e.runFixed(plan);
      e.addScratch(plan, totals);
    }
    e.settleTotals?.(totals);
    const c = process.cpuUsage(c0);
    const text = totals.gep.toString().padStart(totals.scale + 1, '0');
    return {
      cpuMs: (c.user + c.system) / 1000,
      gep: `${text.slice(0, -totals.scale)}.${text.slice(-totals.scale, -totals.scale + 6)}`,
    };
  };
}

const runs = [
  { name: `base (${base})`, run: await prepare(base), cpu: [] as number[], gep: '' },
  { name: `this (${here})`, run: await prepare(here), cpu: [] as number[], gep: '' },
];
for (let i = 0; i < REPEATS; i++)
  for (const r of runs) {
    const { cpuMs, gep } = r.run();
    r.cpu.push(cpuMs);
    r.gep = gep;
  }
const stats = runs.map((r) => {
  const sorted = [...r.cpu].sort((a, b) => a - b);
  return { least: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]! };
});
console.log(`fixed engine, 10,000 township-years into totals, ${REPEATS} runs each in turn (cpu time)`);
runs.forEach((r, i) =>
  console.log(
    `  ${r.name}: least ${stats[i]!.least.toFixed(0)} ms, median ${stats[i]!.median.toFixed(0)} ms; GEP ${r.gep}… 元`,
  ),
);
console.log(
  `  this / base: least ${(stats[1]!.least / stats[0]!.least).toFixed(2)}, median ${(stats[1]!.median / stats[0]!.median).toFixed(2)}`,
);
if (runs[0]!.gep !== runs[1]!.gep) {
  console.log('  the two GEPs differ');
  process.exitCode = 1;
}

/**
 * Import commit at scale: 10,000 township-year rows (1,000 townships × 10 years of the generated province)
 * validated and committed through the one survey write path (saveRecords: one statement per table), on the
 * embedded database; then the same rows again as a re-import of changed values (updates). Prints times and
 * peak RSS. Run with `npm run bench:import`. The XLSX reading itself is bench:xlsx's.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot } from '../src/store/boot.js';
import { SYSTEM_ACTOR } from '../src/store/audit.js';
import { saveRecords, validateSurvey } from '../src/store/survey.js';
import { loadCompiledSet } from '../src/store/sets.js';
import { getSettings } from '../src/store/settings.js';
import { provinceTownships } from '../seeds/province.js';
import type { RawRecord } from '../src/domain/inputs.js';

const TOWNSHIPS = Number(process.env.BENCH_TOWNSHIPS ?? 1000);
const YEARS = 10;

const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const timer = setInterval(sample, 50);

// the province's townships as a dataset without records: the import brings them
const { db } = await boot({ url: 'memory://', coefficientsDir: 'coefficients' });
const settings = await getSettings(db);
const set = await loadCompiledSet(db, settings.activeSet.id, settings.activeSet.version);
const raw: RawRecord[] = [];
const townships: unknown[] = [];
let area = 0;
for (const t of provinceTownships(set, { townships: TOWNSHIPS, years: YEARS, firstYear: 2012, seed: 7 })) {
  townships.push({
    id: t.township.id,
    labels: { zh: `乡镇 ${t.township.id}`, en: `Township ${t.township.id}` },
    kind: 'town',
    areaKm2: t.township.areaKm2!.toFixed(2),
  });
  area += t.township.areaKm2!.toNumber();
  raw.push(...t.raw);
}
await db.close();
const file = join(mkdtempSync(join(tmpdir(), 'gep-import-')), 'townships.json');
writeFileSync(
  file,
  JSON.stringify({
    format: 'gep-ledger/dataset@1',
    region: {
      id: 'province',
      labels: { zh: '示例省', en: 'Sample province' },
      sample: true,
      areaKm2: area.toFixed(2),
    },
    townships,
    records: [],
    transitions: [],
  }),
);
const seeded = await boot({ url: 'memory://', coefficientsDir: 'coefficients', seedFile: file });
const rssBefore = process.memoryUsage().rss;
peak = rssBefore;

const t0 = performance.now();
const { records, issues } = await validateSurvey(seeded.db, set, raw, { allowMissing: true });
if (issues.length) throw new Error(`validation: ${JSON.stringify(issues.slice(0, 3))}`);
const t1 = performance.now();
const created = await saveRecords(
  seeded.db,
  SYSTEM_ACTOR,
  set,
  records.map((record) => ({ record })),
  'merge',
);
const t2 = performance.now();
// a re-import: every value × 1.01
const again = raw.map((r) => ({
  ...r,
  values: Object.fromEntries(
    Object.entries(r.values).map(([k, v]) => [
      k,
      typeof v === 'object' && v !== null
        ? Object.fromEntries(Object.entries(v as Record<string, string>).map(([c, x]) => [c, x]))
        : (Number(v) * 1.01).toFixed(6),
    ]),
  ),
}));
const v2 = await validateSurvey(seeded.db, set, again, { allowMissing: true });
const updated = await saveRecords(
  seeded.db,
  SYSTEM_ACTOR,
  set,
  v2.records.map((record) => ({ record })),
  'merge',
);
const t3 = performance.now();
const [{ n }] = (await seeded.db.query<{ n: number }>('select count(*)::int as n from survey_records')) as [
  { n: number },
];
const [{ e }] = (await seeded.db.query<{ e: number }>(
  "select count(*)::int as e from audit_events where entity = 'survey_record'",
)) as [{ e: number }];
sample();
clearInterval(timer);
if (n !== records.length) throw new Error(`${n} records stored, ${records.length} expected`);
console.log(
  [
    `GEP Ledger import-commit bench — node ${process.version}, ${cpus()[0]?.model} × ${cpus().length}, embedded PGlite`,
    `  ${records.length.toLocaleString('en-US')} rows (${TOWNSHIPS} townships × ${YEARS} years), set ${set.id}@${set.version}`,
    `  validation ${(t1 - t0).toFixed(0)} ms; commit of new records ${(t2 - t1).toFixed(0)} ms (${created.length.toLocaleString('en-US')} field changes)`,
    `  re-import of changed values: validation + commit ${(t3 - t2).toFixed(0)} ms (${updated.length.toLocaleString('en-US')} field changes)`,
    `  total (validation + first commit) ${(t2 - t0).toFixed(0)} ms (target < 5,000 ms with upload and preview)`,
    `  stored ${n.toLocaleString('en-US')} records, ${e.toLocaleString('en-US')} audit events`,
    `  rss before ${mb(rssBefore)}, peak ${mb(peak)} (target < 500 MB)`,
  ].join('\n'),
);
await seeded.db.close();

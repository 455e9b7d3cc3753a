/**
 * DLTB import cost (issue 16): writes a synthetic land-parcel layer of the sample county with about 500,000
 * parcels (zipped shapefile, GBK DBF, the sample generator of seeds/minhou/layers.ts with parcels of
 * ~0.43 hm²), then imports it in a fresh process — unzip, read every record, sum by township and class in
 * exact decimals — and prints the parcels, the time, the throughput and the peak RSS of that process.
 *
 *   npm run bench:dltb            (PARCELS=100000 npm run bench:dltb for a smaller layer)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSet } from '../src/methods/resolve.js';
import { readDltb } from '../src/io/geo/dltb.js';
import { openLayer } from '../src/io/geo/layer.js';
import { Dec } from '../src/domain/decimal.js';
import { sampleCounty, writeSampleDltb } from '../seeds/minhou/layers.js';

const COEFFICIENTS = fileURLToPath(new URL('../coefficients', import.meta.url));
const set = loadSet(COEFFICIENTS, 'minhou-2021', '2.0.0');

async function importOnce(zip: string) {
  const { townships } = sampleCounty();
  const codes = townships.map((t) => ({ id: t.id, adminCode: t.adminCode, areaKm2: new Dec(t.areaKm2) }));
  const started = performance.now();
  const layer = await openLayer(zip, 'DLTB.zip');
  const unzipped = performance.now();
  const summary = await readDltb(layer, set, codes, {
    onProgress: (n) => n % 100_000 === 0 && process.stderr.write(`  … ${n} parcels\n`),
  });
  await layer.close();
  const seconds = (performance.now() - started) / 1000;
  const county = [...summary.sums.byTownship.values()]
    .flatMap((m) => [...m.values()])
    .reduce((a, b) => a.plus(b), new Dec(0))
    .div(1e6);
  console.log(
    JSON.stringify({
      parcels: summary.sums.parcels,
      seconds: Number(seconds.toFixed(2)),
      unzipSeconds: Number(((unzipped - started) / 1000).toFixed(2)),
      parcelsPerSecond: Math.round(summary.sums.parcels / seconds),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      countyKm2: county.toString(),
      unmatched: summary.sums.unmatched.length,
    }),
  );
}

if (process.argv[2] === '--import') await importOnce(process.argv[3]!);
else {
  const target = Number(process.env.PARCELS ?? 500_000);
  const { landUse } = sampleCounty();
  const totalHm2 = [...landUse.values()].flatMap((r) => Object.values(r)).reduce((a, v) => a + Number(v), 0);
  const dir = mkdtempSync(join(tmpdir(), 'dltb-bench-'));
  try {
    const zip = join(dir, 'DLTB.zip');
    const t0 = performance.now();
    const written = await writeSampleDltb(zip, new Map(set.landClasses.map((c) => [c.id, c.sourceCodes])), {
      parcelHm2: totalHm2 / target,
    });
    console.log(
      `wrote ${written} parcels (${(statSync(zip).size / 1024 / 1024).toFixed(1)} MB zip) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--import', zip],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        encoding: 'utf8',
      },
    );
    if (child.status !== 0) throw new Error(`import failed (${child.status})`);
    const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!);
    console.log(
      `import: ${r.parcels} parcels in ${r.seconds} s (unzip ${r.unzipSeconds} s), ${r.parcelsPerSecond} parcels/s, peak RSS ${r.peakRssMb} MB; county ${r.countyKm2} km², ${r.unmatched} unmatched codes`,
    );
    console.log(`node ${process.version}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

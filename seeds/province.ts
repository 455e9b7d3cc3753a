/**
 * A synthetic province (示例数据) for benchmarks and the engine's reference tests: townships made by perturbing
 * the Minhou seed records with a seeded PRNG (mulberry32; every value × a factor in [0.8, 1.2], capped at the
 * input's range; land-use areas renormalised so they add up exactly to the township's perturbed area).
 * Deterministic for a seed. `provinceTownships` yields one township's years at a time, so a province run can
 * stream them without holding the province.
 */
import { Dec } from '../src/domain/decimal.js';
import type { RawRecord, TownshipInfo } from '../src/domain/inputs.js';
import type { CompiledSet } from '../src/domain/model.js';
import { readDatasetJson } from '../src/io/dataset.js';
import { mulberry32 } from './generate.js';

export interface ProvinceOptions {
  townships: number;
  years: number;
  firstYear: number;
  seed: number;
  dataset?: string;
}

export function* provinceTownships(
  set: CompiledSet,
  o: ProvinceOptions,
): Generator<{ township: TownshipInfo; raw: RawRecord[] }> {
  const seed = readDatasetJson(o.dataset ?? 'seeds/minhou/dataset.json');
  const rand = mulberry32(o.seed);
  const factor = () => 0.8 + 0.4 * rand();
  const rangeMax = new Map(set.inputs.map((i) => [i.id, i.range ? i.range[1].toNumber() : Infinity]));
  const scale = (id: string, text: unknown, f: number) =>
    Math.min(Number(text) * f, rangeMax.get(id) ?? Infinity).toFixed(6);
  for (let t = 0; t < o.townships; t++) {
    const base = seed.townships[t % seed.townships.length]!;
    const baseRecords = seed.records.filter((r) => r.township === base.id);
    const id = `t${String(t).padStart(4, '0')}_${base.id}`;
    // one area factor per township: its area, and hence the sum of its land-use areas, is fixed across years
    const areaKm2Cents = Math.round(Number(base.areaKm2!.toString()) * factor() * 100); // 0.01 km² = 1 hm²
    const totalHm2Cents = areaKm2Cents * 100; // in 0.01 hm²
    const raw: RawRecord[] = [];
    for (let y = 0; y < o.years; y++) {
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
      raw.push({ township: id, year: o.firstYear + y, values });
    }
    yield { township: { id, areaKm2: new Dec(areaKm2Cents).div(100) }, raw };
  }
}

/** The whole province at once. */
export function buildProvince(set: CompiledSet, o: ProvinceOptions) {
  const raw: RawRecord[] = [];
  const townships: TownshipInfo[] = [];
  for (const t of provinceTownships(set, o)) {
    raw.push(...t.raw);
    townships.push(t.township);
  }
  return { raw, townships };
}

/** A generated province of `townships` townships × 2 years (2020, 2021) as a dataset file's text, as the benches seed it. */
import { loadSet } from '../src/methods/resolve.js';
import { provinceTownships } from '../seeds/province.js';

export function provinceDataset(townships: number): string {
  const set = loadSet('coefficients', 'minhou-2021', '2.0.0');
  const province = {
    format: 'gep-ledger/dataset@1',
    region: { id: 'province', labels: { zh: '示例省', en: 'Sample province' }, sample: true, areaKm2: '0' },
    townships: [] as unknown[],
    records: [] as unknown[],
    transitions: [],
  };
  let area = 0;
  for (const t of provinceTownships(set, { townships, years: 2, firstYear: 2020, seed: 20240601 })) {
    province.townships.push({
      id: t.township.id,
      labels: { zh: `乡镇 ${t.township.id}`, en: `Township ${t.township.id}` },
      kind: 'town',
      areaKm2: t.township.areaKm2!.toFixed(2),
    });
    area += t.township.areaKm2!.toNumber();
    province.records.push(...t.raw);
  }
  province.region.areaKm2 = area.toFixed(2);
  return JSON.stringify(province);
}

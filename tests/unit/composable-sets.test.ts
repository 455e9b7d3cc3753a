/**
 * Composable sets: a set derived from esv-xie-2015 that removes every GEP product, every input but the
 * land areas, and two land classes, and adds a class of its own, stands alone as an equivalent-factor
 * (ESV) study: a data file with land areas only is accounted, ESV worked by hand.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/main.js';
import { loadSet } from '../../src/methods/resolve.js';
import { runCli } from './cli-run.js';

const tmp = mkdtempSync(join(tmpdir(), 'gep-compose-'));
const COEFFS = join(tmp, 'coefficients');
cpSync('coefficients', COEFFS, { recursive: true });
const parent = loadSet(COEFFS, 'esv-xie-2015', '1.0.0');

const child = (id: string, body: string) => {
  mkdirSync(join(COEFFS, id), { recursive: true });
  writeFileSync(
    join(COEFFS, id, '1.0.0.yaml'),
    `id: ${id}\nversion: 1.0.0\nstatus: draft\ntitle: { zh: ${id}, en: ${id} }\nextends: { id: esv-xie-2015, version: 1.0.0 }\n${body}`,
  );
};
child(
  'county-esv',
  [
    `removeProducts: [${parent.products.map((p) => p.id).join(', ')}]`,
    `removeInputs: [${parent.inputs
      .filter((i) => i.id !== 'land_area')
      .map((i) => i.id)
      .join(', ')}]`,
    'removeLandClasses: [wetland, bare]',
    'landClasses:',
    '  - { id: tidal_flat, labels: { zh: 滩涂, en: Tidal flat }, ecosystem: wetland, sourceCodes: ["1106"] }',
    'equivalentFactorOverrides:',
    '  mapping: { tidal_flat: wetland }',
  ].join('\n'),
);
child('keeps-products', 'removeInputs: [precipitation]');
child('unknown-class', 'removeLandClasses: [moon_dust]');

describe('an ESV-only set derived by removing products, inputs and land classes', () => {
  const set = loadSet(COEFFS, 'county-esv');

  it('keeps land_area alone, 12 land classes, no products; the mapping lost the removed classes', () => {
    expect(set.inputs.map((i) => i.id)).toEqual(['land_area']);
    expect(set.products).toEqual([]);
    expect(set.landClasses.map((c) => c.id)).not.toContain('wetland');
    expect(set.landClasses.map((c) => c.id)).toContain('tidal_flat');
    expect(set.landClasses).toHaveLength(12);
    expect(set.equivalentFactor!.mapping.has('bare')).toBe(false);
    expect(set.equivalentFactor!.mapping.get('tidal_flat')).toBe('wetland');
  });

  it('accounts a data file with land areas only: 100 hm² broadleaf × 22.95 + 10 hm² tidal flat × 52.02, × 3,406.50 元/hm²', async () => {
    const areas = Object.fromEntries(set.landClasses.map((c) => [c.id, '0']));
    Object.assign(areas, { forest_broadleaf: '100', tidal_flat: '10' });
    const data = join(tmp, 'areas.json');
    writeFileSync(
      data,
      JSON.stringify({
        format: 'gep-ledger/dataset@1',
        region: { id: 'r', labels: { zh: '县', en: 'County' } },
        townships: [{ id: 'a', labels: { zh: '甲', en: 'A' }, kind: 'town' }],
        records: [{ township: 'a', year: 2021, values: { land_area: areas } }],
      }),
    );
    const r = await runCli(
      'account',
      '--set',
      'county-esv',
      '--coefficients',
      COEFFS,
      '--data',
      data,
      '--year',
      '2021',
      '--format',
      'json',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(EXIT.ok);
    const j = JSON.parse(r.out) as {
      county: { gep: string; esv: { total: string; byType: Record<string, string> } };
    };
    expect(j.county.gep).toBe('0');
    // 100 × 22.95 × 3406.50 = 7,817,917.5; 10 × 52.02 × 3406.50 = 1,772,061.3
    expect(j.county.esv.byType.broadleaf).toBe('7817917.5');
    expect(j.county.esv.byType.wetland).toBe('1772061.3');
    expect(j.county.esv.total).toBe('9589978.8');
  });
});

describe('removals are checked', () => {
  it('removing an input a kept product still uses is refused, naming the formula', () => {
    expect(() => loadSet(COEFFS, 'keeps-products')).toThrow(
      /water_conservation.*precipitation|precipitation/,
    );
  });

  it('removing a land class the parent does not have is refused', () => {
    expect(() => loadSet(COEFFS, 'unknown-class')).toThrow(
      /removeLandClasses\.moon_dust: no inherited land class "moon_dust"/,
    );
  });
});

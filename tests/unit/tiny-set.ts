/**
 * A tiny coefficient set written into a temporary folder (removed when the process ends), for tests
 * that must not follow the shipped sets.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * A one-product set: inputs x (1, range 0–1e6), y (1) and area (hm² or 亩, per land class: forest),
 * parameter k (元/t, 2 by default),
 * component c with quantity `quantity` (t) and value `value` (元).
 */
export function tinySet(
  o: { quantity?: string; value?: string; k?: string; kRange?: [string, string] } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'gep-harden-'));
  made.push(dir);
  mkdirSync(join(dir, 'tiny'));
  const set = {
    id: 'tiny',
    version: '1.0.0',
    status: 'draft',
    title: { zh: '小集', en: 'Tiny set' },
    profiles: [{ id: 'all', labels: { zh: '全部', en: 'All' } }],
    inputGroups: [{ id: 'g', labels: { zh: '组', en: 'Group' } }],
    landClasses: [{ id: 'forest', labels: { zh: '林地', en: 'Forest' }, ecosystem: 'forest' }],
    inputs: [
      {
        id: 'x',
        labels: { zh: '甲', en: 'X' },
        unit: '1',
        range: ['0', '1e6'],
        department: { zh: '部', en: 'Dept' },
        group: 'g',
      },
      {
        id: 'y',
        labels: { zh: '乙', en: 'Y' },
        unit: '1',
        department: { zh: '部', en: 'Dept' },
        group: 'g',
        required: false,
      },
      {
        id: 'area',
        labels: { zh: '面积', en: 'Area' },
        unit: 'hm2',
        acceptUnits: ['亩'],
        perLandClass: true,
        department: { zh: '部', en: 'Dept' },
        group: 'g',
        required: false,
      },
    ],
    parameters: [
      {
        id: 'k',
        labels: { zh: '价', en: 'Price' },
        unit: '元/t',
        value: o.k ?? '2',
        source: 'test',
        verified: true,
        ...(o.kRange ? { range: o.kRange } : {}),
      },
    ],
    products: [
      {
        id: 'p',
        category: 'provisioning',
        labels: { zh: '产品', en: 'Product' },
        method: 'market_value',
        profiles: ['all'],
        components: [
          {
            id: 'c',
            labels: { zh: '组分丙', en: 'Component C' },
            ecosystem: 'forest',
            quantity: { formula: o.quantity ?? 'asUnit(x, "t")', unit: 't' },
            value: { formula: o.value ?? 'Q * k', unit: '元' },
          },
        ],
      },
    ],
  };
  writeFileSync(join(dir, 'tiny', '1.0.0.yaml'), JSON.stringify(set));
  return dir;
}

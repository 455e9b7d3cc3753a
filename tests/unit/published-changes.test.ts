import { describe, expect, it } from 'vitest';
import { describeFigureChange, figureChanges } from '../../src/report/published-changes.js';
import type { FiguresJson } from '../../src/io/bundle.js';

const fig = (gep: string, grain: string): FiguresJson => ({
  gep,
  outOfRegionDeduction: '0',
  gepNet: gep,
  categories: { provisioning: grain },
  products: { grain },
});
const set = { products: [{ id: 'grain', labels: { zh: '粮食', en: 'Grain' } }] } as never;

describe('what would change in a published report, in words and 万元', () => {
  it('甘蔗街道 GEP 141,769,135.07 元 → 142,000,000 元 reads 14,176.91 → 14,200.00 万元 (+23.09 万元)', () => {
    const changes = figureChanges(
      2021,
      { county: fig('141769135.07', '100'), townships: { ganzhe: fig('141769135.07', '100') } },
      { county: fig('142000000', '100'), townships: { ganzhe: fig('142000000', '100') } },
      set,
    );
    // GEP and GEP净值 of the county and of 甘蔗街道; the unchanged grain figure is not listed
    expect(changes.map((c) => `${c.scope}:${c.figure.zh}`)).toEqual([
      'county:GEP',
      'county:GEP净值',
      'ganzhe:GEP',
      'ganzhe:GEP净值',
    ]);
    const name = (s: string) => (s === 'county' ? '闽侯县' : '甘蔗街道');
    // 142,000,000 − 141,769,135.07 = 230,864.93 元 = 23.09 万元 (rounded for display)
    expect(describeFigureChange(changes[2]!, 'zh', name)).toBe(
      '2021年 甘蔗街道 GEP：14,176.91 → 14,200.00 万元（+23.09 万元）',
    );
    expect(describeFigureChange(changes[2]!, 'en', () => 'Ganzhe')).toBe(
      '2021 Ganzhe GEP: 14,176.91 → 14,200.00 10⁴ yuan (+23.09 10⁴ yuan)',
    );
  });
  it('a product valued only now reads from (none), by its name', () => {
    const before = fig('100', '100');
    const after = { ...fig('100', '100'), products: { grain: '100', tea: '5' } };
    const [c] = figureChanges(2021, { county: before, townships: {} }, { county: after, townships: {} }, set);
    expect(describeFigureChange(c!, 'zh', () => '闽侯县')).toBe('2021年 闽侯县 tea：（无） → 0.00 万元');
  });
});

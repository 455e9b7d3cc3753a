import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/domain/decimal.js';
import { scaledQuantity } from '../../src/report/format.js';
import { rowNumbers, tableUnit, type ReportTable } from '../../src/report/table.js';
import { summedParts } from '../../src/io/report-export.js';

describe('physical quantities in the unit a statistician writes', () => {
  it('59,822,344 m³ is 5,982.2344 万m³; 147,664,013,689.81 kWh is 1,476.6401368981 亿kWh; exact, not rounded', () => {
    const water = scaledQuantity(new Dec('59822344'), 'm3');
    expect(water.unit).toBe('万m3');
    expect(water.value.toString()).toBe('5982.2344'); // 59,822,344 / 10⁴
    const power = scaledQuantity(new Dec('147664013689.81'), 'kWh');
    expect(power.unit).toBe('亿kWh');
    expect(power.value.toString()).toBe('1476.6401368981'); // / 10⁸
  });
  it('small figures, rates and areas keep their unit', () => {
    expect(scaledQuantity(new Dec('9999'), 't')).toEqual({ value: new Dec('9999'), unit: 't' });
    expect(scaledQuantity(new Dec('50000'), 't/hm2').unit).toBe('t/hm2');
    expect(scaledQuantity(new Dec('50000'), 'hm2').unit).toBe('hm2');
  });
});

describe('official table: 序号, 合计 and the 单位 line', () => {
  const d = (x: string) => new Dec(x);
  const table: ReportTable = {
    id: 't',
    title: { zh: '价值量', en: 'Value' },
    columns: [
      { id: 'item', labels: { zh: '项目', en: 'Item' } },
      { id: 'value', labels: { zh: '价值量', en: 'Value' }, unit: 'wan_yuan' },
      { id: 'share', labels: { zh: '占比', en: 'Share' }, unit: 'percent' },
    ],
    rows: [
      { key: 'a', labels: { zh: '供给', en: 'P' }, level: 0, isTotal: false, cells: { value: d('30') } },
      { key: 'a1', labels: { zh: '粮食', en: 'G' }, level: 1, isTotal: false, cells: { value: d('30') } },
      { key: 'b', labels: { zh: '调节', en: 'R' }, level: 0, isTotal: false, cells: { value: d('70') } },
      // 30 + 70 = 100: the GEP row is the 合计; the net row (100 − 5 = 95) is not a sum of parts
      { key: 'gep', labels: { zh: 'GEP', en: 'GEP' }, level: 0, isTotal: true, cells: { value: d('100') } },
      { key: 'net', labels: { zh: '净GEP', en: 'net' }, level: 0, isTotal: true, cells: { value: d('95') } },
    ],
  };
  it('numbers 1, 1.1, 2; 合计 only for the total that is the exact sum of its parts', () => {
    expect(rowNumbers(table, summedParts, 'zh')).toEqual(['1', '1.1', '2', '合计', '']);
    expect(rowNumbers(table, summedParts, 'en')[3]).toBe('Total');
  });
  it('the 单位 line is the money unit (the share column says % in its header)', () => {
    expect(tableUnit(table, (u) => ({ wan_yuan: '万元', percent: '%' })[u as 'wan_yuan'] ?? '')).toBe('万元');
  });
});

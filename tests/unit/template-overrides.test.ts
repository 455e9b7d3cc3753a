/**
 * External quantities (overrides) travel in the import template: three columns per component
 * (`overrides.<component>.quantity (unit)`, `.unit`, `.source`), written by the template and the export
 * of entered data, read back by the import, validated and converted like the API's overrides.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/domain/inputs.js';
import { readCsvTable, readXlsxTable, validateTable } from '../../src/io/table-input.js';
import { templateCsv, templateWorkbook, type FilledRow } from '../../src/io/template.js';
import { baseRawRecord, set } from './fixtures.js';

const filled = (overrides: FilledRow['overrides']): FilledRow => ({
  township: 'T1',
  year: 2021,
  values: baseRawRecord('T1', 2021).values as FilledRow['values'],
  overrides,
});
const OVERRIDES = {
  water_conservation: { quantity: '5000000', source: 'InVEST 3.14 annual water yield' },
  // given in another unit: 1.32 万tCO2 = 13,200 tCO2
  carbon_sequestration: { quantity: '1.32', unit: '万tCO2', source: 'GIS carbon model' },
};

async function roundTrip(wb: ExcelJS.Workbook) {
  const buf = await wb.xlsx.writeBuffer();
  const table = await readXlsxTable(set, buf as ArrayBuffer);
  return validateTable(set, table);
}

describe('overrides in the XLSX template', () => {
  it('three columns per component, the quantity column headed with the component unit', () => {
    const wb = templateWorkbook(set, { townships: ['T1'], years: [2021] });
    const header = (wb.worksheets[0]!.getRow(1).values as unknown[]).filter((x) => typeof x === 'string');
    expect(header).toContain('overrides.water_conservation.quantity (m3)');
    expect(header).toContain('overrides.water_conservation.unit');
    expect(header).toContain('overrides.water_conservation.source');
    expect(header.filter((h) => (h as string).startsWith('overrides.'))).toHaveLength(
      set.components.length * 3,
    );
  });

  it('round trip: what the export writes, the import reads back, converted to the declared unit', async () => {
    const { records, issues } = await roundTrip(
      templateWorkbook(set, { townships: ['T1'], years: [2021] }, [filled(OVERRIDES)]),
    );
    expect(issues.map((i) => formatIssue(i, 'en'))).toEqual([]);
    const o = records[0]!.overrides!;
    expect([...o.keys()].sort()).toEqual(['carbon_sequestration', 'water_conservation']);
    expect(o.get('water_conservation')).toMatchObject({ source: 'InVEST 3.14 annual water yield' });
    expect(o.get('water_conservation')!.quantity.toString()).toBe('5000000'); // m³
    expect(o.get('carbon_sequestration')!.quantity.toString()).toBe('13200'); // 1.32 × 10⁴ tCO₂
  });

  it('a blank unit cell means the header unit; the stored form (declared unit, no unit) exports and re-imports identically', async () => {
    const stored = { water_conservation: { quantity: '5000000', source: 'InVEST' } };
    const first = await roundTrip(
      templateWorkbook(set, { townships: ['T1'], years: [2021] }, [filled(stored)]),
    );
    const again = await roundTrip(
      templateWorkbook(set, { townships: ['T1'], years: [2021] }, [
        filled(
          Object.fromEntries(
            [...first.records[0]!.overrides!].map(([k, v]) => [
              k,
              { quantity: v.quantity.toString(), source: v.source },
            ]),
          ),
        ),
      ]),
    );
    expect(again.records[0]!.overrides!.get('water_conservation')!.quantity.toString()).toBe('5000000');
  });

  it('a source without a quantity, or a quantity without a source, is refused with sheet, row and column', async () => {
    const wb = templateWorkbook(set, { townships: ['T1', 'T2'], years: [2021] }, [
      filled({ water_conservation: { quantity: '', source: 'InVEST' } }),
      { ...filled({ soil_retained: { quantity: '10', source: '' } }), township: 'T2' },
    ]);
    const { records, issues } = await roundTrip(wb);
    expect(records).toEqual([]);
    const texts = issues.map((i) => formatIssue(i, 'en'));
    expect(texts.some((t) => /sheet 数据, row 3, column [A-Z]+, .*no quantity/.test(t))).toBe(true);
    expect(
      texts.some((t) =>
        /row 4, column [A-Z]+, T2, 2021, overrides\.soil_retained: an external figure needs its source/.test(
          t,
        ),
      ),
    ).toBe(true);
  });

  it('an unknown component column is named', async () => {
    const { issues } = validateTable(
      set,
      readCsvTable(set, 'township,year,overrides.nonsense.quantity (m3)\nT1,2021,5\n'),
    );
    expect(issues.map((i) => formatIssue(i, 'en')).join('\n')).toMatch(/unknown component "nonsense"/);
  });
});

describe('overrides in the CSV template', () => {
  it('round trip through CSV keeps quantity, unit and source', () => {
    const csv = templateCsv(set, { townships: ['T1'], years: [2021] }, [filled(OVERRIDES)]);
    const { records, issues } = validateTable(set, readCsvTable(set, csv));
    expect(issues.map((i) => formatIssue(i, 'en'))).toEqual([]);
    expect(records[0]!.overrides!.get('carbon_sequestration')!.quantity.toString()).toBe('13200');
  });
});

/**
 * A scenario's land-use table from a spreadsheet: the import template (XLSX or CSV, one row per township, the
 * land_area.<class> columns in any accepted unit) read by the one table reader, converted to hm². Other columns
 * may be left blank. Every problem by sheet, row and column; no table when there is one.
 */
import type { InputIssue, TownshipInfo } from '../domain/inputs.js';
import type { CompiledSet } from '../domain/model.js';
import { roleInput, roleUnit } from '../domain/roles.js';
import { convertValue } from '../domain/units.js';
import { readCsvTable, readXlsxTable, validateTable } from './table-input.js';

export async function readLandUseTable(
  set: CompiledSet,
  file: { buffer: Buffer; originalname: string },
  townships: readonly TownshipInfo[],
): Promise<{ landUse: Record<string, Record<string, string>>; issues: InputIssue[] }> {
  const input = roleInput(set, 'land_area');
  if (!input?.perLandClass)
    return {
      landUse: {},
      issues: [
        {
          field: 'file',
          message: { zh: '参数集没有分地类的土地面积指标', en: 'the set has no per-class land-area input' },
        },
      ],
    };
  let table;
  try {
    table = /\.csv$/i.test(file.originalname)
      ? readCsvTable(set, file.buffer.toString('utf8'))
      : await readXlsxTable(set, file.buffer);
  } catch {
    return {
      landUse: {},
      issues: [
        {
          field: 'file',
          message: {
            zh: '无法读取该文件（应为 XLSX 或 CSV）',
            en: 'the file cannot be read (XLSX or CSV expected)',
          },
        },
      ],
    };
  }
  // only the land-use columns count: other inputs may be blank in a scenario table
  const onlyLand = {
    ...table,
    records: table.records.map((r) => ({ ...r, values: { [input.id]: r.values[input.id] } })),
  };
  const { records, issues } = validateTable(set, onlyLand, townships, { allowMissing: true });
  if (issues.length) return { landUse: {}, issues };
  const landUse: Record<string, Record<string, string>> = {};
  for (const r of records) {
    const v = r.values.get(input.id);
    if (!(v instanceof Map)) {
      issues.push({
        township: r.township,
        field: input.id,
        message: { zh: '缺少土地利用面积', en: 'no land-use areas' },
      });
      continue;
    }
    landUse[r.township] = Object.fromEntries(
      [...v].map(([cls, x]) => [cls, convertValue(x, input.unitValue, roleUnit('land_area')).toString()]),
    );
  }
  return { landUse: issues.length ? {} : landUse, issues };
}

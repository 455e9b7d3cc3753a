/** A fund allocation as a report: one row per township (元 and 万元) with its parts, the total and what is retained. */
import type { AllocationResult, Fund, Text } from '../domain/allocation/index.js';
import { allocationLabels } from '../domain/allocation/index.js';
import type { ReportRow, ReportTable } from './table.js';

export function allocationTable(
  fund: Fund,
  result: AllocationResult,
  names: ReadonlyMap<string, Text>,
): ReportTable {
  const rows: ReportRow[] = result.lines.map((l) => ({
    key: l.township,
    labels: names.get(l.township) ?? { zh: l.township, en: l.township },
    level: 1,
    isTotal: false,
    cells: { township: undefined, amount: l.amount, explanation: l.explanation.zh },
  }));
  if (!result.retained.isZero())
    rows.push({
      key: 'retained',
      labels: { zh: '留存（未分配）', en: 'Retained (not allocated)' },
      level: 1,
      isTotal: false,
      cells: { township: undefined, amount: result.retained, explanation: result.retainedReason?.zh ?? '' },
    });
  rows.push({
    key: 'total',
    labels: { zh: '合计', en: 'Total' },
    level: 0,
    isTotal: true,
    cells: { township: undefined, amount: result.total, explanation: '' },
  });
  const kind = allocationLabels(fund.rule.kind);
  return {
    id: 'allocation',
    title: { zh: `${fund.year}年${fund.name.zh}分配表`, en: `${fund.name.en}, ${fund.year}: allocation` },
    columns: [
      { id: 'township', labels: { zh: '乡镇（街道）', en: 'Township' } },
      { id: 'amount', labels: { zh: '金额', en: 'Amount' }, unit: 'yuan' },
      { id: 'explanation', labels: { zh: '计算说明', en: 'Explanation' } },
    ],
    rows,
    note: {
      zh: `分配方法：${kind.zh}；资金来源：${fund.source.zh}；金额精确到分，合计等于资金总额（最大余额法）。`,
      en: `Method: ${kind.en}; source: ${fund.source.en}; amounts to the fen, adding to the fund (largest remainder).`,
    },
  };
}

/**
 * Report model of the natural resource asset balance sheet (自然资源资产负债表) of one scope (a township or
 * the county): the domain sheet laid out as report tables with zh/en labels and display units.
 */
import type { Dec } from '../domain/decimal.js';
import type { BalanceSheet, ServiceValueLine } from '../domain/balance-sheet.js';
import { TOTAL_KEY } from '../domain/balance-sheet.js';
import type { IdentityCheck } from '../domain/checks.js';
import type { CompiledSet } from '../domain/model.js';
import type { Labels } from '../methods/schema.js';
import { CATEGORY_LABELS } from './gep-table.js';
import { UNROUNDED_NOTE, type ReportColumn, type ReportRow, type ReportTable } from './table.js';

export interface BalanceSheetReport {
  readonly scope: string;
  readonly scopeLabels: Labels;
  readonly openingYear: number;
  readonly closingYear: number;
  readonly extent: ReportTable;
  readonly transitionMatrix?: ReportTable;
  readonly stocks: ReportTable;
  readonly serviceValues: ReportTable;
  readonly assetsAndLiabilities: ReportTable;
  readonly checks: readonly IdentityCheck[];
  /** True when every identity holds; the failing ones are in `checks` with their differences. */
  readonly balanced: boolean;
  readonly extentBasis: BalanceSheet['extent']['basis'];
  readonly assetValue: BalanceSheet['assetValue'];
}

const L = (zh: string, en: string): Labels => ({ zh, en });
const TOTAL_LABELS = L('合计', 'Total');

const FLOW_COLUMNS = (opening: number, closing: number, unit: ReportColumn['unit']): ReportColumn[] => [
  { id: 'opening', labels: L(`期初存量（${opening}年）`, `Opening (${opening})`), unit },
  { id: 'additions', labels: L('本期增加', 'Additions'), unit },
  { id: 'reductions', labels: L('本期减少', 'Reductions'), unit },
  { id: 'closing', labels: L(`期末存量（${closing}年）`, `Closing (${closing})`), unit },
];

const SERVICE_LINE_LABELS: Record<ServiceValueLine, Labels> = {
  ...CATEGORY_LABELS,
  gep: L('生态系统生产总值（GEP）', 'Gross Ecosystem Product (GEP)'),
  out_of_region_deduction: L('区域外输入价值扣除', 'Deduction of value from outside the region'),
  gep_net: L('GEP（扣除区域外输入）', 'GEP net of outside value'),
};

export function balanceSheetReport(
  set: CompiledSet,
  sheet: BalanceSheet,
  scopeLabels: Labels,
): BalanceSheetReport {
  const classLabels = new Map(set.landClasses.map((c) => [c.id, c.labels]));
  const scopeKey = (rest: string) => `${sheet.scope}|${rest}`;
  const { openingYear: y0, closingYear: y1 } = sheet;

  const extentRows: ReportRow[] = [...sheet.extent.rows, sheet.extent.total].map((r) => {
    const isTotal = r.landClass === TOTAL_KEY;
    return {
      key: scopeKey(`extent|${r.landClass}`),
      labels: isTotal ? TOTAL_LABELS : classLabels.get(r.landClass)!,
      level: isTotal ? 0 : 1,
      isTotal,
      cells: { opening: r.opening, additions: r.additions, reductions: r.reductions, closing: r.closing },
    };
  });
  const extent: ReportTable = {
    id: 'extent',
    title: L('土地资源面积账户', 'Land extent account'),
    columns: [{ id: 'landClass', labels: L('地类', 'Land class') }, ...FLOW_COLUMNS(y0, y1, 'hm2')],
    rows: extentRows,
    note:
      sheet.extent.basis === 'transition_matrix'
        ? L(
            '本期增加 = 转移矩阵列合计 − 对角线（转入）；本期减少 = 行合计 − 对角线（转出）。',
            'Additions = column sum − diagonal (converted in); reductions = row sum − diagonal (converted out).',
          )
        : L(
            '无转移矩阵：面积净增加记为本期增加，净减少记为本期减少。',
            'No transition matrix: a net rise in area is an addition, a net fall a reduction.',
          ),
  };

  let transitionMatrix: ReportTable | undefined;
  if (sheet.extent.matrix) {
    const matrix = sheet.extent.matrix;
    const classIds = [...matrix.keys()];
    transitionMatrix = {
      id: 'transition_matrix',
      title: L(`土地利用转移矩阵（${y0}→${y1}，hm²）`, `Land-use transition matrix (${y0}→${y1}, hm²)`),
      columns: [
        { id: 'from', labels: L(`${y0}年地类 \\ ${y1}年地类`, `${y0} class \\ ${y1} class`) },
        ...classIds.map((to) => ({ id: to, labels: classLabels.get(to)!, unit: 'hm2' as const })),
      ],
      rows: classIds.map((from) => ({
        key: scopeKey(`transition|${from}`),
        labels: classLabels.get(from)!,
        level: 1,
        isTotal: false,
        cells: Object.fromEntries(matrix.get(from)!),
      })),
    };
  }

  const stocks: ReportTable = {
    id: 'stocks',
    title: L('自然资源实物量存量表', 'Physical stocks of natural resources'),
    columns: [
      { id: 'resource', labels: L('资源', 'Resource') },
      { id: 'unit', labels: L('单位', 'Unit') },
      ...FLOW_COLUMNS(y0, y1, undefined),
    ],
    rows: sheet.stocks.map((s) => ({
      key: scopeKey(`stock|${s.input}`),
      labels: s.labels,
      level: 1,
      isTotal: false,
      unit: s.unit,
      cells: {
        unit: s.unit,
        opening: s.opening,
        additions: s.additions,
        reductions: s.reductions,
        closing: s.closing,
      },
    })),
    note: L(
      '未调查增减流量：期末高于期初的部分记为本期增加，低于期初的部分记为本期减少。',
      'Gross flows are not surveyed: a rise over the opening stock is an addition, a fall a reduction.',
    ),
  };

  const serviceValues: ReportTable = {
    id: 'service_values',
    title: L('生态系统服务价值扩展表', 'Ecosystem service value extension'),
    columns: [
      { id: 'item', labels: L('项目', 'Item') },
      { id: 'opening', labels: L(`期初（${y0}年）`, `Opening (${y0})`), unit: 'yi_yuan' },
      { id: 'closing', labels: L(`期末（${y1}年）`, `Closing (${y1})`), unit: 'yi_yuan' },
      { id: 'change', labels: L('变化', 'Change'), unit: 'yi_yuan' },
      { id: 'changeRate', labels: L('变化率', 'Change rate'), unit: 'percent' },
    ],
    rows: sheet.serviceValues.map((r) => ({
      key: scopeKey(`service_value|${r.id}`),
      labels: SERVICE_LINE_LABELS[r.id],
      level: r.id === 'gep' || r.id === 'gep_net' ? 0 : 1,
      isTotal: r.id === 'gep' || r.id === 'gep_net',
      cells: { opening: r.opening, closing: r.closing, change: r.change, changeRate: r.changeRate },
    })),
    note: UNROUNDED_NOTE,
  };

  const av = sheet.assetValue;
  const moneyRow = (
    id: string,
    labels: Labels,
    level: number,
    isTotal: boolean,
    opening: Dec,
    closing: Dec,
  ): ReportRow => ({
    key: scopeKey(`position|${id}`),
    labels,
    level,
    isTotal,
    cells: { opening, closing },
  });
  const assetsAndLiabilities: ReportTable = {
    id: 'assets_and_liabilities',
    title: L('生态资产与负债', 'Ecosystem assets and liabilities'),
    columns: [
      { id: 'item', labels: L('项目', 'Item') },
      { id: 'opening', labels: L(`期初（${y0}年）`, `Opening (${y0})`), unit: 'yi_yuan' },
      { id: 'closing', labels: L(`期末（${y1}年）`, `Closing (${y1})`), unit: 'yi_yuan' },
    ],
    rows: [
      moneyRow(
        'assets',
        L('生态资产价值（服务流量净现值）', 'Ecosystem asset value (NPV of service flow)'),
        0,
        true,
        sheet.opening.assets,
        sheet.closing.assets,
      ),
      ...sheet.liabilities.map((l) =>
        moneyRow(`liability|${l.id}`, l.labels, 1, false, l.opening, l.closing),
      ),
      moneyRow(
        'liabilities',
        L('负债合计', 'Total liabilities'),
        0,
        true,
        sheet.opening.liabilities,
        sheet.closing.liabilities,
      ),
      moneyRow(
        'net_assets',
        L('净资产', 'Net assets'),
        0,
        true,
        sheet.opening.netAssets,
        sheet.closing.netAssets,
      ),
      // the year's damage is a flow: shown for information, not a liability of the position
      ...sheet.liabilityFlows.map((l) =>
        moneyRow(
          `flow|${l.id}`,
          { zh: `（流量，不计入负债）${l.labels.zh}`, en: `(flow, not a liability) ${l.labels.en}` },
          0,
          false,
          l.opening,
          l.closing,
        ),
      ),
    ],
    note: {
      zh: `生态资产价值 = Σ_{i=1..${av.years}} F / (1 + r)^(i−1)，r = ${av.rate.times(100).toString()}%，F 为当年${av.categories.map((c) => CATEGORY_LABELS[c].zh).join('、')}价值${av.rentShares ? '（物质产品只计资源租金：产品价值 × 租金比例）' : ''}。负债为期末存量义务；当年损害为流量，单列不计入负债。${UNROUNDED_NOTE.zh}`,
      en: `Asset value = Σ_{i=1..${av.years}} F / (1 + r)^(i−1), r = ${av.rate.times(100).toString()}%, F the year's ${av.categories.map((c) => CATEGORY_LABELS[c].en.toLowerCase()).join(', ')} value${av.rentShares ? ' (provisioning on its resource rent only: product value × rent share)' : ''}. Liabilities are obligations outstanding at the end of the year; the year's damage is a flow, shown apart. ${UNROUNDED_NOTE.en}`,
    },
  };

  return {
    scope: sheet.scope,
    scopeLabels,
    openingYear: y0,
    closingYear: y1,
    extent,
    transitionMatrix,
    stocks,
    serviceValues,
    assetsAndLiabilities,
    checks: sheet.checks,
    balanced: sheet.checks.every((c) => c.pass),
    extentBasis: sheet.extent.basis,
    assetValue: av,
  };
}

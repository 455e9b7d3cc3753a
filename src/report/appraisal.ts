/**
 * Report models of the scenario appraisal and the tenure audit, in the official layout: a title, the 单位
 * line, 序号, rows by category with subtotals, and 合计. Views and exports read these models; nothing is
 * recomputed. Values are unrounded 元 (or hm²); the display unit is on the table.
 */
import type { Appraisal } from '../domain/appraisal.js';
import type { TenureAudit } from '../domain/audit.js';
import { ONE, ZERO, type Dec } from '../domain/decimal.js';
import { presentValueOrdinary } from '../domain/geep.js';
import type { Difference } from '../domain/difference.js';
import type { CompiledSet } from '../domain/model.js';
import type { ScaledInput } from '../domain/scenario.js';
import { displayUnit } from '../domain/units.js';
import { CATEGORIES, type Category, type Labels } from '../methods/schema.js';
import { scaledQuantity, type DisplayUnitId } from './format.js';

export interface OfficialColumn {
  readonly id: string;
  readonly labels: Labels;
  /** Display unit of the numbers in this column (the table's 单位 line names the money unit). */
  readonly unit?: DisplayUnitId;
}

export interface OfficialRow {
  /** 序号: 一、二、… for sections, 1, 2, … for items, '' for 合计. */
  readonly seq: string;
  readonly labels: Labels;
  readonly level: 0 | 1;
  readonly isTotal: boolean;
  readonly cells: Readonly<Record<string, Dec | string | undefined>>;
}

export interface OfficialTable {
  readonly id: string;
  readonly title: Labels;
  /** Lines under the title: project, alternative, price basis … */
  readonly subtitle: readonly Labels[];
  /** The 单位 line, e.g. 单位：万元. */
  readonly unitLine: Labels;
  readonly columns: readonly OfficialColumn[];
  readonly rows: readonly OfficialRow[];
  readonly notes: readonly Labels[];
}

export const CATEGORY_SEQ: Readonly<Record<Category, string>> = {
  provisioning: '一',
  regulating: '二',
  cultural: '三',
};
export const CATEGORY_LABELS: Readonly<Record<Category, Labels>> = {
  provisioning: { zh: '物质产品', en: 'Provisioning services' },
  regulating: { zh: '调节服务', en: 'Regulating services' },
  cultural: { zh: '文化服务', en: 'Cultural services' },
};
const CN_SEQ = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

const pct = (d: Dec) => `${d.times(100).toDecimalPlaces(2).toString()}%`;

/** 项目生态产品价值影响评估表: one alternative against its baseline, by category and product. */
export function appraisalTable(args: {
  project: string;
  alternative: string;
  version: number;
  year: number;
  appraisal: Appraisal;
}): OfficialTable {
  const { appraisal } = args;
  const { central, low, high } = appraisal.cases;
  const p = appraisal.parameters;
  const columns: OfficialColumn[] = [
    { id: 'seq', labels: { zh: '序号', en: 'No.' } },
    { id: 'item', labels: { zh: '生态产品', en: 'Eco-product' } },
    { id: 'before', labels: { zh: '基准情景', en: 'Baseline' }, unit: 'wan_yuan' },
    { id: 'after', labels: { zh: '项目情景', en: 'Scenario' }, unit: 'wan_yuan' },
    { id: 'delta', labels: { zh: '年变化量（中值）', en: 'Annual change (central)' }, unit: 'wan_yuan' },
    { id: 'low', labels: { zh: '年变化量（低值）', en: 'Annual change (low)' }, unit: 'wan_yuan' },
    { id: 'high', labels: { zh: '年变化量（高值）', en: 'Annual change (high)' }, unit: 'wan_yuan' },
    {
      id: 'pv',
      labels: { zh: `评估期现值（${p.horizon}年，中值）`, en: `Present value (${p.horizon} a, central)` },
      unit: 'wan_yuan',
    },
  ];
  // the present value of a constant annual change is linear in it: x × Σ 1 / (1 + r)^t
  const factor = presentValueOrdinary(ONE, p.rate, p.horizon);
  const pvOf = (annual: Dec) => annual.times(factor);
  const rows: OfficialRow[] = [];
  const lowBy = new Map(low.difference.byProduct.map((x) => [x.id, x.delta]));
  const highBy = new Map(high.difference.byProduct.map((x) => [x.id, x.delta]));
  for (const c of CATEGORIES) {
    const products = central.difference.byProduct.filter((x) => x.category === c);
    if (!products.length) continue;
    const cat = central.difference.byCategory[c];
    rows.push({
      seq: CATEGORY_SEQ[c],
      labels: CATEGORY_LABELS[c],
      level: 0,
      isTotal: false,
      cells: {
        before: cat.before,
        after: cat.after,
        delta: cat.delta,
        low: low.difference.byCategory[c].delta,
        high: high.difference.byCategory[c].delta,
        pv: pvOf(cat.delta),
      },
    });
    products.forEach((x, i) =>
      rows.push({
        seq: String(i + 1),
        labels: x.labels,
        level: 1,
        isTotal: false,
        cells: {
          before: x.before,
          after: x.after,
          delta: x.delta,
          low: lowBy.get(x.id),
          high: highBy.get(x.id),
          pv: pvOf(x.delta),
        },
      }),
    );
  }
  rows.push({
    seq: '',
    labels: { zh: '合计（GEP）', en: 'Total (GEP)' },
    level: 0,
    isTotal: true,
    cells: {
      before: central.difference.gep.before,
      after: central.difference.gep.after,
      delta: central.difference.gep.delta,
      low: low.difference.gep.delta,
      high: high.difference.gep.delta,
      pv: central.presentValue,
    },
  });
  const varied = appraisal.varied.map((v) => v.labels);
  return {
    id: 'appraisal',
    title: { zh: '项目生态产品价值影响评估表', en: 'Project eco-product value impact appraisal' },
    subtitle: [
      { zh: `项目名称：${args.project}`, en: `Project: ${args.project}` },
      {
        zh: `方案：${args.alternative}（第 ${args.version} 版）`,
        en: `Alternative: ${args.alternative} (version ${args.version})`,
      },
      {
        zh: `基准：${args.year} 年已审核数据；价格：${p.constantPriceYear} 年不变价；评估期 ${p.horizon} 年，折现率 ${pct(p.rate)}`,
        en: `Baseline: approved data of ${args.year}; prices: constant ${p.constantPriceYear}; horizon ${p.horizon} a, discount rate ${pct(p.rate)}`,
      },
    ],
    unitLine: { zh: '单位：万元', en: 'Unit: 10⁴ yuan' },
    columns,
    rows,
    notes: [
      {
        zh: '年变化量 = 项目情景 − 基准情景（负值为减少）；现值 = Σ 年变化量 ÷ (1 + 折现率)^t，t = 1…评估期。',
        en: 'Annual change = scenario − baseline (negative: a loss); present value = Σ annual change ÷ (1 + rate)^t, t = 1…horizon.',
      },
      {
        zh: varied.length
          ? `低值、高值：参数集中带低/高估计的参数（${varied.map((v) => v.zh).join('、')}）分别取低值、高值。`
          : '参数集中没有参数带低/高估计：低值、高值与中值相同。',
        en: varied.length
          ? `Low and high: the set's parameters with low/high estimates (${varied.map((v) => v.en).join(', ')}) at those estimates.`
          : 'No parameter of the set carries low/high estimates: the low and high cases equal the central one.',
      },
      {
        zh: '合计由未经舍入的数值计算，显示值四舍五入。',
        en: 'Totals are computed from unrounded values; displayed figures are rounded.',
      },
    ],
  };
}

/** Land-use change and value change by land class (土地利用变化及其生态产品价值变化). */
export function landClassTable(d: Difference): OfficialTable {
  const rows: OfficialRow[] = d.byLandClass
    .filter((c) => !c.delta.isZero() || (c.area && !c.area.delta.isZero()))
    .map((c, i) => ({
      seq: String(i + 1),
      labels: c.labels,
      level: 1,
      isTotal: false,
      cells: {
        areaBefore: c.area?.before,
        areaAfter: c.area?.after,
        areaDelta: c.area?.delta,
        delta: c.delta,
      },
    }));
  rows.push({
    seq: '',
    labels: { zh: '合计', en: 'Total' },
    level: 0,
    isTotal: true,
    cells: {
      delta: d.byLandClass.reduce((s, c) => s.plus(c.delta), ZERO),
      areaDelta: d.byLandClass.reduce((s, c) => s.plus(c.area?.delta ?? ZERO), ZERO),
    },
  });
  return {
    id: 'land_classes',
    title: {
      zh: '土地利用变化及生态产品价值变化（按地类）',
      en: 'Land-use change and value change by land class',
    },
    subtitle: [],
    unitLine: { zh: '单位：面积 hm²，价值 万元', en: 'Unit: area hm², value 10⁴ yuan' },
    columns: [
      { id: 'seq', labels: { zh: '序号', en: 'No.' } },
      { id: 'item', labels: { zh: '地类', en: 'Land class' } },
      { id: 'areaBefore', labels: { zh: '基准面积', en: 'Baseline area' }, unit: 'hm2' },
      { id: 'areaAfter', labels: { zh: '项目面积', en: 'Scenario area' }, unit: 'hm2' },
      { id: 'areaDelta', labels: { zh: '面积变化', en: 'Area change' }, unit: 'hm2' },
      {
        id: 'delta',
        labels: { zh: '年价值变化（中值）', en: 'Annual value change (central)' },
        unit: 'wan_yuan',
      },
    ],
    rows,
    notes: [],
  };
}

/**
 * 生态产品实物量及价值变化表: each accounting item (component) whose quantity or value changes, its physical
 * quantity on both sides and the change (in the unit a statistician writes: t, 万t, 万m³ …) and its value change,
 * e.g. grain in t and 万元. The notes name the inputs the scenario scaled with their land classes' area.
 */
export function componentTable(
  set: CompiledSet,
  d: Difference,
  scaled: readonly ScaledInput[] = [],
): OfficialTable {
  const rows: OfficialRow[] = d.byComponent
    .filter((c) => !c.quantity.delta.isZero() || !c.value.delta.isZero())
    .map((c, i) => {
      // the unit is chosen for the change (a loss of 516 t shows in t, not as 0.05 万t); both sides follow it
      const basis = c.quantity.delta.isZero() ? c.quantity.before : c.quantity.delta;
      const shown = scaledQuantity(basis, c.unit);
      const factor = basis.isZero() ? ONE : basis.div(shown.value);
      const product = set.products.find((p) => p.id === c.product);
      return {
        seq: String(i + 1),
        labels:
          product && product.componentIds.length > 1
            ? { zh: `${product.labels.zh}·${c.labels.zh}`, en: `${product.labels.en} · ${c.labels.en}` }
            : c.labels,
        level: 1 as const,
        isTotal: false,
        cells: {
          unit: displayUnit(shown.unit),
          qBefore: c.quantity.before.div(factor),
          qAfter: c.quantity.after.div(factor),
          qDelta: c.quantity.delta.div(factor),
          vDelta: c.value.delta,
        },
      };
    });
  rows.push({
    seq: '',
    labels: { zh: '合计（价值变化）', en: 'Total (value change)' },
    level: 0,
    isTotal: true,
    cells: { vDelta: d.byComponent.reduce((t, c) => t.plus(c.value.delta), ZERO) },
  });
  const label = (cls: string) => set.landClasses.find((c) => c.id === cls)?.labels ?? { zh: cls, en: cls };
  const inputLabel = (id: string) => set.inputs.find((i) => i.id === id)?.labels ?? { zh: id, en: id };
  const n = (x: Dec) => x.toDecimalPlaces(2).toString();
  return {
    id: 'components',
    title: { zh: '生态产品实物量及价值变化表', en: 'Physical quantity and value change by item' },
    subtitle: [],
    unitLine: { zh: '单位：实物量见各行，价值 万元', en: 'Unit: quantities per row, value 10⁴ yuan' },
    columns: [
      { id: 'seq', labels: { zh: '序号', en: 'No.' } },
      { id: 'item', labels: { zh: '核算项目', en: 'Item' } },
      { id: 'unit', labels: { zh: '计量单位', en: 'Unit' } },
      { id: 'qBefore', labels: { zh: '基准实物量', en: 'Baseline quantity' }, unit: 'quantity' },
      { id: 'qAfter', labels: { zh: '项目实物量', en: 'Scenario quantity' }, unit: 'quantity' },
      { id: 'qDelta', labels: { zh: '实物量变化', en: 'Quantity change' }, unit: 'quantity' },
      {
        id: 'vDelta',
        labels: { zh: '年价值变化（中值）', en: 'Annual value change (central)' },
        unit: 'wan_yuan',
      },
    ],
    rows,
    notes: scaled.map((x) => {
      const i = inputLabel(x.input);
      const cls = x.classes.map(label);
      return {
        zh: `${i.zh}随${cls.map((c) => c.zh).join('、')}面积按基准单产推算：${n(x.areaBefore)} → ${n(x.areaAfter)} hm²，${n(x.before)} → ${n(x.after)}（× ${n(x.areaAfter)} ÷ ${n(x.areaBefore)}）。`,
        en: `${i.en} follows the area of ${cls.map((c) => c.en).join(', ')} at the baseline's yield: ${n(x.areaBefore)} → ${n(x.areaAfter)} hm², ${n(x.before)} → ${n(x.after)} (× ${n(x.areaAfter)} ÷ ${n(x.areaBefore)}).`,
      };
    }),
  };
}

/** 自然资源资产实物量及价值变动表: opening, change, closing of every stock over the tenure. */
export function tenureStockTable(audit: TenureAudit, scopeName: Labels): OfficialTable {
  const groups: Array<{ id: 'land' | 'stock' | 'asset_value'; labels: Labels }> = [
    { id: 'land', labels: { zh: '土地资源（按地类）', en: 'Land by class' } },
    { id: 'stock', labels: { zh: '森林与水资源', en: 'Forest and water resources' } },
    { id: 'asset_value', labels: { zh: '资产价值', en: 'Asset value' } },
  ];
  const rows: OfficialRow[] = [];
  groups.forEach((g, gi) => {
    const lines = audit.stocks.filter((s) => s.group === g.id);
    rows.push({ seq: CN_SEQ[gi]!, labels: g.labels, level: 0, isTotal: false, cells: {} });
    lines.forEach((s, i) =>
      rows.push({
        seq: String(i + 1),
        labels: s.labels,
        level: 1,
        isTotal: false,
        cells: {
          unit: s.unit === '元' ? '万元' : s.unit,
          opening: s.unit === '元' ? s.opening?.div(1e4) : s.opening,
          change: s.unit === '元' ? s.change?.div(1e4) : s.change,
          closing: s.unit === '元' ? s.closing?.div(1e4) : s.closing,
        },
      }),
    );
    if (g.id === 'land') {
      const sum = (k: 'opening' | 'change' | 'closing') => lines.reduce((t, s) => t.plus(s[k] ?? ZERO), ZERO);
      rows.push({
        seq: '',
        labels: { zh: '土地合计', en: 'Land total' },
        level: 0,
        isTotal: true,
        cells: { unit: 'hm²', opening: sum('opening'), change: sum('change'), closing: sum('closing') },
      });
    }
  });
  return {
    id: 'tenure_stocks',
    title: { zh: '自然资源资产实物量及价值变动表', en: 'Natural-resource assets: opening, change, closing' },
    subtitle: [
      {
        zh: `${scopeName.zh}；任期 ${audit.startYear}—${audit.endYear} 年；价值按 ${audit.constantPriceYear} 年不变价`,
        en: `${scopeName.en}; tenure ${audit.startYear}–${audit.endYear}; values at ${audit.constantPriceYear} constant prices`,
      },
    ],
    unitLine: { zh: '单位：见各行', en: 'Unit: per row' },
    columns: [
      { id: 'seq', labels: { zh: '序号', en: 'No.' } },
      { id: 'item', labels: { zh: '项目', en: 'Item' } },
      { id: 'unit', labels: { zh: '计量单位', en: 'Unit' } },
      { id: 'opening', labels: { zh: '期初（任期起始年）', en: 'Opening (start year)' }, unit: 'hm2' },
      { id: 'change', labels: { zh: '本期增减', en: 'Change' }, unit: 'hm2' },
      { id: 'closing', labels: { zh: '期末（任期终止年）', en: 'Closing (end year)' }, unit: 'hm2' },
    ],
    rows,
    notes: [
      {
        zh: '期初 + 本期增减 = 期末（逐行核对）。',
        en: 'Opening + change = closing (checked line by line).',
      },
    ],
  };
}

/** 任期内生态产品总值（GEP）变化表: by category at constant prices, start vs end (and the last three years). */
export function tenureGepTable(audit: TenureAudit): OfficialTable {
  const d = audit.gep;
  const last = audit.lastThree;
  const rows: OfficialRow[] = CATEGORIES.map((c, i) => ({
    seq: CN_SEQ[i]!,
    labels: CATEGORY_LABELS[c],
    level: 0 as const,
    isTotal: false,
    cells: {
      opening: d.byCategory[c].before,
      closing: d.byCategory[c].after,
      change: d.byCategory[c].delta,
      growth: d.byCategory[c].before.isZero()
        ? undefined
        : pct(d.byCategory[c].delta.div(d.byCategory[c].before)),
      ...(last ? { last3: last.gep.byCategory[c].delta } : {}),
    },
  }));
  rows.push({
    seq: '',
    labels: { zh: '合计（GEP）', en: 'Total (GEP)' },
    level: 0,
    isTotal: true,
    cells: {
      opening: d.gep.before,
      closing: d.gep.after,
      change: d.gep.delta,
      growth: audit.gepGrowth === undefined ? undefined : pct(audit.gepGrowth),
      ...(last ? { last3: last.gep.gep.delta } : {}),
    },
  });
  return {
    id: 'tenure_gep',
    title: { zh: '任期内生态产品总值（GEP）变化表', en: 'GEP over the tenure' },
    subtitle: [
      {
        zh: `${audit.startYear} 年与 ${audit.endYear} 年，${audit.constantPriceYear} 年不变价`,
        en: `${audit.startYear} and ${audit.endYear}, at ${audit.constantPriceYear} constant prices`,
      },
    ],
    unitLine: { zh: '单位：万元', en: 'Unit: 10⁴ yuan' },
    columns: [
      { id: 'seq', labels: { zh: '序号', en: 'No.' } },
      { id: 'item', labels: { zh: '类别', en: 'Category' } },
      {
        id: 'opening',
        labels: { zh: `任期起始（${audit.startYear}）`, en: `Start (${audit.startYear})` },
        unit: 'wan_yuan',
      },
      {
        id: 'closing',
        labels: { zh: `任期终止（${audit.endYear}）`, en: `End (${audit.endYear})` },
        unit: 'wan_yuan',
      },
      { id: 'change', labels: { zh: '变化量', en: 'Change' }, unit: 'wan_yuan' },
      { id: 'growth', labels: { zh: '增长率', en: 'Growth' } },
      ...(last
        ? [
            {
              id: 'last3',
              labels: {
                zh: `近三年变化（${last.startYear}—${audit.endYear}）`,
                en: `Last three years (${last.startYear}–${audit.endYear})`,
              },
              unit: 'wan_yuan' as const,
            },
          ]
        : []),
    ],
    rows,
    notes: [],
  };
}

/** 约束性指标完成情况表. */
export function tenureIndicatorTable(audit: TenureAudit): OfficialTable {
  const show = (u: 'hm2' | '%', x: Dec | undefined) =>
    x === undefined ? '—' : u === '%' ? pct(x) : x.toDecimalPlaces(2).toString();
  return {
    id: 'tenure_indicators',
    title: { zh: '约束性指标完成情况表', en: 'Binding indicators' },
    subtitle: [{ zh: `${audit.endYear} 年`, en: `${audit.endYear}` }],
    unitLine: { zh: '单位：见各行', en: 'Unit: per row' },
    columns: [
      { id: 'seq', labels: { zh: '序号', en: 'No.' } },
      { id: 'item', labels: { zh: '指标', en: 'Indicator' } },
      { id: 'unit', labels: { zh: '计量单位', en: 'Unit' } },
      { id: 'target', labels: { zh: '目标值', en: 'Target' } },
      { id: 'figure', labels: { zh: '实际值', en: 'Actual' } },
      { id: 'completion', labels: { zh: '完成率', en: 'Completion' } },
      { id: 'met', labels: { zh: '是否完成', en: 'Met' } },
      { id: 'source', labels: { zh: '依据', en: 'Basis' } },
    ],
    rows: audit.indicators.map((s, i) => ({
      seq: String(i + 1),
      labels: s.indicator.labels,
      level: 1,
      isTotal: false,
      cells: {
        unit: s.indicator.unit === 'hm2' ? 'hm²' : '%',
        target: `${s.indicator.bound === 'at_least' ? '≥' : '≤'} ${show(s.indicator.unit, s.indicator.target)}`,
        figure: show(s.indicator.unit, s.figure),
        completion: s.completion === undefined ? '—' : pct(s.completion),
        met: s.met === undefined ? '—' : s.met ? '是' : '否',
        source: `${s.indicator.verified ? '[V]' : '[M]'} ${s.indicator.source}`,
      },
    })),
    notes: [
      {
        zh: '至少型指标完成率 = 实际 ÷ 目标；至多型（如建设用地总规模）= 目标 ÷ 实际。',
        en: 'Completion: actual ÷ target for a floor; target ÷ actual for a ceiling (e.g. construction land).',
      },
    ],
  };
}

/** 自然资源资产离任审计评价计分表: sections with caps, indicators with points and explanation, total, grade. */
export function tenureScoreTable(audit: TenureAudit): OfficialTable {
  const t = audit.score.townships[0];
  const rows: OfficialRow[] = [];
  if (t) {
    const sections = t.sections.filter((s) => s.path.length === 0);
    sections.forEach((s, i) => {
      rows.push({
        seq: CN_SEQ[i]!,
        labels: s.labels,
        level: 0,
        isTotal: false,
        cells: {
          points: s.points,
          note: s.capped ? `版块上限，未封顶 ${s.raw.toDecimalPlaces(2).toString()}` : '',
        },
      });
      t.indicators
        .filter((x) => x.path[0] === s.id)
        .forEach((x, j) =>
          rows.push({
            seq: String(j + 1),
            labels: x.labels,
            level: 1,
            isTotal: false,
            cells: { weight: x.weight, points: x.points, note: x.explanation.text.zh },
          }),
        );
    });
    rows.push({
      seq: '',
      labels: { zh: '合计', en: 'Total' },
      level: 0,
      isTotal: true,
      cells: { points: t.total, note: t.grade ? `等次：${t.grade.zh}` : `缺少：${t.missing.join('、')}` },
    });
  }
  return {
    id: 'tenure_score',
    title: { zh: '自然资源资产离任审计评价计分表（预填）', en: 'Tenure audit score (pre-filled)' },
    subtitle: [],
    unitLine: { zh: '单位：分', en: 'Unit: points' },
    columns: [
      { id: 'seq', labels: { zh: '序号', en: 'No.' } },
      { id: 'item', labels: { zh: '评价内容', en: 'Item' } },
      { id: 'weight', labels: { zh: '分值', en: 'Weight' }, unit: 'ratio' },
      { id: 'points', labels: { zh: '得分', en: 'Points' }, unit: 'ratio' },
      { id: 'note', labels: { zh: '计分说明', en: 'Explanation' } },
    ],
    rows,
    notes: [
      {
        zh: '部门评价项为预填值，须由审计组核实；等次：好 ≥ 90，较好 80–90，一般 70–80，较差 60–70，差 < 60。',
        en: 'Department items are pre-filled and must be confirmed by the audit team; bands: good ≥ 90, fairly good 80–90, average 70–80, poor 60–70, very poor < 60.',
      },
    ],
  };
}

/**
 * Turns the accounts and the department figures of a year into the values an assessment scheme scores
 * (township → indicator → value). Pure: the store hands in the records, this resolves each indicator's
 * source. Money figures are at the set's constant prices (accountAtConstantPrices), in 万元 through the
 * unit system; growths and shares are fractions.
 */
import { accountAtConstantPrices, type InputRecord } from '../domain/accounting.js';
import type { AssessmentScheme, IndicatorValue, Text } from '../domain/assessment/index.js';
import { leavesOf } from '../domain/assessment/index.js';
import { Dec, ZERO, sum } from '../domain/decimal.js';
import type { CompiledSet } from '../domain/model.js';
import { indexValue } from '../domain/prices.js';
import { roleValue } from '../domain/roles.js';
import { totalArea } from '../domain/inputs.js';
import { convertValue, parseUnit } from '../domain/units.js';

/** A figure a department entered (and a reviewer approved) for a township and year. */
export interface DepartmentFigure {
  readonly value: Dec;
  readonly department: Text;
  readonly evidence: string;
}

export interface FigureInputs {
  readonly set: CompiledSet;
  readonly profile: string;
  readonly year: number;
  readonly records: readonly InputRecord[];
  /** The previous year's approved records, for growths and changes. */
  readonly previousRecords?: readonly InputRecord[];
  /** township → figure id → approved department figure. */
  readonly department: ReadonlyMap<string, ReadonlyMap<string, DepartmentFigure>>;
}

const YUAN = parseUnit('元');
const WAN_YUAN = parseUnit('万元');
const toWan = (yuan: Dec) => convertValue(yuan, YUAN, WAN_YUAN);

/** Share of the land area in forest ecosystems (乔木林 and 竹林; shrub land not counted) [M]. */
export function forestCover(set: CompiledSet, record: InputRecord): Dec | undefined {
  const area = record.values.get('land_area');
  if (!(area instanceof Map)) return undefined;
  const forest = new Set(set.landClasses.filter((c) => c.ecosystem === 'forest').map((c) => c.id));
  const total = totalArea(record);
  if (total.isZero()) return undefined;
  return sum([...area.entries()].filter(([c]) => forest.has(c)).map(([, v]) => v)).div(total);
}

/** GDP at the prices of the set's constant-price year, deflated by its price index [M: CPI as deflator]. */
function realGdp(set: CompiledSet, record: InputRecord): Dec | undefined {
  const gdp = roleValue(set, record, 'gdp');
  const base = set.constantPriceYear;
  const index = [...set.priceIndices.values()][0];
  if (!gdp || base === undefined || !index) return gdp;
  return gdp.times(indexValue(index, base)).div(indexValue(index, record.year));
}

const growth = (now?: Dec, before?: Dec) =>
  now !== undefined && before !== undefined && !before.isZero() ? now.div(before).minus(1) : undefined;

/** township → indicator id → value, for every leaf the figures allow; what is missing stays missing. */
export function assessmentValues(
  scheme: AssessmentScheme,
  inputs: FigureInputs,
): Map<string, Map<string, IndicatorValue>> {
  const { set, profile } = inputs;
  const base = set.constantPriceYear ?? inputs.year;
  const before = new Map(inputs.previousRecords?.map((r) => [r.township, r]));
  const constant = (r: InputRecord) => accountAtConstantPrices(set, r, profile, base);
  const ratio = (r: InputRecord) => {
    const gdp = roleValue(set, r, 'gdp');
    return gdp && !gdp.isZero() ? constant(r).gepNet.div(gdp) : undefined;
  };
  const out = new Map<string, Map<string, IndicatorValue>>();
  for (const r of inputs.records) {
    const p = before.get(r.township);
    const values = new Map<string, IndicatorValue>();
    for (const { leaf } of leavesOf(scheme.indicators)) {
      const s = leaf.source;
      const put = (value: Dec | undefined, parts?: Record<string, Dec>) => {
        if (value !== undefined) values.set(leaf.id, { value, parts });
      };
      if (s.from === 'department') {
        const f = inputs.department.get(r.township)?.get(s.figure);
        if (f)
          values.set(leaf.id, {
            value: f.value,
            provenance: {
              zh: `${f.department.zh}填报${f.evidence ? `，佐证：${f.evidence}` : ''}`,
              en: `entered by ${f.department.en}${f.evidence ? `, evidence: ${f.evidence}` : ''}`,
            },
          });
        continue;
      }
      if (s.from === 'input') {
        const read = (rec?: InputRecord) => {
          const v = rec?.values.get(s.input);
          return v === undefined ? undefined : v instanceof Map ? sum(v.values()) : (v as Dec);
        };
        const now = read(r);
        const then = read(p);
        put(s.change ? (now !== undefined && then !== undefined ? now.minus(then) : undefined) : now);
        continue;
      }
      const productValue = (rec: InputRecord) =>
        constant(rec).productValues.get(s.product ?? '') ?? undefined;
      switch (s.figure) {
        case 'gep_net_constant':
          put(toWan(constant(r).gepNet));
          break;
        case 'gep_growth':
          put(p && growth(constant(r).gepNet, constant(p).gepNet));
          break;
        case 'product_value': {
          const v = productValue(r);
          put(v && toWan(v));
          break;
        }
        case 'product_growth':
          put(p && growth(productValue(r), productValue(p)));
          break;
        case 'gep_gdp_ratio':
          put(ratio(r));
          break;
        case 'gep_gdp_ratio_change':
          put(p && growth(ratio(r), ratio(p)));
          break;
        case 'two_growths': {
          const g = p && growth(constant(r).gepNet, constant(p).gepNet);
          const d = p && growth(realGdp(set, r), realGdp(set, p));
          if (g !== undefined && d !== undefined)
            put(new Dec([g, d].filter((x) => x.gt(ZERO)).length), { gep_growth: g, gdp_growth: d });
          break;
        }
        case 'forest_cover':
          put(forestCover(set, r));
          break;
        case 'forest_cover_change': {
          const now = forestCover(set, r);
          const then = p && forestCover(set, p);
          put(now !== undefined && then !== undefined ? now.minus(then) : undefined);
          break;
        }
      }
    }
    out.set(r.township, values);
  }
  return out;
}

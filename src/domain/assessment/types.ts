import type { Dec } from '../decimal.js';

/** A text in both languages of the app (zh-CN first). */
export interface Text {
  readonly zh: string;
  readonly en: string;
}

/** Better when the figure is higher (森林覆盖率) or lower (空气质量综合指数). */
export type Direction = 'higher_better' | 'lower_better';

/** One tier of a tiers rule: the first tier whose bounds hold gives its share of the indicator's weight. */
export interface Tier {
  readonly atLeast?: Dec;
  readonly atMost?: Dec;
  /** Fraction of the weight earned in this tier (0–1, or above 1 for over-fulfilment). */
  readonly share: Dec;
}

/** The parameters of one scoring rule; `kind` names its entry in the rule registry. */
export type RuleSpec =
  | { readonly kind: 'linear'; readonly lower: Dec; readonly upper: Dec; readonly direction: Direction }
  | { readonly kind: 'tiers'; readonly tiers: readonly Tier[] }
  | {
      readonly kind: 'target_completion';
      readonly target: Dec;
      readonly direction: Direction;
      /** Highest completion rate credited (1 = no credit beyond the target; 1.2 = up to 120 %). */
      readonly maxRate: Dec;
    }
  | {
      readonly kind: 'rank';
      readonly direction: Direction;
      /** Share of the weight the last-ranked township earns (first earns 1, linear in between). */
      readonly lastShare: Dec;
    }
  | { readonly kind: 'deduction'; readonly perEvent: Dec; readonly cap: Dec }
  | {
      readonly kind: 'veto';
      /** Triggered when the figure (a count of events) reaches this; 1 = any event. */
      readonly threshold: Dec;
    }
  | { readonly kind: 'bonus'; readonly perUnit: Dec; readonly cap: Dec }
  | {
      readonly kind: 'two_growths';
      /** Share of the weight when only one of GEP and GDP grows (both: 1, neither: 0). */
      readonly oneShare: Dec;
    };

export type RuleKind = RuleSpec['kind'];

/** Where an indicator's figure comes from (the report layer resolves it; the engine only reads values). */
export type IndicatorSource =
  | {
      readonly from: 'account';
      /** gep | gep_growth | product_value | product_growth | gep_gdp_ratio | gep_gdp_ratio_change | two_growths */
      readonly figure: string;
      readonly product?: string;
    }
  | { readonly from: 'input'; readonly input: string; readonly change?: boolean }
  | {
      readonly from: 'department';
      /** Id of the figure the department enters (shared by schemes that use it). */
      readonly figure: string;
      readonly department: Text;
      /** The evidence the department attaches (佐证材料). */
      readonly evidence: Text;
    };

export interface Leaf {
  readonly type: 'indicator';
  readonly id: string;
  readonly labels: Text;
  /** Points the indicator is worth at full marks (分值); 0 for a veto or a pure bonus. */
  readonly weight: Dec;
  /** Unit of the figure as shown: '%' means the figure is a fraction shown ×100. */
  readonly unit: string;
  readonly source: IndicatorSource;
  readonly rule: RuleSpec;
  /** Why the weight or bounds were chosen when not published ([M]). */
  readonly mark?: 'V' | 'M';
  readonly note?: Text;
}

export interface Section {
  readonly type: 'section';
  readonly id: string;
  readonly labels: Text;
  /** Most points the section can give (版块上限); its children's sum is capped here. */
  readonly cap?: Dec;
  /** Fewest points the section can give (e.g. 0 so deductions never go below it). */
  readonly floor?: Dec;
  readonly children: readonly IndicatorNode[];
}

export type IndicatorNode = Leaf | Section;

export interface GradeBand {
  /** Lowest total (inclusive) of the band. */
  readonly min: Dec;
  readonly labels: Text;
}

/** An assessment scheme, compiled: numbers are decimals, bands sorted from the highest. */
export interface AssessmentScheme {
  readonly id: string;
  readonly version: string;
  readonly title: Text;
  readonly fullScore: Dec;
  readonly grades: readonly GradeBand[];
  readonly indicators: readonly IndicatorNode[];
  /** What a veto does to the total: set it to 0 (一票否决). */
  readonly vetoEffect: 'zero_total';
  readonly hash?: string;
}

/** One indicator's figure for one township; `parts` holds the named figures of composite rules. */
export interface IndicatorValue {
  readonly value: Dec;
  readonly parts?: Readonly<Record<string, Dec>>;
  /** Where the figure came from, shown in the explanation (e.g. "林业局 填报，佐证：…"). */
  readonly provenance?: Text;
}

/** township id → indicator id → value. */
export type ValuesByTownship = ReadonlyMap<string, ReadonlyMap<string, IndicatorValue>>;

export interface Explanation {
  readonly figure: Dec;
  readonly unit: string;
  readonly rule: RuleKind;
  /** The rule in words with its bounds, e.g. "在 60%–80% 之间线性赋分". */
  readonly ruleText: Text;
  readonly weight: Dec;
  readonly points: Dec;
  /** One sentence: figure, rule, bounds, weight and points. */
  readonly text: Text;
}

export interface IndicatorScore {
  readonly id: string;
  readonly labels: Text;
  /** Ids of the enclosing sections, outermost first. */
  readonly path: readonly string[];
  readonly weight: Dec;
  readonly points: Dec;
  /** points / weight, when weight > 0. */
  readonly share?: Dec;
  readonly vetoed: boolean;
  readonly explanation: Explanation;
}

export interface SectionScore {
  readonly id: string;
  readonly labels: Text;
  readonly path: readonly string[];
  /** Sum of the children before the cap and floor. */
  readonly raw: Dec;
  readonly points: Dec;
  readonly capped: boolean;
}

export interface TownshipScore {
  readonly township: string;
  /** false when a figure is missing: no total, no rank (a missing value is never 0). */
  readonly complete: boolean;
  readonly missing: readonly string[];
  readonly indicators: readonly IndicatorScore[];
  readonly sections: readonly SectionScore[];
  /** Sum of the top-level nodes before a veto. */
  readonly beforeVeto?: Dec;
  readonly total?: Dec;
  readonly vetoedBy: readonly string[];
  readonly rank?: number;
  readonly grade?: Text;
  readonly strengths: readonly string[];
  readonly weaknesses: readonly string[];
}

export interface AssessmentResult {
  readonly scheme: { id: string; version: string; hash?: string };
  readonly townships: readonly TownshipScore[];
  readonly issues: readonly Text[];
}

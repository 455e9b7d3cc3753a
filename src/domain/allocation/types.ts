import type { Dec } from '../decimal.js';
import type { Text } from '../assessment/types.js';

export type { Text };

/** A factor of the factor method: its weight (fraction of the fund) and how its indicator is normalised. */
export interface Factor {
  readonly id: string;
  readonly labels: Text;
  /** Fraction of the fund the factor distributes (the factors' weights add to 1). */
  readonly weight: Dec;
  /** proportional: value ÷ Σ values; inverse: (1/value) ÷ Σ (1/value), for "less is better" (用水总量). */
  readonly normalise: 'proportional' | 'inverse';
  readonly unit: string;
}

export interface SectionPair {
  readonly id: string;
  /** The monitoring section (断面) whose compliance settles the pair. */
  readonly section: Text;
  readonly upstream: string;
  readonly downstream: string;
  /** 元 paid per period (month or year) by the downstream when compliant, by the upstream when not. */
  readonly amountPerPeriod: Dec;
}

/** The parameters of an allocation rule; `kind` names its entry in the registry. */
export type AllocationRule =
  | { readonly kind: 'factor'; readonly factors: readonly Factor[] }
  | {
      readonly kind: 'score_based';
      /** The score that keeps the full base amount (e.g. 100). */
      readonly fullScore: Dec;
      /** The N best scores each get `topReward` 元 (ties at the N-th place included). */
      readonly topN: number;
      readonly topReward: Dec;
    }
  | {
      readonly kind: 'per_increment';
      /** 元 paid per unit of real GEP increment (e.g. per 万元 at constant prices). */
      readonly ratePerUnit: Dec;
      readonly unit: string;
    }
  | {
      readonly kind: 'schedule';
      /** Unit of the change (e.g. 百分点). */
      readonly unit: string;
      /** 元 per unit of improvement and per unit of deterioration. */
      readonly rewardPerUnit: Dec;
      readonly penaltyPerUnit: Dec;
      /** Extra reward per unit of improvement beyond a threshold (e.g. beyond the provincial average). */
      readonly extraAbove?: { readonly threshold: Dec; readonly perUnit: Dec };
    }
  | {
      readonly kind: 'upstream_downstream';
      readonly period: 'month' | 'year';
      readonly pairs: readonly SectionPair[];
    };

export type AllocationKind = AllocationRule['kind'];

export interface Fund {
  readonly name: Text;
  readonly year: number;
  /** 元, a whole number of fen; 0 for purely horizontal compensation. */
  readonly amount: Dec;
  readonly source: Text;
  readonly rule: AllocationRule;
}

/** What a rule reads per township: figure id → value (score, base, factor values, increment, change). */
export interface AllocationInputs {
  /** Townships in display order. */
  readonly townships: readonly string[];
  readonly figures: ReadonlyMap<string, ReadonlyMap<string, Dec>>;
  /** Section pair id → compliance per period (12 months, or 1 year). */
  readonly compliance?: ReadonlyMap<string, readonly boolean[]>;
  readonly names?: ReadonlyMap<string, Text>;
}

export interface AllocationPart {
  readonly labels: Text;
  /** 元, exact (before rounding to the fen). */
  readonly amount: Dec;
}

export interface AllocationLine {
  readonly township: string;
  /** 元, to the fen; negative when the township pays. */
  readonly amount: Dec;
  readonly parts: readonly AllocationPart[];
  readonly explanation: Text;
}

export interface AllocationResult {
  readonly fund: Dec;
  readonly lines: readonly AllocationLine[];
  /** Part of the fund not allocated by the rule (e.g. no township above the full score), 元. */
  readonly retained: Dec;
  readonly retainedReason?: Text;
  /** Σ lines + retained; equals the fund for fund-bounded rules, 0 for horizontal compensation. */
  readonly total: Dec;
  /** Monthly or yearly settlement of each section pair (upstream–downstream only). */
  readonly settlements?: ReadonlyArray<{
    readonly pair: SectionPair;
    readonly periods: ReadonlyArray<{
      readonly compliant: boolean;
      readonly payer: string;
      readonly payee: string;
    }>;
    /** Net received by the upstream township, 元. */
    readonly upstreamNet: Dec;
  }>;
  readonly issues: readonly Text[];
}

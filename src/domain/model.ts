import type { Dec } from './decimal.js';
import type { CheckedFormula } from './formula.js';
import type { Unit } from './units.js';
import type {
  Category,
  EcosystemType,
  GroupSpec,
  InputSpec,
  Labels,
  LandClassSpec,
  ProductSpec,
  ProfileSpec,
} from '../methods/schema.js';

/** A coefficient set after inheritance, validation, unit checking and compilation. */
export interface CompiledSet {
  readonly id: string;
  readonly version: string;
  /** sha256 of the resolved set's canonical JSON: what a result records to be reproducible. */
  readonly hash: string;
  readonly title: Labels;
  readonly status: 'draft' | 'published';
  readonly lineage: ReadonlyArray<{ id: string; version: string }>;
  readonly profiles: readonly ProfileSpec[];
  readonly inputGroups: readonly GroupSpec[];
  readonly landClasses: readonly LandClassSpec[];
  readonly inputs: readonly InputModel[];
  readonly parameters: ReadonlyMap<string, ParameterModel>;
  readonly products: readonly ProductModel[];
  /** All components of all products, in dependency order. */
  readonly components: readonly ComponentModel[];
  readonly equivalentFactor?: EquivalentFactorModel;
  /** Id of the balance-sheet configuration the set names (inherited), if any. */
  readonly balanceSheet?: string;
  readonly layout: SlotLayout;
  /** Price-index series by id; empty when the set does not restate prices. */
  readonly priceIndices: ReadonlyMap<string, PriceIndexModel>;
  /** Default base year of constant-price figures. */
  readonly constantPriceYear?: number;
  /** Recompiles the components' plans (and the value of one equivalent) for other parameter values. */
  readonly replan: (parameters: ReadonlyMap<string, ParameterModel>) => {
    components: readonly ComponentModel[];
    equivalentFactor?: EquivalentFactorModel;
  };
}

export interface PriceIndexModel {
  readonly id: string;
  readonly labels: Labels;
  readonly base: string;
  readonly values: ReadonlyMap<number, { value: Dec; source: string; verified: boolean }>;
}

/** How a money parameter was restated from its price year to the year of the figures. */
export interface Restatement {
  readonly index: string;
  readonly fromYear: number;
  readonly toYear: number;
  readonly fromIndex: Dec;
  readonly toIndex: Dec;
  /** toIndex ÷ fromIndex */
  readonly factor: Dec;
  /** The value as the set states it, at its price year. */
  readonly stated: Dec | ReadonlyMap<string, Dec>;
}

export interface InputModel extends Omit<InputSpec, 'range' | 'acceptUnits'> {
  readonly unitValue: Unit;
  readonly acceptUnits: ReadonlyArray<{ text: string; unit: Unit }>;
  readonly range?: readonly [Dec, Dec];
}

export interface ParameterModel {
  readonly id: string;
  readonly labels: Labels;
  readonly unitText: string;
  readonly unit: Unit;
  /** Scalar value; null when the set leaves it unset. */
  readonly value?: Dec | null;
  readonly values?: ReadonlyMap<string, Dec>;
  readonly percent: boolean;
  /** Low and high estimates (scenario appraisal), in the same shape as value / values. */
  readonly low?: Dec | ReadonlyMap<string, Dec>;
  readonly high?: Dec | ReadonlyMap<string, Dec>;
  readonly priceYear?: number | null;
  /** Price-index series that restates it (money parameters of a set with price indices). */
  readonly priceIndex?: string;
  /** Set when the value was restated to another year's prices. */
  readonly restatement?: Restatement;
  readonly source: string;
  readonly verified: boolean;
  readonly note?: string;
  /** The set (id@version) that last set this parameter's value. */
  readonly definedIn: string;
}

export interface FormulaModel {
  readonly text: string;
  readonly unitText: string;
  readonly checked: CheckedFormula;
}

export interface ComponentModel {
  readonly id: string;
  readonly product: ProductModel;
  readonly labels: Labels;
  readonly landClasses: readonly string[] | null;
  readonly ecosystem: EcosystemType | null;
  readonly quantity: FormulaModel;
  readonly cap?: FormulaModel;
  readonly value: FormulaModel;
  /** Share of the value originating outside the region (deducted for net GEP). */
  readonly outOfRegionShare?: FormulaModel;
  readonly inputsUsed: readonly string[];
  readonly parametersUsed: readonly string[];
  readonly componentsUsed: readonly string[];
  /** Parameters without a value: the component has a quantity but cannot be valued. */
  readonly unsetParameters: readonly string[];
  readonly plan: ComponentPlan<Dec>;
}

export interface ProductModel extends Omit<ProductSpec, 'components'> {
  readonly category: Category;
  readonly componentIds: readonly string[];
}

/** Positions of the record's values in the evaluation array. */
export interface SlotLayout {
  readonly size: number;
  readonly qSlot: number;
  scalar(inputOrComponent: string): number | undefined;
  perClass(inputOrComponent: string, landClass: string): number | undefined;
}

export type Evaluator<T> = (env: ReadonlyArray<T>) => T;

/** Compiled closures of one component: per land class, or one `total` entry. */
export interface ComponentPlan<T> {
  readonly quantity: ReadonlyMap<string, Evaluator<T>>;
  readonly cap?: Evaluator<T>;
  /** Absent when a parameter of the value formula is unset. */
  readonly value?: ReadonlyMap<string, Evaluator<T>>;
  readonly outOfRegionShare?: Evaluator<T>;
}

export const TOTAL = '*';

export interface EquivalentFactorModel {
  readonly standardValue: FormulaModel;
  readonly standardValueEval: Evaluator<Dec>;
  readonly groups: readonly GroupSpec[];
  readonly services: ReadonlyArray<{ id: string; labels: Labels; group: string }>;
  readonly types: ReadonlyArray<{
    id: string;
    labels: Labels;
    factors: ReadonlyMap<string, Dec>;
    printedSum?: Dec;
  }>;
  readonly mapping: ReadonlyMap<string, string | null>;
}

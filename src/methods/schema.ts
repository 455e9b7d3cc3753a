import { z } from 'zod';
import { INPUT_ROLES } from '../domain/roles.js';

/**
 * The schema of a coefficient set file (coefficients/<set>/<version>.yaml). One declaration drives
 * validation, the input template, the data-entry form, the report headers and the published price list.
 */
const id = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'an id is lower-case letters, digits and "_", starting with a letter');
const setId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'a set id is lower-case letters, digits and "-"');
const version = z.string().regex(/^\d+\.\d+\.\d+$/, 'a version is MAJOR.MINOR.PATCH, e.g. 1.0.0');
const decimalText = z.union([z.string(), z.number()]).transform((v) => String(v).trim());

export const labels = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();

export const ECOSYSTEM_TYPES = [
  'forest',
  'shrub',
  'grassland',
  'wetland',
  'farmland',
  'urban',
  'water',
  'bare',
] as const;
export const CATEGORIES = ['provisioning', 'regulating', 'cultural'] as const;
export const VALUATION_METHODS = [
  'market_value',
  'shadow_engineering',
  'replacement_cost',
  'avoided_cost',
  'travel_cost',
  'hedonic',
] as const;

const formulaSpec = z.object({ formula: z.string().min(1), unit: z.string().min(1) }).strict();

const landClass = z
  .object({
    id,
    labels,
    ecosystem: z.enum(ECOSYSTEM_TYPES),
    /** GB/T 21010-2017 (三调) class codes that map to this class; the bureau may change them. */
    sourceCodes: z.array(z.string().regex(/^\d{2,4}$/)).default([]),
  })
  .strict();

const input = z
  .object({
    id,
    labels,
    unit: z.string().min(1),
    /** Other units a user may enter the value in; converted to `unit` on entry. */
    acceptUnits: z.array(z.string().min(1)).default([]),
    perLandClass: z.boolean().default(false),
    range: z.tuple([decimalText, decimalText]).optional(),
    required: z.boolean().default(true),
    department: labels,
    group: id,
    percent: z.boolean().default(false),
    description: labels.optional(),
    /** What the input means to the accounts (GDP, pollution cost, population…): found by role, converted by unit. */
    role: z.enum(INPUT_ROLES).optional(),
    /**
     * In a land-use scenario the input follows the area of these classes, its yield per hm² held at the baseline's:
     * scenario = baseline × (Σ scenario area ÷ Σ baseline area), e.g. grain output with paddy and dry farmland.
     */
    scalesWithLandClasses: z.array(id).min(1).optional(),
  })
  .strict();

/**
 * Low and high estimates of a parameter (a scalar, or per land class for a per-class parameter): the appraisal
 * of a scenario runs three cases, central (value), low and high. Optional; low ≤ value ≤ high.
 */
const bound = z.union([decimalText, z.record(z.string(), decimalText)]).optional();
const estimateBounds = { low: bound, high: bound };

const parameter = z
  .object({
    id,
    labels,
    unit: z.string().min(1),
    /** A scalar value; null = not set (a bureau must supply it before the product can be valued). */
    value: decimalText.nullable().optional(),
    /** Per land class values, for per-class parameters. */
    values: z.record(z.string(), decimalText).optional(),
    range: z.tuple([decimalText, decimalText]).optional(),
    ...estimateBounds,
    percent: z.boolean().default(false),
    priceYear: z.number().int().min(1900).max(2100).nullable().optional(),
    /** The price-index series (priceIndices) that restates this money parameter between years; default "cpi". */
    priceIndex: id.optional(),
    source: z.string().min(1),
    /** [V] checked in the named publication; [M] not yet checked: shown as unverified. */
    verified: z.boolean(),
    note: z.string().optional(),
  })
  .strict()
  .refine((p) => (p.value !== undefined) !== (p.values !== undefined), {
    message: 'a parameter has either "value" or "values" (per land class), not both',
  });

const parameterOverride = z
  .object({
    id,
    unit: z.string().min(1).optional(),
    value: decimalText.nullable().optional(),
    values: z.record(z.string(), decimalText).optional(),
    ...estimateBounds,
    priceYear: z.number().int().min(1900).max(2100).nullable().optional(),
    priceIndex: id.optional(),
    source: z.string().min(1),
    verified: z.boolean(),
    note: z.string().optional(),
  })
  .strict()
  .refine((o) => o.unit === undefined || o.value !== undefined || o.values !== undefined, {
    message: 'an override that changes the unit must give the value in the new unit',
  });

const component = z
  .object({
    id,
    labels: labels.optional(),
    /** Evaluated once per listed land class, then summed. */
    landClasses: z.array(id).optional(),
    /** Ecosystem type of a component that is not per land class (for the by-ecosystem table). */
    ecosystem: z.enum(ECOSYSTEM_TYPES).optional(),
    quantity: formulaSpec,
    /** An upper bound on the summed quantity (e.g. uptake capped at emissions). */
    cap: formulaSpec.optional(),
    value: formulaSpec,
    /**
     * Share (0–1) of the component's value that originates in ecosystems outside the region (GB/T 46869—2025),
     * e.g. water supplied by upstream inflow: inflow ÷ (inflow + local runoff). Deducted for net GEP.
     */
    outOfRegionShare: formulaSpec.optional(),
  })
  .strict();

const product = z
  .object({
    id,
    category: z.enum(CATEGORIES),
    labels,
    method: z.enum(VALUATION_METHODS),
    profiles: z.array(id).min(1),
    description: labels.optional(),
    /** Where the formulas come from; with `verified` ([V] read in that publication, [M] not). */
    source: z.string().min(1).optional(),
    verified: z.boolean().optional(),
    components: z.array(component).min(1),
  })
  .strict();

/** A price-index series (e.g. CPI, 1978 = 100): restates money parameters from their price year to another year. */
const priceIndex = z
  .object({
    id,
    labels,
    /** How the index is based, e.g. "1978=100". */
    base: z.string().min(1),
    values: z
      .array(
        z
          .object({
            year: z.number().int().min(1900).max(2100),
            value: decimalText,
            source: z.string().min(1),
            verified: z.boolean(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

const profile = z.object({ id, labels, description: labels.optional() }).strict();
const group = z.object({ id, labels }).strict();

const equivalentFactor = z
  .object({
    /** Value of one standard equivalent, 元/hm² (a formula over parameters). */
    standardValue: formulaSpec,
    groups: z.array(group).min(1),
    services: z.array(z.object({ id, labels, group: id }).strict()).min(1),
    types: z
      .array(
        z
          .object({
            id,
            labels,
            factors: z.record(z.string(), decimalText),
            printedSum: decimalText.optional(),
          })
          .strict(),
      )
      .min(1),
    /** County land class → ecosystem type of the table; null = no ecosystem service (built-up land). */
    mapping: z.record(z.string(), id.nullable()),
  })
  .strict();

export const coefficientSetFile = z
  .object({
    id: setId,
    version,
    status: z.enum(['draft', 'published']),
    title: labels,
    description: labels.optional(),
    extends: z.object({ id: setId, version }).strict().optional(),
    profiles: z.array(profile).default([]),
    inputGroups: z.array(group).default([]),
    landClasses: z.array(landClass).default([]),
    inputs: z.array(input).default([]),
    parameters: z.array(parameter).default([]),
    products: z.array(product).default([]),
    equivalentFactor: equivalentFactor.optional(),
    /** Price-index series; a child set's series of the same id replaces the inherited one. */
    priceIndices: z.array(priceIndex).default([]),
    /** The base year of constant-price figures unless the user chooses another. */
    constantPriceYear: z.number().int().min(1900).max(2100).optional(),
    /** A child set's changes to an inherited equivalent-factor section: the value of one equivalent, class mapping. */
    equivalentFactorOverrides: z
      .object({
        standardValue: formulaSpec.optional(),
        mapping: z.record(z.string(), id.nullable()).optional(),
      })
      .strict()
      .optional(),
    /** A child set's changes to parameters it inherits: new value, unit, source, year, verified flag. */
    parameterOverrides: z.array(parameterOverride).default([]),
    /**
     * The balance-sheet configuration (coefficients/balance-sheet/<id>.yaml) the set's accounts use unless
     * another is chosen; inherited, a child set may name another.
     */
    balanceSheet: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/)
      .optional(),
    /** Ids of products a child set removes from its parent. */
    removeProducts: z.array(id).default([]),
    /** Ids of inputs a child set removes (e.g. an equivalent-factor-only set keeps land_area alone). */
    removeInputs: z.array(id).optional(),
    /**
     * Ids of land classes a child set removes; their per-class parameter values and equivalent-factor
     * mapping go with them (a component still listing one is an error: remove or redefine its product).
     */
    removeLandClasses: z.array(id).optional(),
  })
  .strict();

export type CoefficientSetFile = z.infer<typeof coefficientSetFile>;
export type LandClassSpec = z.infer<typeof landClass>;
export type InputSpec = z.infer<typeof input>;
export type ParameterSpec = z.infer<typeof parameter>;
export type ParameterOverrideSpec = z.infer<typeof parameterOverride>;
export type ProductSpec = z.infer<typeof product>;
export type ComponentSpec = z.infer<typeof component>;
export type ProfileSpec = z.infer<typeof profile>;
export type GroupSpec = z.infer<typeof group>;
export type PriceIndexSpec = z.infer<typeof priceIndex>;
export type EquivalentFactorSpec = z.infer<typeof equivalentFactor>;
export type Labels = z.infer<typeof labels>;
export type Category = (typeof CATEGORIES)[number];
export type EcosystemType = (typeof ECOSYSTEM_TYPES)[number];

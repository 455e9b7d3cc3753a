/**
 * What a balance sheet (自然资源资产负债表) counts, as data (coefficients/balance-sheet/<region>.yaml):
 * which inputs of the set are physical stocks, the discount rate and horizon of the ecosystem asset
 * value, and the list of liabilities with the inputs their amounts come from. There is no national
 * definition of liabilities (gep-methods.md §5.1), so each county configures its own list.
 * Pure: the caller reads and parses the file; this module validates it against a compiled set.
 */
import { z } from 'zod';
import { ONE, type Dec } from './decimal.js';
import type { CompiledSet, InputModel } from './model.js';
import { convertValue, parseUnit, sameDimension } from './units.js';
import { CATEGORIES, labels, type Category, type Labels } from '../methods/schema.js';
import { parseRate } from '../methods/compile.js';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'an id is lower-case letters, digits and "_"');
const decimalText = z.union([z.string(), z.number()]).transform((v) => String(v).trim());

export const balanceSheetConfigFile = z
  .object({
    format: z.literal('gep-ledger/balance-sheet@1'),
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    title: labels,
    /** The per-land-class area input the extent account reads (hm² after conversion). */
    landAreaInput: id.default('land_area'),
    /** Scalar inputs of the set that are stocks at the end of the year (森林蓄积量, 水资源总量 …). */
    stocks: z.array(z.object({ input: id, note: labels.optional() }).strict()).default([]),
    assetValue: z
      .object({
        /** Discount rate as a fraction or with "%": '2.77%'. */
        rate: decimalText,
        years: z.number().int().min(1).max(1000),
        /** Categories whose annual value is the flow discounted; all three by default. */
        categories: z
          .array(z.enum(CATEGORIES))
          .min(1)
          .default([...CATEGORIES]),
        /**
         * Provisioning is capitalised on its resource rent, not on gross output: the share of each provisioning
         * product's value that is rent (fraction or "%"). When given, every provisioning product needs one.
         */
        rentShares: z.record(z.string(), decimalText).optional(),
        rentSource: z.string().min(1).optional(),
        source: z.string().min(1),
      })
      .strict(),
    liabilities: z
      .array(
        z
          .object({
            id,
            labels,
            /** Why this is a liability (the definition the county adopts). */
            basis: labels,
            source: z.string().min(1),
            /** Money inputs of the closing year whose sum, converted to 元, is the amount. */
            inputs: z.array(id).min(1),
            /** Part of that sum counted (fraction or "%"); 100 % by default. */
            share: decimalText.optional(),
            /**
             * stock: an obligation outstanding at the end of the year (e.g. the restoration cost of a degraded
             * stock), counted in the position; flow: the year's damage, shown apart and not a liability.
             */
            kind: z.enum(['stock', 'flow']).default('stock'),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type BalanceSheetConfigFile = z.infer<typeof balanceSheetConfigFile>;

export interface LiabilitySpec {
  readonly id: string;
  readonly labels: Labels;
  readonly basis: Labels;
  readonly source: string;
  readonly inputs: readonly InputModel[];
  readonly share: Dec;
  readonly kind: 'stock' | 'flow';
}

export interface BalanceSheetConfig {
  readonly id: string;
  readonly title: Labels;
  readonly landAreaInput: InputModel;
  readonly stocks: ReadonlyArray<{ input: InputModel; note?: Labels }>;
  readonly assetValue: {
    readonly rate: Dec;
    readonly years: number;
    readonly categories: readonly Category[];
    readonly source: string;
    /** Rent share per provisioning product; absent: gross value capitalised. */
    readonly rentShares?: ReadonlyMap<string, Dec>;
    readonly rentSource?: string;
  };
  readonly liabilities: readonly LiabilitySpec[];
}

export class BalanceSheetConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(issues.join('\n'));
  }
}

const YUAN = parseUnit('元');

/** Converts a money input's value (in the input's declared unit, e.g. 万元) to 元. */
export function toYuan(input: InputModel, value: Dec): Dec {
  return convertValue(value, input.unitValue, YUAN);
}

/** Validates a parsed config file against a set; every problem is listed at once. */
export function parseBalanceSheetConfig(
  raw: unknown,
  set: CompiledSet,
  source = 'balance sheet',
): BalanceSheetConfig {
  const parsed = balanceSheetConfigFile.safeParse(raw);
  if (!parsed.success)
    throw new BalanceSheetConfigError(
      parsed.error.issues.map((i) => `${source}: ${i.path.join('.') || '(top)'}: ${i.message}`),
    );
  const file = parsed.data;
  const issues: string[] = [];
  const inputById = new Map(set.inputs.map((i) => [i.id, i]));
  const where = `${source} (set ${set.id}@${set.version})`;
  const inputOf = (inputId: string, path: string, perLandClass: boolean): InputModel | undefined => {
    const input = inputById.get(inputId);
    if (!input) issues.push(`${where}: ${path}: the set has no input "${inputId}"`);
    else if (input.perLandClass !== perLandClass)
      issues.push(
        `${where}: ${path}: input "${inputId}" ${perLandClass ? 'is not' : 'is'} given per land class`,
      );
    return input;
  };

  const landAreaInput = inputOf(file.landAreaInput, 'landAreaInput', true);
  if (landAreaInput && !sameDimension(landAreaInput.unitValue, parseUnit('hm2')))
    issues.push(`${where}: landAreaInput: "${file.landAreaInput}" is not an area (${landAreaInput.unit})`);

  const stocks = file.stocks.flatMap((s, i) => {
    const input = inputOf(s.input, `stocks.${i}`, false);
    return input ? [{ input, note: s.note }] : [];
  });

  const rate = parseRate(file.assetValue.rate, true);
  if (!rate || rate.lte(-1))
    issues.push(`${where}: assetValue.rate: "${file.assetValue.rate}" is not a rate above −100 %`);

  const seen = new Set<string>();
  const liabilities = file.liabilities.map((l): LiabilitySpec => {
    if (seen.has(l.id)) issues.push(`${where}: liabilities.${l.id}: duplicate id`);
    seen.add(l.id);
    const inputs = l.inputs.flatMap((inputId) => {
      const input = inputOf(inputId, `liabilities.${l.id}.inputs`, false);
      if (input && !sameDimension(input.unitValue, YUAN)) {
        issues.push(
          `${where}: liabilities.${l.id}: input "${inputId}" is not an amount of money (${input.unit})`,
        );
        return [];
      }
      return input ? [input] : [];
    });
    const share = l.share === undefined ? ONE : parseRate(l.share, true);
    if (!share || share.isNeg())
      issues.push(`${where}: liabilities.${l.id}.share: "${l.share}" is not a non-negative share`);
    return {
      id: l.id,
      labels: l.labels,
      basis: l.basis,
      source: l.source,
      inputs,
      share: share ?? ONE,
      kind: l.kind,
    };
  });

  let rentShares: Map<string, Dec> | undefined;
  if (file.assetValue.rentShares) {
    rentShares = new Map();
    const provisioning = set.products.filter((p) => p.category === 'provisioning').map((p) => p.id);
    for (const [productId, raw] of Object.entries(file.assetValue.rentShares)) {
      const v = parseRate(raw, true);
      if (!provisioning.includes(productId))
        issues.push(`${where}: assetValue.rentShares.${productId}: not a provisioning product of the set`);
      else if (!v || v.isNeg() || v.gt(1))
        issues.push(
          `${where}: assetValue.rentShares.${productId}: "${raw}" is not a share between 0 and 100 %`,
        );
      else rentShares.set(productId, v);
    }
    const missing = provisioning.filter((id) => !(id in file.assetValue.rentShares!));
    if (missing.length)
      issues.push(`${where}: assetValue.rentShares: no rent share for ${missing.join(', ')}`);
  }

  if (issues.length || !landAreaInput || !rate) throw new BalanceSheetConfigError(issues);
  return {
    id: file.id,
    title: file.title,
    landAreaInput,
    stocks,
    assetValue: { ...file.assetValue, rate, rentShares },
    liabilities,
  };
}

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseDecimal } from '../domain/decimal.js';
import { TOWNSHIP_AREA_KM2, type RawRecord, type TownshipInfo } from '../domain/inputs.js';
import type { TransitionMatrix } from '../domain/transitions.js';

/**
 * A data file: a region, its townships and their survey records per year (JSON). CSV and XLSX files
 * carry the records only (one row per township and year); see io/table-input.ts.
 */
const labels = z.object({ zh: z.string(), en: z.string() });
const decimalLike = z.union([z.string(), z.number()]);

export const datasetSchema = z
  .object({
    format: z.literal('gep-ledger/dataset@1'),
    region: z.object({
      id: z.string(),
      labels,
      sample: z.boolean().default(false),
      areaKm2: decimalLike.optional(),
      /** 行政区划代码 of the county, 6 digits (GB/T 2260). */
      adminCode: z
        .string()
        .regex(/^\d{6}$/)
        .optional(),
    }),
    townships: z
      .array(
        z.object({
          id: z.string().regex(/^[a-z][a-z0-9_]*$/),
          labels,
          kind: z.enum(['subdistrict', 'town', 'township']),
          areaKm2: decimalLike.optional(),
          /** 行政区划代码 of the township, 9 digits (county code + 3). */
          adminCode: z
            .string()
            .regex(/^\d{9}$/)
            .optional(),
        }),
      )
      .min(1),
    records: z.array(
      z.object({
        township: z.string(),
        year: z.number().int(),
        values: z.record(z.string(), z.unknown()),
        units: z.record(z.string(), z.string()).optional(),
        overrides: z
          .record(
            z.string(),
            z.object({ quantity: decimalLike, unit: z.string().optional(), source: z.string().optional() }),
          )
          .optional(),
      }),
    ),
    transitions: z
      .array(
        z.object({
          township: z.string(),
          fromYear: z.number().int(),
          toYear: z.number().int(),
          unit: z.string().default('hm2'),
          matrix: z.record(z.string(), z.record(z.string(), decimalLike)),
        }),
      )
      .default([]),
  })
  .strict();

export type DatasetFile = z.infer<typeof datasetSchema>;

export interface Dataset {
  readonly file: DatasetFile;
  readonly townships: readonly (TownshipInfo & { labels: { zh: string; en: string } })[];
  readonly records: readonly RawRecord[];
  readonly transitions: readonly TransitionMatrix[];
}

export class DatasetError extends Error {}

export function parseDataset(raw: unknown, source = 'data'): Dataset {
  const parsed = datasetSchema.safeParse(raw);
  if (!parsed.success)
    throw new DatasetError(
      parsed.error.issues.map((i) => `${source}: ${i.path.join('.') || '(top)'}: ${i.message}`).join('\n'),
    );
  const file = parsed.data;
  const townships = file.townships.map((t) => {
    const areaKm2 = t.areaKm2 === undefined ? undefined : parseDecimal(t.areaKm2);
    if (t.areaKm2 !== undefined && !areaKm2)
      throw new DatasetError(`${source}: townships.${t.id}.areaKm2 is not a number`);
    if (areaKm2 && (areaKm2.lt(TOWNSHIP_AREA_KM2.min) || areaKm2.gt(TOWNSHIP_AREA_KM2.max)))
      throw new DatasetError(
        `${source}: townships.${t.id}.areaKm2 must be from ${TOWNSHIP_AREA_KM2.min} to ${TOWNSHIP_AREA_KM2.max} km²`,
      );
    return { id: t.id, labels: t.labels, areaKm2 };
  });
  const transitions = file.transitions.map((t) => ({
    township: t.township,
    fromYear: t.fromYear,
    toYear: t.toYear,
    unit: t.unit,
    matrix: t.matrix as Record<string, Record<string, string | number>>,
  }));
  return { file, townships, records: file.records, transitions };
}

export function readDatasetJson(path: string): Dataset {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new DatasetError(`${path}: cannot read JSON: ${(e as Error).message}`);
  }
  return parseDataset(raw, path);
}

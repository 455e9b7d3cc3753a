/**
 * The sample county's assessment figures and funds (示例数据), seeds/<county>/decisions.json beside the
 * dataset: department figures arrive approved (entered by the system, as the survey sample does), funds
 * through the same validation as an administrator's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { recordEvent, SYSTEM_ACTOR } from './audit.js';
import { seedFigures } from './assessment.js';
import type { Db } from './db.js';
import { ValidationError } from './errors.js';
import { createFund } from './funds.js';
import { labels } from '../methods/schema.js';

const seedFile = z
  .object({
    format: z.literal('gep-ledger/decisions@1'),
    sample: z.boolean(),
    note: z.string(),
    figures: z.array(
      z
        .object({
          township: z.string(),
          year: z.number().int(),
          figure: z.string(),
          value: z.string(),
          percent: z.boolean(),
          department: labels,
          evidence: z.string(),
        })
        .strict(),
    ),
    funds: z.array(z.unknown()),
  })
  .strict();

/** The decisions seed beside a dataset file, when there is one. */
export const decisionsSeedFor = (datasetFile: string) => {
  const file = join(dirname(datasetFile), 'decisions.json');
  return existsSync(file) ? file : undefined;
};

export async function loadDecisionsSeed(db: Db, file: string): Promise<{ figures: number; funds: number }> {
  const parsed = seedFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const data = parsed.data;
  const figures = await seedFigures(db, data.figures, `${file}: loaded as approved sample data (示例数据)`);
  for (const fund of data.funds) await createFund(db, SYSTEM_ACTOR, fund, data.sample);
  await recordEvent(db, SYSTEM_ACTOR, {
    action: 'load',
    entity: 'decisions_sample',
    entityKey: file,
    newValue: { figures, funds: data.funds.length },
    note: `${file}: loaded as approved sample data (示例数据)`,
  });
  return { figures, funds: data.funds.length };
}

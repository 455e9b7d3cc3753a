/**
 * Loads the sample appraisal projects and tenure audits (seeds/minhou/scenarios.json, 示例数据) through the same
 * write paths as the pages: each alternative is validated against its baseline before it is written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SYSTEM_ACTOR } from './audit.js';
import type { Db } from './db.js';
import { createProject, createTenureAudit, saveAlternative } from './scenarios.js';
import { loadCompiledSet } from './sets.js';
import { getSettings } from './settings.js';
import type { LandUseChangeSpec, ScenarioSpec } from '../domain/scenario.js';

interface SampleFile {
  format: 'gep-ledger/scenarios@1';
  projects: Array<{
    name: string;
    description?: string;
    kind?: 'project' | 'plan';
    year: number;
    townships: string[];
    set: string;
    rate: string;
    horizon: number;
    alternatives: Array<{
      name: string;
      note?: string;
      changes: LandUseChangeSpec[];
      edits?: ScenarioSpec['edits'];
    }>;
  }>;
  audits: Array<{
    name: string;
    official: string;
    scope: string;
    startYear: number;
    endYear: number;
    configId: string;
  }>;
}

export async function loadScenarioSample(
  db: Db,
  file: string,
): Promise<{ projects: number; audits: number }> {
  if (!existsSync(file)) return { projects: 0, audits: 0 };
  const data = JSON.parse(readFileSync(file, 'utf8')) as SampleFile;
  if (data.format !== 'gep-ledger/scenarios@1') throw new Error(`${file}: not a gep-ledger/scenarios@1 file`);
  const { profile } = await getSettings(db);
  for (const p of data.projects) {
    const [setId, setVersion] = p.set.split('@') as [string, string];
    const set = await loadCompiledSet(db, setId, setVersion);
    const id = await createProject(db, SYSTEM_ACTOR, {
      name: p.name,
      description: p.description ?? '',
      kind: p.kind ?? 'project',
      year: p.year,
      townships: p.townships,
      setId,
      setVersion,
      profile,
      constantPriceYear: set.constantPriceYear ?? p.year,
      rate: p.rate,
      horizon: p.horizon,
      sample: true,
    });
    for (const a of p.alternatives)
      await saveAlternative(
        db,
        SYSTEM_ACTOR,
        set,
        id,
        a.name,
        { changes: a.changes, ...(a.edits ? { edits: a.edits } : {}) },
        a.note ?? '',
      );
  }
  for (const a of data.audits) await createTenureAudit(db, SYSTEM_ACTOR, { ...a, sample: true });
  return { projects: data.projects.length, audits: data.audits.length };
}

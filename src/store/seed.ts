import type { Dataset } from '../io/dataset.js';
import { recordEvent, SYSTEM_ACTOR } from './audit.js';
import type { Db } from './db.js';
import { ValidationError } from './errors.js';
import { loadCompiledSet } from './sets.js';
import { getSettings } from './settings.js';
import { saveRecords, validateSurvey } from './survey.js';
import { saveTransitions } from './transitions.js';
import { townshipCodes, writeBoundaries } from './geo.js';
import { sampleBoundaries } from '../../seeds/minhou/layers.js';

/**
 * Loads a region, its townships and their survey data into an empty database, in one transaction.
 * Records arrive approved (imported by the system) so that reports can be read at once; the audit
 * trail says where they came from.
 */
export async function loadDataset(db: Db, data: Dataset, source: string): Promise<{ records: number }> {
  const settings = await getSettings(db);
  const set = await loadCompiledSet(db, settings.activeSet.id, settings.activeSet.version);
  return db.transaction(async (tx) => {
    const { region } = data.file;
    await tx.query(
      'insert into regions (id, name_zh, name_en, sample, admin_code) values ($1, $2, $3, $4, $5)',
      [region.id, region.labels.zh, region.labels.en, region.sample, region.adminCode ?? null],
    );
    let sort = 0;
    for (const t of data.file.townships)
      await tx.query(
        'insert into townships (id, region_id, name_zh, name_en, kind, area_km2, sort, admin_code) values ($1, $2, $3, $4, $5, $6, $7, $8)',
        [t.id, region.id, t.labels.zh, t.labels.en, t.kind, String(t.areaKm2), sort++, t.adminCode ?? null],
      );
    await recordEvent(tx, SYSTEM_ACTOR, {
      action: 'load',
      entity: 'region',
      entityKey: region.id,
      newValue: { townships: data.file.townships.length, sample: region.sample },
      note: source,
    });
    const { records, issues } = await validateSurvey(tx, set, data.records);
    if (issues.length) throw new ValidationError(issues);
    await saveRecords(
      tx,
      SYSTEM_ACTOR,
      set,
      records.map((record) => ({ record })),
      'replace',
    );
    await tx.query(
      "update survey_records set status = 'approved', version = version + 1, approved_values = values, approved_at = now()",
    );
    await recordEvent(tx, SYSTEM_ACTOR, {
      action: 'approve',
      entity: 'survey_record',
      entityKey: '*',
      newValue: { status: 'approved', records: records.length },
      note: `${source}: loaded as approved sample data (示例数据)`,
    });
    await saveTransitions(
      tx,
      SYSTEM_ACTOR,
      set,
      data.transitions.map((matrix) => ({ matrix })),
    );
    // the sample county's synthetic township boundaries (示例数据), so that its maps show at once
    if (region.sample && region.id === 'minhou')
      await writeBoundaries(tx, SYSTEM_ACTOR, await sampleBoundaries(await townshipCodes(tx)));
    return { records: records.length };
  });
}

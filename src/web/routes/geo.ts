/**
 * Spatial intake: the land-parcel layer DLTB → land-use areas (through the survey import's preview and
 * commit), the yearly change table → transition matrices, the township boundaries (XZQ / CJDCQ) → maps.
 */
import { rm } from 'node:fs/promises';
import { Router, type Request, type Response } from 'express';
import { singleUpload, MAX_LAYER_UPLOAD_MB } from '../upload.js';
import { page } from '../app.js';
import { requireRole } from '../auth.js';
import { activeSet, dbOf, yearParam } from '../context.js';
import { preview } from './import.js';
import { listTownships, townshipInfo } from '../../store/regions.js';
import { townshipCodes } from '../../store/geo.js';
import { validateRecords, type InputIssue } from '../../domain/inputs.js';
import { openLayer, LayerError } from '../../io/geo/layer.js';
import { landUseRecords, readDltb, type DltbSummary } from '../../io/geo/dltb.js';

const layerIssue = (e: unknown): InputIssue => {
  if (e instanceof LayerError) return { field: 'file', message: e.text };
  throw e;
};

/** What the preview shows of a layer beside the changes: parcels, unmatched codes, reconciliation. */
export function layerSummaryJson(s: DltbSummary) {
  return {
    crs: s.crs,
    encoding: s.encoding,
    parcels: s.sums.parcels,
    areaSources: s.sums.areaSources,
    unmatched: s.sums.unmatched.map((u) => ({ ...u, areaM2: u.areaM2.toString() })),
    reconciliation: s.reconciliation.map((r) => ({
      township: r.township,
      layerHm2: r.layerHm2.toString(),
      registeredHm2: r.registeredHm2.toString(),
      differenceHm2: r.differenceHm2.toString(),
    })),
    classesNotInLayer: s.classesNotInLayer,
  };
}

async function geoPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
  const db = dbOf(req);
  const years = (
    await db.query<{ year: number }>('select distinct year from survey_records order by year')
  ).map((r) => r.year);
  const codes = await townshipCodes(db);
  page(
    res,
    'geo/index',
    {
      title: res.locals.t('nav_geo'),
      issues: [],
      years: [...years, (years.at(-1) ?? new Date().getFullYear() - 1) + 1],
      codes: codes.length,
      townshipCount: (await listTownships(db)).length,
      maxMb: MAX_LAYER_UPLOAD_MB,
      set: await activeSet(req),
      ...extra,
    },
    status,
  );
}

export function geoRoutes() {
  const r = Router();
  r.get('/geo', requireRole('editor', 'admin'), (req, res) => geoPage(req, res));

  r.post(
    '/geo/dltb',
    requireRole('editor', 'admin'),
    singleUpload({ toDisk: true, maxMb: MAX_LAYER_UPLOAD_MB }),
  );
  r.post('/geo/dltb', requireRole('editor', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const file = req.file;
    const year = yearParam(req.body?.year);
    const fail = (issues: InputIssue[]) => geoPage(req, res, { issues, fileName: file?.originalname }, 422);
    try {
      if (!file)
        return await fail([
          { field: 'file', message: { zh: '请选择要上传的图层', en: 'choose a layer to upload' } },
        ]);
      if (!year) return await fail([{ field: 'year', message: { zh: '请选择年份', en: 'choose the year' } }]);
      let summary: DltbSummary;
      try {
        const layer = await openLayer(file.path, file.originalname, {
          encoding: req.body?.encoding || undefined,
          layerName: 'DLTB',
        });
        try {
          summary = await readDltb(layer, set, await townshipCodes(db));
        } finally {
          await layer.close();
        }
      } catch (e) {
        return await fail([layerIssue(e)]);
      }
      const townships = (await listTownships(db)).map(townshipInfo);
      const raw = landUseRecords(summary, set, year);
      if (!raw.length)
        return await fail([
          {
            field: 'file',
            message: {
              zh: '图层中没有与乡镇行政区划代码相符的图斑（ZLDWDM 前 9 位）',
              en: "no parcel's ZLDWDM (first 9 digits) matches a township's administrative code",
            },
          },
        ]);
      const { records, issues } = validateRecords(set, raw, townships, { allowMissing: true });
      if (issues.length) return await fail(issues);
      const p = await preview(req, set, records);
      const [batch] = await db.query<{ id: number }>(
        `insert into import_batches (user_id, file_name, set_id, set_version, payload) values ($1, $2, $3, $4, $5) returning id`,
        [
          req.user!.id,
          file.originalname,
          set.id,
          set.version,
          JSON.stringify({
            records: p.batch,
            changes: p.changes,
            skipped: p.skipped,
            layer: layerSummaryJson(summary),
          }),
        ],
      );
      res.redirect(303, `/import/${batch!.id}`);
    } finally {
      if (file?.path) await rm(file.path, { force: true });
    }
  });
  return r;
}

/**
 * Spatial intake: the land-parcel layer DLTB → land-use areas (through the survey import's preview and
 * commit), the yearly change table → transition matrices, the township boundaries (XZQ / CJDCQ) → maps.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import { singleUpload, MAX_LAYER_UPLOAD_MB } from '../upload.js';
import { actorOf, page } from '../app.js';
import { requireRole } from '../auth.js';
import { activeSet, dbOf, yearParam } from '../context.js';
import { stageImport } from '../../store/import-batches.js';
import { listTownships, townshipInfo } from '../../store/regions.js';
import { saveBoundaries, townshipCodes } from '../../store/geo.js';
import { getRecord } from '../../store/survey.js';
import { saveTransitions } from '../../store/transitions.js';
import { ValidationError } from '../../store/errors.js';
import { Dec } from '../../domain/decimal.js';
import { matricesFromChanges } from '../../domain/land-changes.js';
import { readChangeTable } from '../../io/geo/change-table.js';
import { lonLatAreaM2, readBoundaries } from '../../io/geo/boundaries.js';
import { writeSampleDltb, writeSampleXzq } from '../../../seeds/minhou/layers.js';
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
    const fail = (issues: readonly InputIssue[]) =>
      geoPage(req, res, { issues, fileName: file?.originalname }, 422);
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
      const id = await stageImport(db, req.user!.id, file.originalname, set, records, undefined, {
        layer: layerSummaryJson(summary),
      });
      res.redirect(303, `/import/${id}`);
    } finally {
      if (file?.path) await rm(file.path, { force: true });
    }
  });
  // the yearly change survey's change table → transition matrices (saved through the transitions store)
  r.post('/geo/changes', requireRole('editor', 'admin'), singleUpload());
  r.post('/geo/changes', requireRole('editor', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const fromYear = yearParam(req.body?.fromYear);
    const toYear = yearParam(req.body?.toYear);
    const fail = (issues: readonly InputIssue[]) =>
      geoPage(req, res, { issues, fileName: req.file?.originalname }, 422);
    if (!req.file)
      return fail([{ field: 'file', message: { zh: '请选择要上传的文件', en: 'choose a file to upload' } }]);
    if (!fromYear || !toYear || toYear <= fromYear)
      return fail([
        {
          field: 'year',
          message: { zh: '期末年份须晚于期初年份', en: 'the closing year must follow the opening year' },
        },
      ]);
    const { changes, issues } = await readChangeTable(req.file, await townshipCodes(db));
    if (issues.length) return fail(issues);
    const opening = new Map<string, Map<string, Dec>>();
    for (const t of new Set(changes.map((c) => c.township))) {
      const area = (await getRecord(db, t, fromYear))?.values.land_area;
      if (area && typeof area === 'object')
        opening.set(t, new Map(Object.entries(area).map(([c, v]) => [c, new Dec(v as string)])));
    }
    const built = matricesFromChanges(changes, set.landClasses, (t) => opening.get(t));
    if (built.issues.length) return fail(built.issues);
    try {
      await saveTransitions(
        db,
        actorOf(req.user!),
        set,
        [...built.matrices].map(([township, matrix]) => ({
          matrix: { township, fromYear, toYear, unit: 'hm2', matrix },
        })),
      );
    } catch (e) {
      if (e instanceof ValidationError) return fail(e.issues);
      throw e;
    }
    res.redirect(303, `/transitions?saved=${built.matrices.size}`);
  });

  // township boundaries (XZQ, or CJDCQ dissolved) → the maps; administrators only
  r.post('/geo/boundaries', requireRole('admin'), singleUpload({ toDisk: true, maxMb: MAX_LAYER_UPLOAD_MB }));
  r.post('/geo/boundaries', requireRole('admin'), async (req, res) => {
    const db = dbOf(req);
    const file = req.file;
    const fail = (issues: readonly InputIssue[]) =>
      geoPage(req, res, { issues, fileName: file?.originalname }, 422);
    try {
      if (!file)
        return await fail([
          { field: 'file', message: { zh: '请选择要上传的图层', en: 'choose a layer to upload' } },
        ]);
      const codes = await townshipCodes(db);
      let result;
      try {
        const layer = await openLayer(file.path, file.originalname, {
          encoding: req.body?.encoding || undefined,
          layerName: req.body?.layer === 'CJDCQ' ? 'CJDCQ' : 'XZQ',
        });
        try {
          result = await readBoundaries(layer, codes, {
            crs: req.body?.crs || undefined,
            source: file.originalname,
          });
        } finally {
          await layer.close();
        }
      } catch (e) {
        return await fail([layerIssue(e)]);
      }
      await saveBoundaries(db, actorOf(req.user!), result.boundaries);
      const registered = new Map(codes.map((c) => [c.id, c.areaKm2]));
      await geoPage(req, res, {
        boundaryResult: {
          crs: result.crs,
          unmatched: result.unmatched,
          missing: result.missing,
          rows: result.boundaries.map((b) => {
            const reg = registered.get(b.township)!.times(1e6);
            const shown = lonLatAreaM2(b.geometry);
            return {
              township: b.township,
              layerKm2: new Dec(b.areaM2).div(1e6).toFixed(2),
              registeredKm2: registered.get(b.township)!.toString(),
              differencePercent: reg.isZero()
                ? '—'
                : new Dec(shown).minus(reg).div(reg).times(100).toFixed(2),
            };
          }),
        },
      });
    } finally {
      if (file?.path) await rm(file.path, { force: true });
    }
  });

  // the sample county's synthetic layers (示例数据), to try the imports with
  r.get(
    ['/geo/sample/DLTB-2021.zip', '/geo/sample/XZQ.zip'],
    requireRole('editor', 'admin'),
    async (req, res) => {
      const set = await activeSet(req);
      const dir = await mkdtemp(join(tmpdir(), 'gep-sample-'));
      const dltb = req.path.includes('DLTB');
      const zip = join(dir, dltb ? 'DLTB-2021.zip' : 'XZQ.zip');
      try {
        if (dltb)
          await writeSampleDltb(zip, new Map(set.landClasses.map((c) => [c.id, c.sourceCodes])), {
            year: 2021,
          });
        else await writeSampleXzq(zip);
        await new Promise<void>((resolve, reject) =>
          res.download(zip, `示例数据-${dltb ? 'DLTB-2021' : 'XZQ'}.zip`, (e) => (e ? reject(e) : resolve())),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
  return r;
}

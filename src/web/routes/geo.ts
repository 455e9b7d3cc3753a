/**
 * Spatial intake: the land-parcel layer DLTB → land-use areas (through the survey import's preview and
 * commit), the yearly change table → transition matrices, the township boundaries (XZQ / CJDCQ) → maps.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import { layerPairUpload, singleUpload, MAX_LAYER_UPLOAD_MB, MAX_UPLOAD_MB } from '../upload.js';
import { checkForestShares, treeForestClass, type ForestShares } from '../../domain/forest-split.js';
import { readForestShares } from '../../io/geo/forest-shares.js';
import { readVintages } from '../../io/geo/vintages.js';
import type { UnjoinedGroup } from '../../domain/land-vintages.js';
import { getLayerJob, jobJson, runningJobOf, startLayerJob, type JobOutcome } from '../layer-jobs.js';
import type { CompiledSet } from '../../domain/model.js';
import { actorOf, page } from '../app.js';
import { requireRole } from '../auth.js';
import { activeSet, dbOf, yearParam } from '../context.js';
import { stageImport } from '../../store/import-batches.js';
import { listTownships, townshipInfo } from '../../store/regions.js';
import { saveBoundaries, townshipCodes } from '../../store/geo.js';
import { getRecord, recordYears } from '../../store/survey.js';
import { saveTransitions } from '../../store/transitions.js';
import { NotFoundError, ValidationError } from '../../store/errors.js';
import { Dec } from '../../domain/decimal.js';
import { matricesFromChanges } from '../../domain/land-changes.js';
import { readChangeTable } from '../../io/geo/change-table.js';
import { lonLatAreaM2, readBoundaries } from '../../io/geo/boundaries.js';
import { writeSampleDltb, writeSampleXzq } from '../../../seeds/minhou/layers.js';

const SEEDS_DIR = join(ROOT, 'seeds/minhou');
import { validateRecords, type InputIssue } from '../../domain/inputs.js';
import { openLayer, LayerError, type OpenedLayer } from '../../io/geo/layer.js';
import { MAX_GEOPACKAGE_BYTES } from '../../io/geo/geopackage.js';
import { landUseRecords, readDltb, withForestShares, type DltbSummary } from '../../io/geo/dltb.js';
import { ROOT } from '../../paths.js';

const layerIssue = (e: unknown): InputIssue => {
  if (e instanceof LayerError) return { field: 'file', message: e.text };
  throw e;
};

/** What the preview shows of a layer beside the changes: parcels, unmatched codes, reconciliation. */
export function layerSummaryJson(s: DltbSummary, set: CompiledSet) {
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
    // the 0301 split (or, without a share table, the 0301 class that keeps all of 乔木林地)
    forestSplit: s.forestSplit ?? null,
    treeForestClass: treeForestClass(set.landClasses) ?? null,
  };
}

async function geoPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
  const db = dbOf(req);
  const years = await recordYears(db);
  const codes = await townshipCodes(db);
  const townships = await listTownships(db);
  page(
    res,
    'geo/index',
    {
      title: res.locals.t('nav_geo'),
      issues: [],
      years: [...years, (years.at(-1) ?? new Date().getFullYear() - 1) + 1],
      codes: codes.length,
      townshipCount: townships.length,
      townshipNames: new Map(townships.map((t) => [t.id, { zh: t.name_zh, en: t.name_en }])),
      maxMb: MAX_LAYER_UPLOAD_MB,
      gpkgMb: MAX_GEOPACKAGE_BYTES / 1024 ** 2,
      set: await activeSet(req),
      ...extra,
    },
    status,
  );
}

/** A group of parcels the id join could not place, as a line of the issue list. */
const unjoinedIssue = (u: UnjoinedGroup): InputIssue => {
  const why = {
    only_opening: { zh: '仅见于期初图层', en: 'in the opening layer only' },
    only_closing: { zh: '仅见于期末图层', en: 'in the closing layer only' },
    changed: { zh: '两期间乡镇或面积改变', en: 'township or area changed between the layers' },
  }[u.reason];
  return {
    township: u.township,
    field: u.reason === 'only_closing' ? `matrix.*.${u.landClass}` : `matrix.${u.landClass}`,
    message: {
      zh: `${u.count} 个图斑${why.zh}，面积 ${u.areaM2.toString()} m²，无法按标识码 BSM 计入转移矩阵`,
      en: `${u.count} parcel(s) ${why.en}, ${u.areaM2.toString()} m², cannot enter the matrix by id (BSM)`,
    },
  };
};

/**
 * The layer's land use through the survey import's validation and preview, stored as an import batch (the
 * preview page commits it atomically, as any import): the path to the preview, or what is wrong.
 */
async function dltbBatch(
  req: Request,
  set: CompiledSet,
  summary: DltbSummary,
  year: number,
  userId: number,
  fileName: string,
): Promise<JobOutcome> {
  const db = dbOf(req);
  const townships = (await listTownships(db)).map(townshipInfo);
  const raw = landUseRecords(summary, set, year);
  if (!raw.length)
    return {
      issues: [
        {
          field: 'file',
          message: {
            zh: '图层中没有与乡镇行政区划代码相符的图斑（ZLDWDM 前 9 位）',
            en: "no parcel's ZLDWDM (first 9 digits) matches a township's administrative code",
          },
        },
      ],
    };
  const { records, issues } = validateRecords(set, raw, townships, { allowMissing: true });
  if (issues.length) return { issues };
  const id = await stageImport(db, userId, fileName, set, records, undefined, {
    layer: layerSummaryJson(summary, set),
  });
  return { next: `/import/${id}` };
}

/** Refused while another layer of the same user is still being read. */
const LAYER_JOB_RUNNING: InputIssue = {
  field: 'file',
  message: {
    zh: '您上传的另一个图层仍在读取，请待其完成后再上传',
    en: 'another layer you uploaded is still being read; upload again when it has finished',
  },
};

/**
 * The files of a multi-file layer upload (in the order of `names`), removing them from disk, and refusing the upload
 * with the geo page (the files removed first).
 */
function uploadedLayers(req: Request, res: Response, names: readonly string[]) {
  const byName = (req.files ?? {}) as Record<string, Express.Multer.File[] | undefined>;
  const files = names.map((n) => byName[n]?.[0]);
  const removeFiles = () =>
    Promise.all(files.map((f) => (f ? rm(f.path, { force: true }) : undefined))).then(() => {});
  const fail = async (issues: readonly InputIssue[]) => {
    await removeFiles();
    return geoPage(req, res, { issues, fileName: files[0]?.originalname }, 422);
  };
  return { files, removeFiles, fail };
}

export function geoRoutes() {
  const r = Router();
  r.get('/geo', requireRole('editor', 'admin'), (req, res) => geoPage(req, res));

  // the layer, and optionally the forest inventory's forest-type shares that split 乔木林地 0301
  r.post(
    '/geo/dltb',
    requireRole('editor', 'admin'),
    layerPairUpload(MAX_LAYER_UPLOAD_MB, ['file', 'shares']),
  );
  r.post('/geo/dltb', requireRole('editor', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const {
      files: [file, sharesFile],
      removeFiles,
      fail,
    } = uploadedLayers(req, res, ['file', 'shares']);
    const year = yearParam(req.body?.year);
    if (!file)
      return fail([{ field: 'file', message: { zh: '请选择要上传的图层', en: 'choose a layer to upload' } }]);
    if (!year) return fail([{ field: 'year', message: { zh: '请选择年份', en: 'choose the year' } }]);
    let shares: ForestShares | undefined;
    const tree = treeForestClass(set.landClasses);
    if (sharesFile) {
      if (sharesFile.size > MAX_UPLOAD_MB * 1024 * 1024)
        return fail([
          {
            field: 'shares',
            message: {
              zh: `林分比例表超过 ${MAX_UPLOAD_MB} MB`,
              en: `the share table is larger than ${MAX_UPLOAD_MB} MB`,
            },
          },
        ]);
      const read = await readForestShares(
        { originalname: sharesFile.originalname, buffer: await readFile(sharesFile.path) },
        set,
        (await listTownships(db)).map((t) => ({
          id: t.id,
          adminCode: t.admin_code,
          nameZh: t.name_zh,
          nameEn: t.name_en,
        })),
      );
      const issues = read.issues.length ? read.issues : checkForestShares(read.shares, set.landClasses);
      if (issues.length) return fail(issues);
      shares = read.shares;
    }
    if (runningJobOf(req.user!.id)) return fail([LAYER_JOB_RUNNING]);
    const user = req.user!;
    const encoding = req.body?.encoding || undefined;
    // the layer is read in the background; the page polls its progress, then shows the preview
    const job = startLayerJob(
      user.id,
      file.originalname,
      async (progress) => {
        let summary: DltbSummary;
        try {
          const layer = await openLayer(file.path, file.originalname, { encoding, layerName: 'DLTB' });
          progress(0, layer.count);
          try {
            summary = await readDltb(layer, set, await townshipCodes(db), { onProgress: (n) => progress(n) });
            if (shares && tree) summary = withForestShares(summary, shares, tree);
          } finally {
            await layer.close();
          }
        } catch (e) {
          return { issues: [layerIssue(e)] };
        }
        return dltbBatch(req, set, summary, year, user.id, file.originalname);
      },
      removeFiles,
    );
    res.redirect(303, `/geo/jobs/${job.id}`);
  });
  // the job's page: progress while reading, then on to the preview (or the reasons it stopped)
  r.get('/geo/jobs/:id', requireRole('editor', 'admin'), async (req, res) => {
    const job = getLayerJob(String(req.params.id), req.user!.id);
    if (!job)
      throw new NotFoundError({
        zh: '该图层读取任务不存在或已过期（服务重启后须重新上传）',
        en: 'no such layer job (it expired, or the server restarted: upload the layer again)',
      });
    if (job.status === 'done') return res.redirect(303, job.next!);
    if (job.status === 'failed')
      return geoPage(req, res, { issues: job.issues, fileName: job.fileName }, 422);
    page(res, 'geo/job', { title: res.locals.t('layer_job_title'), job: jobJson(job), jobId: job.id });
  });
  r.get('/geo/jobs/:id/progress', requireRole('editor', 'admin'), (req, res) => {
    const job = getLayerJob(String(req.params.id), req.user!.id);
    if (!job) throw new NotFoundError({ zh: '该图层读取任务不存在或已过期', en: 'no such layer job' });
    res.set('Cache-Control', 'no-store').json(jobJson(job));
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

  // two DLTB vintages with stable parcel ids (BSM) → transition matrices, read in the background
  r.post('/geo/vintages', requireRole('editor', 'admin'), layerPairUpload());
  r.post('/geo/vintages', requireRole('editor', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const {
      files: [opening, closing],
      removeFiles,
      fail,
    } = uploadedLayers(req, res, ['opening', 'closing']);
    const fromYear = yearParam(req.body?.fromYear);
    const toYear = yearParam(req.body?.toYear);
    if (!opening || !closing)
      return fail([
        {
          field: 'file',
          message: {
            zh: '请选择期初与期末两期图层',
            en: 'choose both layers, the opening and the closing one',
          },
        },
      ]);
    if (!fromYear || !toYear || toYear <= fromYear)
      return fail([
        {
          field: 'year',
          message: { zh: '期末年份须晚于期初年份', en: 'the closing year must follow the opening year' },
        },
      ]);
    if (runningJobOf(req.user!.id)) return fail([LAYER_JOB_RUNNING]);
    const user = req.user!;
    const job = startLayerJob(
      user.id,
      `${opening.originalname} → ${closing.originalname}`,
      async (progress) => {
        const layers: OpenedLayer[] = [];
        let result;
        try {
          for (const f of [opening, closing])
            layers.push(await openLayer(f.path, f.originalname, { layerName: 'DLTB' }));
          progress(0, (layers[0]!.count ?? 0) + (layers[1]!.count ?? 0) || undefined);
          result = await readVintages(layers[0]!, layers[1]!, set, await townshipCodes(db), {
            onProgress: (n) => progress(n),
          });
        } catch (e) {
          return { issues: [layerIssue(e)] };
        } finally {
          await Promise.all(layers.map((l) => l.close()));
        }
        if (result.issues.length || result.unjoined.length)
          return { issues: [...result.unjoined.map(unjoinedIssue), ...result.issues] };
        if (!result.matrices.size)
          return {
            issues: [
              {
                field: 'file',
                message: {
                  zh: '两期图层中没有与乡镇行政区划代码相符的图斑',
                  en: "no parcel's ZLDWDM matches a township's administrative code",
                },
              },
            ],
          };
        try {
          await saveTransitions(
            db,
            actorOf(user),
            set,
            [...result.matrices].map(([township, matrix]) => ({
              matrix: { township, fromYear, toYear, unit: 'hm2', matrix },
            })),
          );
        } catch (e) {
          if (e instanceof ValidationError) return { issues: e.issues };
          throw e;
        }
        return { next: `/transitions?saved=${result.matrices.size}` };
      },
      removeFiles,
    );
    res.redirect(303, `/geo/jobs/${job.id}`);
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

  // the sample county's forest-type shares [M]: its own 2021 forest areas as percentages, not an inventory's
  r.get('/geo/sample/forest-shares.csv', requireRole('editor', 'admin'), (_req, res) =>
    res.download(join(SEEDS_DIR, 'forest-shares.csv'), '示例数据-林分比例[M].csv'),
  );
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

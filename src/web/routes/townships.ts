import { Router, type Request, type Response } from 'express';
import { actorOf, page } from '../app.js';
import { requireRole } from '../auth.js';
import { dbOf } from '../context.js';
import { ValidationError } from '../../store/errors.js';
import type { InputIssue } from '../../domain/inputs.js';
import type { TownshipRow } from '../../domain/townships.js';
import {
  getRegion,
  listTownships,
  populations,
  previewTownships,
  saveRegion,
  saveTownships,
} from '../../store/regions.js';
import { recordYears } from '../../store/survey.js';
import { readTownshipCsv, readTownshipXlsx, townshipCsv } from '../../io/township-table.js';
import { singleUpload } from '../upload.js';

/** The county and its townships, set up by an administrator: the regions page, with the refused form's issues. */
export async function regionsPage(
  req: Request,
  res: Response,
  extra: {
    issues?: readonly InputIssue[];
    form?: Record<string, unknown>;
    regionIssues?: readonly InputIssue[];
  } = {},
  status = 200,
) {
  const db = dbOf(req);
  page(
    res,
    'admin/regions',
    {
      title: res.locals.t('nav_regions'),
      region: await getRegion(db),
      townships: await listTownships(db),
      populations: await populations(db),
      years: await recordYears(db),
      issues: extra.issues ?? [],
      regionIssues: extra.regionIssues ?? [],
      form: extra.form ?? {},
    },
    status,
  );
}

export function townshipRoutes() {
  const r = Router();
  const admin = requireRole('admin');

  r.get('/admin/regions', admin, (req, res) => regionsPage(req, res));

  r.post('/admin/region', admin, async (req, res) => {
    try {
      await saveRegion(dbOf(req), actorOf(req.user!), req.body);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return regionsPage(req, res, { regionIssues: e.issues }, 422);
    }
    res.redirect(303, '/admin/regions');
  });

  r.post('/admin/townships', admin, async (req, res) => {
    const row: TownshipRow = {
      nameZh: req.body.nameZh,
      nameEn: req.body.nameEn,
      adminCode: req.body.adminCode,
      kind: req.body.kind,
      areaKm2: req.body.areaKm2,
    };
    try {
      await saveTownships(dbOf(req), actorOf(req.user!), [row], { createOnly: true });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return regionsPage(req, res, { issues: e.issues, form: req.body }, 422);
    }
    res.redirect(303, '/admin/regions');
  });

  r.get('/admin/townships.csv', admin, async (req, res) => {
    res
      .type('text/csv; charset=utf-8')
      .attachment('townships.csv')
      .send(townshipCsv(await listTownships(dbOf(req))));
  });

  // a file of townships: read, checked against the registered ones, previewed; nothing is written here
  r.post('/admin/townships/import', admin, singleUpload(), async (req, res) => {
    const file = req.file;
    if (!file)
      return regionsPage(
        req,
        res,
        { issues: [{ field: 'file', message: { zh: '请选择要上传的文件', en: 'choose a file to upload' } }] },
        422,
      );
    const read = /\.xlsx$/i.test(file.originalname)
      ? await readTownshipXlsx(file.buffer)
      : readTownshipCsv(file.buffer.toString('utf8'));
    const planned = read.issues.length
      ? { changes: [], issues: [] }
      : await previewTownships(dbOf(req), read.rows);
    const issues = [...read.issues, ...planned.issues];
    if (issues.length) return regionsPage(req, res, { issues }, 422);
    page(res, 'admin/townships-preview', {
      title: res.locals.t('import_townships'),
      fileName: file.originalname,
      changes: planned.changes,
      rowsJson: JSON.stringify(read.rows),
    });
  });

  // the previewed rows, checked again against the townships registered now, written all or none
  r.post('/admin/townships/import/commit', admin, async (req, res) => {
    let rows: TownshipRow[];
    try {
      const parsed: unknown = JSON.parse(String(req.body.rows ?? ''));
      if (!Array.isArray(parsed)) throw new Error('not a list');
      rows = parsed as TownshipRow[];
    } catch {
      throw new ValidationError([
        {
          field: 'file',
          message: {
            zh: '导入内容已损坏，请重新上传文件',
            en: 'the import is damaged; upload the file again',
          },
        },
      ]);
    }
    try {
      await saveTownships(dbOf(req), actorOf(req.user!), rows);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return regionsPage(req, res, { issues: e.issues }, 422);
    }
    res.redirect(303, '/admin/regions?imported=1');
  });
  return r;
}

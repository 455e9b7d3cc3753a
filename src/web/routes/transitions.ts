import { Router, type Request, type Response } from 'express';
import { singleUpload } from '../upload.js';
import { actorOf, page } from '../app.js';
import { requireRole, ANY_ROLE } from '../auth.js';
import { activeSet, dbOf, yearParam } from '../context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../store/errors.js';
import { getTownship, listTownships } from '../../store/regions.js';
import { getRecord } from '../../store/survey.js';
import { listTransitions, saveTransitions } from '../../store/transitions.js';
import { readTransitionCsv, readTransitionXlsx, transitionsCsv } from '../../io/transitions-input.js';
import type { InputIssue } from '../../domain/inputs.js';
import type { TransitionMatrix } from '../../domain/transitions.js';
import { pick } from '../i18n.js';

async function showMatrix(
  req: Request,
  res: Response,
  extra: {
    matrix?: Record<string, Record<string, string>>;
    issues?: InputIssue[];
    conflict?: string;
    status?: number;
  } = {},
) {
  const db = dbOf(req);
  const set = await activeSet(req);
  const township = await getTownship(db, String(req.params.township));
  const fromYear = yearParam(req.params.from);
  const toYear = yearParam(req.params.to);
  if (!fromYear || !toYear) throw new NotFoundError({ zh: '年份无效', en: 'invalid year' });
  const stored = (await listTransitions(db, township.id)).find(
    (m) => m.from_year === fromYear && m.to_year === toYear,
  );
  const area = async (y: number) => {
    const v = (await getRecord(db, township.id, y))?.values.land_area;
    return v && typeof v === 'object' ? v : {};
  };
  page(
    res,
    'transitions/form',
    {
      title: `${pick(req.lang, { zh: township.name_zh, en: township.name_en })} ${fromYear}→${toYear}`,
      set,
      township,
      fromYear,
      toYear,
      stored,
      matrix: extra.matrix ?? stored?.matrix ?? {},
      opening: await area(fromYear),
      closing: await area(toYear),
      issues: extra.issues ?? [],
      conflict: extra.conflict,
    },
    extra.status,
  );
}

export function transitionRoutes() {
  const r = Router();
  r.get('/transitions', requireRole(...ANY_ROLE), async (req, res) => {
    const db = dbOf(req);
    page(res, 'transitions/list', {
      title: res.locals.t('nav_transitions'),
      matrices: await listTransitions(db),
      townships: await listTownships(db),
      issues: [],
    });
  });

  r.get('/transitions.csv', requireRole(...ANY_ROLE), async (req, res) => {
    const rows = await listTransitions(dbOf(req));
    res.type('text/csv; charset=utf-8').attachment('gep-transitions.csv');
    res.send(
      transitionsCsv(
        rows.map((m) => ({
          township: m.township_id,
          fromYear: m.from_year,
          toYear: m.to_year,
          unit: m.unit,
          matrix: m.matrix,
        })),
      ),
    );
  });

  r.get('/transitions/:township/:from/:to', requireRole(...ANY_ROLE), (req, res) => showMatrix(req, res));

  r.post('/transitions/:township/:from/:to', requireRole('editor', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const matrix = (req.body.m ?? {}) as Record<string, Record<string, string>>;
    const clean: Record<string, Record<string, string>> = {};
    for (const [from, row] of Object.entries(matrix))
      for (const [to, v] of Object.entries(row ?? {}))
        if (String(v).trim() !== '') (clean[from] ??= {})[to] = String(v).trim();
    const t: TransitionMatrix = {
      township: String(req.params.township),
      fromYear: yearParam(req.params.from) ?? NaN,
      toYear: yearParam(req.params.to) ?? NaN,
      unit: String(req.body.unit || 'hm2'),
      matrix: clean,
    };
    const version =
      req.body.version === '' || req.body.version === undefined ? null : Number(req.body.version);
    try {
      await saveTransitions(db, actorOf(req.user!), set, [{ matrix: t, expectedVersion: version }]);
    } catch (e) {
      if (e instanceof ValidationError)
        return showMatrix(req, res, { matrix: clean, issues: [...e.issues], status: 422 });
      if (e instanceof ConflictError)
        return showMatrix(req, res, { matrix: clean, conflict: pick(req.lang, e.messageText), status: 409 });
      throw e;
    }
    res.redirect(303, `/transitions/${t.township}/${t.fromYear}/${t.toYear}?saved=1`);
  });

  r.post('/transitions/import', requireRole('editor', 'admin'), singleUpload(), async (req, res) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const list = async (issues: InputIssue[], status: number) =>
      page(
        res,
        'transitions/list',
        {
          title: res.locals.t('nav_transitions'),
          matrices: await listTransitions(db),
          townships: await listTownships(db),
          issues,
        },
        status,
      );
    if (!req.file) return list([{ field: 'file', message: { zh: '请选择文件', en: 'choose a file' } }], 422);
    const isCsv = req.file.originalname.toLowerCase().endsWith('.csv');
    const classIds = set.landClasses.map((c) => c.id);
    let read;
    try {
      read = isCsv
        ? readTransitionCsv(req.file.buffer.toString('utf8'), classIds)
        : await readTransitionXlsx(req.file.buffer, classIds);
    } catch (e) {
      return list(
        [
          {
            message: {
              zh: `无法读取文件：${(e as Error).message}`,
              en: `cannot read the file: ${(e as Error).message}`,
            },
          },
        ],
        422,
      );
    }
    if (read.issues.length) return list(read.issues, 422);
    try {
      await saveTransitions(
        db,
        actorOf(req.user!),
        set,
        read.matrices.map((matrix) => ({ matrix })),
      );
    } catch (e) {
      if (e instanceof ValidationError) return list([...e.issues], 422);
      throw e;
    }
    res.redirect(303, '/transitions?imported=' + read.matrices.length);
  });
  return r;
}

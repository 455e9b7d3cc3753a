import { Router, type Request } from 'express';
import { actorOf, page } from '../app.js';
import { requireRole, ANY_ROLE } from '../auth.js';
import { dbOf } from '../context.js';
import { priceList } from '../../report/price-list.js';
import { diffSets } from '../../report/set-diff.js';
import {
  deriveSet,
  editParameters,
  getSetRow,
  listSetRows,
  loadCompiledSet,
  publishSet,
  type ParameterEdit,
} from '../../store/sets.js';
import { getSettings } from '../../store/settings.js';
import { NotFoundError, ValidationError } from '../../store/errors.js';
import type { Bilingual, InputIssue } from '../../domain/inputs.js';
import type { CompiledSet } from '../../domain/model.js';
import type { Lang } from '../i18n.js';

/** Only drafts derived in the app are edited here: a file's set follows its file, a published one never changes. */
function editable<T extends { status: string; origin: string }>(row: T): T {
  if (row.status === 'published' || row.origin !== 'app')
    throw new NotFoundError({
      zh: '只能编辑在本系统中派生的草稿版本；请先派生新版本',
      en: 'only draft versions derived in the app can be edited; derive a new version first',
    });
  return row;
}

const target = (req: Request) => ({ id: String(req.params.id), version: String(req.params.version) });

/** Parameter edits from the edit form: only the parameters whose fields differ from the stored ones. */
export function editsFromForm(
  body: Record<string, unknown>,
  current: ReturnType<typeof priceList>,
): ParameterEdit[] {
  const params = (body.p ?? {}) as Record<string, Record<string, unknown>>;
  const edits: ParameterEdit[] = [];
  const byParam = new Map<string, typeof current.rows>();
  for (const r of current.rows) byParam.set(r.parameter, [...(byParam.get(r.parameter) ?? []), r]);
  for (const [id, rows] of byParam) {
    const f = params[id];
    if (!f) continue;
    const first = rows[0]!;
    const source = String(f.source ?? '').trim();
    const verified = f.verified === 'on' || f.verified === 'true';
    const priceYearText = String(f.priceYear ?? '').trim();
    const priceYear = priceYearText === '' ? null : Number(priceYearText);
    const perClass = rows.some((r) => r.landClass);
    const values = (f.values ?? {}) as Record<string, string>;
    const value = String(f.value ?? '').trim();
    const changedValue = perClass
      ? rows.some((r) => String(values[r.landClass] ?? '').trim() !== r.rawValue)
      : value !== first.rawValue;
    const changed =
      changedValue ||
      source !== first.source ||
      verified !== first.verified ||
      priceYearText !== first.priceYear;
    if (!changed) continue;
    if (priceYear !== null && !Number.isInteger(priceYear))
      throw new ValidationError([
        {
          field: `${id}.priceYear`,
          message: { zh: '价格年份应为整数', en: 'the price year must be a whole number' },
        },
      ]);
    edits.push({
      id,
      ...(perClass
        ? {
            values: Object.fromEntries(
              rows.map((r) => [r.landClass, String(values[r.landClass] ?? '').trim()]),
            ),
          }
        : { value: value === '' ? null : value }),
      source,
      verified,
      priceYear,
    });
  }
  return edits;
}

/** The labels of a parameter's fields, as the edit form's column headers name them. */
const FIELD_LABELS: Record<string, Bilingual> = {
  value: { zh: '数值', en: 'Value' },
  values: { zh: '数值', en: 'Value' },
  source: { zh: '来源', en: 'Source' },
  priceYear: { zh: '价格年份', en: 'Price year' },
  verified: { zh: '核实', en: 'Verified' },
  unit: { zh: '单位', en: 'Unit' },
  range: { zh: '取值范围', en: 'Range' },
};

/**
 * An editor issue named as the form shows it: "grain_price.source" or "parameters.x.values.paddy" becomes the
 * form's row (the parameter's place in the table, from 1), the parameter's name and the field's label
 * (粮食价格 · 来源, 土壤容重 · 数值 · 水田). An issue of no parameter on the form keeps its field.
 */
export function namedEditorIssues(
  issues: readonly InputIssue[],
  set: CompiledSet,
  list: ReturnType<typeof priceList>,
  lang: Lang,
): InputIssue[] {
  const order = [...new Set(list.rows.map((r) => r.parameter))];
  return issues.map((i) => {
    const [id, field, ...rest] = (i.field ?? '').replace(/^(parameters|parameterOverrides)\./, '').split('.');
    const at = order.indexOf(id ?? '');
    const param = id === undefined ? undefined : set.parameters.get(id);
    if (at < 0 || !param) return i;
    const cls = rest[0] && set.landClasses.find((c) => c.id === rest[0]);
    const names = [
      param.labels[lang],
      field && FIELD_LABELS[field] ? FIELD_LABELS[field][lang] : field,
      cls ? cls.labels[lang] : rest[0],
    ];
    return { ...i, row: at + 1, field: names.filter(Boolean).join(' · ') };
  });
}

export function setRoutes() {
  const r = Router();

  r.get('/sets', requireRole(...ANY_ROLE), async (req, res) => {
    page(res, 'sets/list', { title: res.locals.t('nav_sets'), rows: await listSetRows(dbOf(req)) });
  });

  r.get('/sets/:id/:version', requireRole(...ANY_ROLE), async (req, res) => {
    const db = dbOf(req);
    const row = await getSetRow(db, target(req).id, target(req).version);
    const set = await loadCompiledSet(db, row.id, row.version);
    const all = await listSetRows(db);
    page(res, 'sets/show', { title: `${row.id}@${row.version}`, row, list: priceList(set, req.lang), all });
  });

  r.get('/sets/:id/:version/diff', requireRole(...ANY_ROLE), async (req, res) => {
    const db = dbOf(req);
    const [otherId, otherVersion] = String(req.query.with ?? '').split('@');
    if (!otherId || !otherVersion)
      throw new ValidationError([
        { field: 'with', message: { zh: '请选择要比较的版本', en: 'choose a version to compare with' } },
      ]);
    const a = await loadCompiledSet(db, otherId, otherVersion);
    const b = await loadCompiledSet(db, target(req).id, target(req).version);
    page(res, 'sets/diff', { title: res.locals.t('diff'), a, b, differences: diffSets(a, b, req.lang) });
  });

  r.post('/sets/:id/:version/derive', requireRole('admin'), async (req, res) => {
    const row = await deriveSet(dbOf(req), actorOf(req.user!), target(req), req.body.newVersion);
    res.redirect(303, `/sets/${row.id}/${row.version}/edit`);
  });

  r.get('/sets/:id/:version/edit', requireRole('admin'), async (req, res) => {
    const db = dbOf(req);
    const row = editable(await getSetRow(db, target(req).id, target(req).version));
    const set = await loadCompiledSet(db, row.id, row.version);
    page(res, 'sets/edit', {
      title: `${res.locals.t('edit')} ${row.id}@${row.version}`,
      row,
      list: priceList(set, req.lang),
      issues: [],
      posted: {},
    });
  });

  r.post('/sets/:id/:version/edit', requireRole('admin'), async (req, res) => {
    const db = dbOf(req);
    const row = editable(await getSetRow(db, target(req).id, target(req).version));
    const set = await loadCompiledSet(db, row.id, row.version);
    const list = priceList(set, req.lang);
    try {
      const edits = editsFromForm(req.body, list);
      if (edits.length) await editParameters(db, actorOf(req.user!), target(req), edits);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return page(
        res,
        'sets/edit',
        {
          title: `${res.locals.t('edit')} ${row.id}@${row.version}`,
          row,
          list,
          issues: namedEditorIssues(e.issues, set, list, req.lang),
          // the form shows again what was typed, not the stored values
          posted: req.body.p ?? {},
        },
        422,
      );
    }
    res.redirect(303, `/sets/${row.id}/${row.version}`);
  });

  r.post('/sets/:id/:version/publish', requireRole('admin'), async (req, res) => {
    await publishSet(dbOf(req), actorOf(req.user!), target(req));
    res.redirect(303, `/sets/${req.params.id}/${req.params.version}`);
  });

  // the county's published price list (公示价格): public when the admin turns it on
  r.get('/prices', async (req, res, next) => {
    const db = dbOf(req);
    const settings = await getSettings(db);
    if (!settings.publicPriceList && !req.user) return requireRole(...ANY_ROLE)(req, res, next);
    const rows = (await listSetRows(db)).filter((x) => x.status === 'published');
    // exactly the version the accounts use, and only once it is published
    const chosen = rows.find(
      (x) => x.id === settings.activeSet.id && x.version === settings.activeSet.version,
    );
    const set = chosen && (await loadCompiledSet(db, chosen.id, chosen.version));
    page(res, 'sets/prices', {
      title: res.locals.t('nav_prices'),
      list: set && priceList(set, req.lang),
      row: chosen,
    });
  });
  return r;
}

import { Router, type Request, type Response } from 'express';
import type { RawRecord } from '../../domain/inputs.js';
import type { CompiledSet } from '../../domain/model.js';
import { conversionFactor } from '../../domain/units.js';
import { parseDecimal } from '../../domain/decimal.js';
import { actorOf, page } from '../app.js';
import { requireRole, ANY_ROLE } from '../auth.js';
import { activeSet, dbOf, positiveInt, yearParam } from '../context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../store/errors.js';
import { getTownship } from '../../store/regions.js';
import {
  changeStatus,
  diffValues,
  getRecord,
  saveRecords,
  fieldChanges,
  validateSurvey,
  type FieldChange,
  type StoredValues,
  type WorkflowAction,
} from '../../store/survey.js';
import { pick, type Lang } from '../i18n.js';
import type { InputIssue } from '../../domain/inputs.js';
import { mayEditField, mayEditTownship } from '../../domain/scope.js';

/** What the form showed: the text of each value and the unit it was shown in (posted back as `shown`). */
export interface ShownState {
  values: Record<string, unknown>;
  /** input id → unit shown; "input.landClass" → the unit of that one cell when it differs. */
  units: Record<string, string>;
}

const parseShown = (raw: unknown): ShownState => {
  try {
    const s = typeof raw === 'string' ? (JSON.parse(raw) as Partial<ShownState>) : {};
    const obj = (x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? x : {});
    return { values: obj(s.values) as ShownState['values'], units: obj(s.units) as ShownState['units'] };
  } catch {
    return { values: {}, units: {} };
  }
};

/**
 * Form body → raw record: empty fields dropped. The unit select of an input applies to what the user typed:
 * a value posted exactly as the form showed it keeps the unit it was shown in, so switching hm² to 亩 never
 * re-reads the stored hm² values as 亩.
 */
export function rawFromForm(
  set: CompiledSet,
  township: string,
  year: number,
  body: Record<string, unknown>,
): RawRecord {
  const values: Record<string, unknown> = {};
  const units: Record<string, string> = {};
  const given = (body.values ?? {}) as Record<string, unknown>;
  const unitsGiven = (body.units ?? {}) as Record<string, unknown>;
  const shown = parseShown(body.shown);
  for (const input of set.inputs) {
    const v = given[input.id];
    const u = unitsGiven[input.id];
    const selected = typeof u === 'string' && u ? u : input.unit;
    if (selected !== input.unit) units[input.id] = selected;
    const shownUnit = (key: string) => shown.units[key] ?? shown.units[input.id] ?? input.unit;
    const keepShown = (key: string, posted: string, shownText: unknown) => {
      if (typeof shownText === 'string' && shownText.trim() === posted && shownUnit(key) !== selected)
        units[key] = shownUnit(key);
    };
    if (input.perLandClass && v && typeof v === 'object') {
      const cells = Object.fromEntries(
        Object.entries(v as Record<string, unknown>).filter(
          ([, x]) => typeof x === 'string' && x.trim() !== '',
        ),
      ) as Record<string, string>;
      const shownCells = (shown.values[input.id] ?? {}) as Record<string, unknown>;
      for (const [cls, x] of Object.entries(cells))
        keepShown(`${input.id}.${cls}`, x.trim(), shownCells[cls]);
      if (Object.keys(cells).length) values[input.id] = cells;
    } else if (typeof v === 'string' && v.trim() !== '') {
      values[input.id] = v.trim();
      keepShown(input.id, v.trim(), shown.values[input.id]);
    }
  }
  for (const k of Object.keys(given))
    if (!(k in values) && !set.inputs.some((i) => i.id === k)) values[k] = given[k];
  return { township, year, values, units };
}

/**
 * A field's change against the previous year, as a reader says it: "+12.5 (+3.2%)"; big (over 30 %) changes are
 * marked. Undefined when the current value is blank or not a number.
 */
export function previousChange(before: string, now: unknown): { text: string; big: boolean } | undefined {
  const a = parseDecimal(before);
  const b = typeof now === 'string' ? parseDecimal(now) : undefined;
  if (!a || !b) return undefined;
  const d = b.minus(a);
  const sign = d.isNeg() ? '−' : d.isZero() ? '' : '+';
  const pct = a.isZero() ? undefined : d.div(a).times(100);
  return {
    text: `${sign}${d.abs().toFixed()}${pct ? ` (${sign}${pct.abs().toDecimalPlaces(1).toFixed(1)}%)` : ''}`,
    big: pct ? pct.abs().gt(30) : !d.isZero(),
  };
}

/** One field change as a reader says it: "地类面积·林地：1234.5 → 1300 hm²". */
export function describeChange(
  set: CompiledSet,
  c: FieldChange,
  lang: Lang,
  unitText: (u: string) => string,
) {
  const [id, cls] = c.field.split('.');
  const input = set.inputs.find((i) => i.id === id);
  const landClass = cls ? set.landClasses.find((x) => x.id === cls) : undefined;
  const name = input
    ? pick(lang, input.labels) + (landClass ? '·' + pick(lang, landClass.labels) : '')
    : c.field;
  const blank = lang === 'en' ? '(blank)' : '（空）';
  const unit = input && !input.percent ? ' ' + unitText(input.unit) : '';
  return `${name}${lang === 'en' ? ': ' : '：'}${c.old ?? blank} → ${c.new ?? blank}${unit}`;
}

/** A field's change since the record was last approved, for the reviewer: label, old, new, unit and Δ. */
export interface ApprovedChange {
  /** "input" or "input.landClass". */
  field: string;
  input: string;
  label: string;
  /** 上次审核通过：1234.5 → 现值 1300 hm²（+65.5） */
  text: string;
}

/**
 * Every field whose value differs from the last approved version, said as a reviewer reads it:
 * "地类面积·阔叶林 上次审核通过：1234.5 → 现值 1300 hm²（+65.5）". Empty when the record was never approved.
 */
export function changesSinceApproved(
  set: CompiledSet,
  approved: StoredValues | null | undefined,
  current: StoredValues,
  lang: Lang,
  unitText: (u: string) => string,
): ApprovedChange[] {
  if (!approved) return [];
  const blank = lang === 'en' ? '(blank)' : '（空）';
  const order = new Map(set.inputs.map((i, n) => [i.id, n]));
  const classOrder = new Map(set.landClasses.map((c, n) => [c.id, n]));
  return diffValues('', 0, approved, current)
    .map((c) => {
      const [id, cls] = c.field.split('.') as [string, string | undefined];
      const input = set.inputs.find((i) => i.id === id);
      const landClass = cls ? set.landClasses.find((x) => x.id === cls) : undefined;
      const label = input
        ? pick(lang, input.labels) + (landClass ? '·' + pick(lang, landClass.labels) : '')
        : c.field;
      const unit = input && !input.percent ? ' ' + unitText(input.unit) : '';
      const a = c.old === null ? undefined : parseDecimal(c.old);
      const b = c.new === null ? undefined : parseDecimal(c.new);
      const diff = a && b ? b.minus(a) : undefined;
      const delta = diff ? (diff.isNeg() ? '−' : '+') + diff.abs().toFixed() : undefined;
      const d = delta ? (lang === 'en' ? ` (Δ ${delta})` : `（Δ ${delta}）`) : '';
      const text =
        lang === 'en'
          ? `last approved: ${c.old ?? blank} → now ${c.new ?? blank}${unit}${d}`
          : `上次审核通过：${c.old ?? blank} → 现值 ${c.new ?? blank}${unit}${d}`;
      return {
        field: c.field,
        input: id,
        label,
        text,
        sort: [order.get(id) ?? 1e9, classOrder.get(cls ?? '') ?? -1],
      };
    })
    .sort((a, b) => a.sort[0]! - b.sort[0]! || a.sort[1]! - b.sort[1]!)
    .map(({ sort: _sort, ...c }) => c);
}

interface FormState {
  values: Record<string, unknown>;
  units: Record<string, string>;
}

const stateFromStored = (v: StoredValues | undefined): FormState => ({ values: v ?? {}, units: {} });

async function showForm(
  req: Request,
  res: Response,
  extra: {
    state?: FormState;
    issues?: InputIssue[];
    notice?: string;
    conflict?: string;
    status?: number;
  } = {},
) {
  const db = dbOf(req);
  const set = await activeSet(req);
  const year = yearParam(req.params.year);
  if (!year) throw new NotFoundError({ zh: '年份无效', en: 'invalid year' });
  const township = await getTownship(db, String(req.params.township));
  const record = await getRecord(db, township.id, year);
  let state = extra.state ?? stateFromStored(record?.values);
  let notice = extra.notice;
  if (!extra.state && req.query.prefill === 'previous' && (!record || record.status === 'draft')) {
    const prev = await getRecord(db, township.id, year - 1);
    if (prev) {
      state = stateFromStored(prev.values);
      notice = res.locals.t('prefilled_from');
    }
  }
  const issuesByField = new Map<string, string[]>();
  for (const i of extra.issues ?? []) {
    const key = i.field ?? '';
    issuesByField.set(key, [...(issuesByField.get(key) ?? []), pick(req.lang, i.message)]);
  }
  // what the last save of this record changed, said once after the redirect
  let savedChanges: FieldChange[] | undefined;
  const last = req.session.lastSave;
  if (req.query.saved && last?.key === `${township.id}/${year}`) {
    savedChanges = last.changes;
    delete req.session.lastSave;
  }
  // the previous year's record: each field shows its value and the change against it (clerk and reviewer)
  const previous = await getRecord(db, township.id, year - 1);
  const scope = actorOf(req.user!).scope;
  const editable =
    (req.user!.role === 'editor' || req.user!.role === 'admin') &&
    (!record || record.status === 'draft') &&
    mayEditTownship(scope, township.id);
  page(
    res,
    'data/form',
    {
      title: `${pick(req.lang, { zh: township.name_zh, en: township.name_en })} ${year}`,
      set,
      township,
      year,
      record,
      state,
      issues: extra.issues ?? [],
      issuesByField,
      notice,
      conflict: extra.conflict,
      editable,
      previous,
      // the reviewer sees each field's change against the last approved version (kept through a return)
      approvedChanges:
        record && record.status !== 'approved'
          ? changesSinceApproved(set, record.approved_values, record.values, req.lang, res.locals.unitText)
          : [],
      prevChange: (before: string, now: unknown) => previousChange(before, now),
      // a clerk bound to departments sees the other departments' fields read-only
      fieldEditable: (inputId: string) => mayEditField(scope, set, inputId),
      // the land-use areas (hm²) add up to the township's area: the form shows the running total against it
      townshipAreaHm2: parseDecimal(township.area_km2)?.times(100).toString(),
      savedChanges: savedChanges?.map((c) => describeChange(set, c, req.lang, res.locals.unitText)),
      unitFactor: (input: CompiledSet['inputs'][number], text: string) => {
        const u = input.acceptUnits.find((x) => x.text === text)?.unit ?? input.unitValue;
        const f = conversionFactor(u, input.unitValue);
        return { num: f.num.toString(), den: f.den.toString() };
      },
    },
    extra.status,
  );
}

const versionOf = (raw: unknown): number => {
  const v = positiveInt(raw);
  if (v === undefined)
    throw new ValidationError([
      {
        field: 'version',
        message: {
          zh: '缺少数据版本号，请重新载入页面',
          en: 'the record version is missing; reload the page',
        },
      },
    ]);
  return v;
};

export function dataRoutes() {
  const r = Router();
  r.get('/data', requireRole(...ANY_ROLE), (_req, res) => res.redirect('/'));
  r.get('/data/:township/:year', requireRole(...ANY_ROLE), (req, res) => showForm(req, res));

  r.post('/data/:township/:year', requireRole('editor', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const year = yearParam(req.params.year);
    if (!year) throw new NotFoundError({ zh: '年份无效', en: 'invalid year' });
    const township = await getTownship(db, String(req.params.township));
    const raw = rawFromForm(set, township.id, year, req.body);
    // the fields of other departments are shown read-only (not posted): they keep their stored values
    const scope = actorOf(req.user!).scope;
    if (scope?.departments.length) {
      const stored = (await getRecord(db, township.id, year))?.values ?? {};
      for (const input of set.inputs.filter((i) => !mayEditField(scope, set, i.id))) {
        delete raw.values[input.id];
        for (const k of Object.keys(raw.units ?? {}))
          if (k === input.id || k.startsWith(input.id + '.')) delete raw.units![k];
        if (stored[input.id] !== undefined) raw.values[input.id] = stored[input.id];
      }
    }
    const state = { values: raw.values, units: raw.units ?? {} };
    const version =
      req.body.version === '' || req.body.version === undefined ? null : Number(req.body.version);
    const { records, issues } = await validateSurvey(db, set, [raw], { allowMissing: true });
    if (issues.length) return showForm(req, res, { state, issues, status: 422 });
    try {
      const saved = await saveRecords(
        db,
        actorOf(req.user!),
        set,
        [{ record: records[0]!, expectedVersion: version }],
        'replace',
      );
      req.session.lastSave = { key: `${township.id}/${year}`, changes: saved.flatMap(fieldChanges) };
    } catch (e) {
      if (e instanceof ConflictError)
        return showForm(req, res, { state, conflict: pick(req.lang, e.messageText), status: 409 });
      throw e;
    }
    res.redirect(303, `/data/${township.id}/${year}?saved=1`);
  });

  r.post('/data/:township/:year/status', requireRole('editor', 'reviewer', 'admin'), async (req, res) => {
    const db = dbOf(req);
    const set = await activeSet(req);
    const year = yearParam(req.params.year);
    const action = String(req.body.action) as WorkflowAction;
    if (!year || !['submit', 'approve', 'return', 'reopen'].includes(action))
      throw new ValidationError([{ field: 'action', message: { zh: '操作无效', en: 'invalid action' } }]);
    try {
      await changeStatus(
        db,
        actorOf(req.user!),
        set,
        {
          township: String(req.params.township),
          year,
          expectedVersion: versionOf(req.body.version),
          reason: req.body.reason,
        },
        action,
      );
    } catch (e) {
      if (e instanceof ValidationError) return showForm(req, res, { issues: [...e.issues], status: 422 });
      throw e;
    }
    res.redirect(303, `/data/${req.params.township}/${year}`);
  });
  return r;
}

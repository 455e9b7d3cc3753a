/**
 * Department figures of the assessment (部门填报的考核数据) and published decisions (assessment results
 * and fund allocations frozen as snapshots). Each write records its audit event in the same transaction.
 */
import { canonicalJson, sha256 } from '../methods/resolve.js';
import { readDecimal, type Dec } from '../domain/decimal.js';
import type { Text } from '../domain/assessment/index.js';
import type { InputIssue } from '../domain/inputs.js';
import type { DepartmentFigure } from '../report/assessment-figures.js';
import { recordEvent, SYSTEM_ACTOR, type Actor } from './audit.js';
import type { Db } from './db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from './errors.js';

export interface FigureRow {
  township_id: string;
  year: number;
  figure: string;
  value: string;
  department_zh: string;
  department_en: string;
  evidence: string;
  status: 'submitted' | 'approved';
  entered_by: number | null;
  approved_by: number | null;
}

export async function listFigures(db: Db, year: number): Promise<FigureRow[]> {
  return db.query<FigureRow>(
    'select * from assessment_figures where year = $1 order by township_id, figure',
    [year],
  );
}

/** township → figure → approved department figure, for scoring. */
export async function approvedFigures(
  db: Db,
  year: number,
): Promise<Map<string, Map<string, DepartmentFigure>>> {
  const out = new Map<string, Map<string, DepartmentFigure>>();
  for (const r of await listFigures(db, year)) {
    if (r.status !== 'approved') continue;
    if (!out.has(r.township_id)) out.set(r.township_id, new Map());
    out.get(r.township_id)!.set(r.figure, {
      value: readDecimalOrThrow(r.value),
      department: { zh: r.department_zh, en: r.department_en },
      evidence: r.evidence,
    });
  }
  return out;
}

const readDecimalOrThrow = (text: string): Dec => {
  const r = readDecimal(text);
  if (!r.ok) throw new Error(`stored figure ${text} is not a decimal`);
  return r.value;
};

export interface FigureEntry {
  township: string;
  figure: string;
  /** As typed; '%' figures are typed as percentages ("96.5"), stored as fractions. */
  value: string;
  percent: boolean;
  department: Text;
  evidence: string;
}

/**
 * Saves department figures (editor or admin) as submitted; every bad value is reported at once and
 * nothing is written. An approved figure is locked: it must be reopened by a reviewer first.
 */
export async function saveFigures(
  db: Db,
  actor: Actor,
  year: number,
  entries: readonly FigureEntry[],
): Promise<number> {
  if (!['editor', 'admin', 'system'].includes(actor.role))
    throw new ForbiddenError({
      zh: '只有填报员或管理员可以填报部门数据',
      en: 'only editors and admins enter department figures',
    });
  const issues: InputIssue[] = [];
  const values = entries.map((e) => {
    const r = readDecimal(e.value);
    if (!r.ok) issues.push({ township: e.township, year, field: e.figure, message: r.message });
    else if (r.value.isNeg())
      issues.push({
        township: e.township,
        year,
        field: e.figure,
        message: { zh: '不能为负数', en: 'must not be negative' },
      });
    else if (e.percent && r.value.gt(100))
      issues.push({
        township: e.township,
        year,
        field: e.figure,
        message: { zh: '比例不能超过 100%', en: 'a share cannot exceed 100 %' },
      });
    if (!e.evidence.trim() && actor.role !== 'system')
      issues.push({
        township: e.township,
        year,
        field: e.figure,
        message: { zh: '须注明佐证材料', en: 'name the evidence' },
      });
    return r.ok ? (e.percent ? r.value.div(100) : r.value) : undefined;
  });
  if (issues.length) throw new ValidationError(issues);
  return db.transaction(async (tx) => {
    let n = 0;
    for (const [i, e] of entries.entries()) {
      const [old] = await tx.query<FigureRow>(
        'select * from assessment_figures where township_id = $1 and year = $2 and figure = $3',
        [e.township, year, e.figure],
      );
      if (old?.status === 'approved' && actor.role !== 'system')
        throw new ConflictError({
          zh: `${e.township} ${year} 年“${e.figure}”已审核，不能修改`,
          en: `${e.township} ${year} "${e.figure}" is approved and cannot change`,
        });
      const value = values[i]!.toString();
      if (old && old.value === value && old.evidence === e.evidence) continue;
      const status = actor.role === 'system' ? 'approved' : 'submitted';
      await tx.query(
        `insert into assessment_figures (township_id, year, figure, value, department_zh, department_en, evidence, status, entered_by, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
         on conflict (township_id, year, figure) do update set value = excluded.value, department_zh = excluded.department_zh,
           department_en = excluded.department_en, evidence = excluded.evidence, status = excluded.status,
           entered_by = excluded.entered_by, approved_by = null, updated_at = now()`,
        [e.township, year, e.figure, value, e.department.zh, e.department.en, e.evidence, status, actor.id],
      );
      await recordEvent(tx, actor, {
        action: old ? 'update' : 'create',
        entity: 'assessment_figure',
        entityKey: `${e.township}|${year}|${e.figure}`,
        township: e.township,
        year,
        oldValue: old ? { value: old.value, evidence: old.evidence } : undefined,
        newValue: { value, evidence: e.evidence, status },
      });
      n++;
    }
    return n;
  });
}

/**
 * Loads sample figures (示例数据) in one statement, approved, with one audit event for the batch (as the
 * survey sample is loaded): every value is checked first and a bad one refuses the whole batch.
 */
export async function seedFigures(
  db: Db,
  entries: ReadonlyArray<FigureEntry & { year: number }>,
  note: string,
) {
  const issues: InputIssue[] = [];
  const rows = entries.map((e) => {
    const r = readDecimal(e.value);
    if (!r.ok) issues.push({ township: e.township, year: e.year, field: e.figure, message: r.message });
    const value = r.ok ? (e.percent ? r.value.div(100) : r.value).toString() : '';
    return {
      township_id: e.township,
      year: e.year,
      figure: e.figure,
      value,
      department_zh: e.department.zh,
      department_en: e.department.en,
      evidence: e.evidence,
      status: 'approved',
    };
  });
  if (issues.length) throw new ValidationError(issues);
  await db.query(
    `insert into assessment_figures (township_id, year, figure, value, department_zh, department_en, evidence, status)
     select township_id, year, figure, value, department_zh, department_en, evidence, status
     from jsonb_to_recordset($1::jsonb) as x(township_id text, year integer, figure text, value text,
       department_zh text, department_en text, evidence text, status text)`,
    [JSON.stringify(rows)],
  );
  await recordEvent(db, SYSTEM_ACTOR, {
    action: 'load',
    entity: 'assessment_figure',
    entityKey: '*',
    newValue: { status: 'approved', figures: rows.length },
    note,
  });
  return rows.length;
}

/** A reviewer (or admin) approves submitted figures of a year; never figures they entered themselves. */
export async function approveFigures(db: Db, actor: Actor, year: number, township?: string): Promise<number> {
  if (actor.role !== 'reviewer' && actor.role !== 'admin')
    throw new ForbiddenError({
      zh: '只有审核员或管理员可以审核部门数据',
      en: 'only reviewers and admins approve department figures',
    });
  return db.transaction(async (tx) => {
    const rows = await tx.query<FigureRow>(
      `select * from assessment_figures where year = $1 and status = 'submitted' and ($2::text is null or township_id = $2)`,
      [year, township ?? null],
    );
    const own = rows.filter((r) => r.entered_by === actor.id);
    if (own.length)
      throw new ConflictError({
        zh: `不能审核自己填报的数据（${own.length} 项）`,
        en: `you cannot approve figures you entered (${own.length})`,
      });
    for (const r of rows) {
      await tx.query(
        `update assessment_figures set status = 'approved', approved_by = $4 where township_id = $1 and year = $2 and figure = $3`,
        [r.township_id, r.year, r.figure, actor.id],
      );
      await recordEvent(tx, actor, {
        action: 'approve',
        entity: 'assessment_figure',
        entityKey: `${r.township_id}|${year}|${r.figure}`,
        township: r.township_id,
        year,
        newValue: { value: r.value, status: 'approved' },
      });
    }
    return rows.length;
  });
}

export type DecisionKind = 'assessment' | 'allocation';

export interface PublishedDecision {
  id: number;
  kind: DecisionKind;
  year: number;
  ref: string;
  snapshot: unknown;
  content_hash: string;
  published_by_name: string | null;
  published_at: Date;
}

/** Freezes a result (its inputs, the document version and every figure) as a numbered snapshot. */
export async function publishDecision(
  db: Db,
  actor: Actor,
  d: { kind: DecisionKind; year: number; ref: string; snapshot: unknown },
): Promise<number> {
  if (!['admin', 'finance', 'assessor'].includes(actor.role))
    throw new ForbiddenError({
      zh: '只有管理员、财政人员或考核人员可以发布结果',
      en: 'only admins, finance officials and assessors publish results',
    });
  const hash = sha256(canonicalJson(d.snapshot));
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      `insert into published_decisions (kind, year, ref, snapshot, content_hash, published_by)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [d.kind, d.year, d.ref, JSON.stringify(d.snapshot), hash, actor.id],
    );
    await recordEvent(tx, actor, {
      action: 'publish',
      entity: d.kind,
      entityKey: String(row!.id),
      year: d.year,
      newValue: { ref: d.ref, hash },
    });
    return row!.id;
  });
}

export async function getDecision(db: Db, id: number): Promise<PublishedDecision> {
  const [row] = await db.query<PublishedDecision>(
    `select p.*, coalesce(u.display_name, u.username) as published_by_name from published_decisions p
     left join users u on u.id = p.published_by where p.id = $1`,
    [id],
  );
  if (!row) throw new NotFoundError({ zh: `发布结果 ${id} 不存在`, en: `no published result ${id}` });
  return row;
}

export async function listDecisions(db: Db): Promise<Omit<PublishedDecision, 'snapshot'>[]> {
  return db.query(
    `select p.id, p.kind, p.year, p.ref, p.content_hash, coalesce(u.display_name, u.username) as published_by_name, p.published_at
     from published_decisions p left join users u on u.id = p.published_by order by p.id desc`,
  );
}

/** The snapshot re-hashed: true when it is as published. */
export const decisionIntact = (d: PublishedDecision) => sha256(canonicalJson(d.snapshot)) === d.content_hash;

/**
 * Scenario projects (项目/规划情景) and their alternatives, tenure audits: one write path each, every write with
 * its audit event in one transaction. An alternative is validated against its baseline before it is written.
 */
import { z } from 'zod';
import type { InputRecord } from '../domain/accounting.js';
import { Dec } from '../domain/decimal.js';
import { validateRecords, type InputIssue } from '../domain/inputs.js';
import type { CompiledSet } from '../domain/model.js';
import { applyScenario, type ScenarioSpec } from '../domain/scenario.js';
import { readDepartmentFigure, type TenureAuditConfig } from '../domain/audit.js';
import { canonicalJson, sha256 } from '../methods/resolve.js';
import { recordEvent, type Actor } from './audit.js';
import type { Db } from './db.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { listTownships, townshipInfo, type Township } from './regions.js';
import { rawFromRow, type SurveyRow } from './survey.js';

export interface ProjectRow {
  id: number;
  name: string;
  description: string;
  kind: 'project' | 'plan';
  year: number;
  townships: string[];
  set_id: string;
  set_version: string;
  profile: string;
  constant_price_year: number;
  rate: string;
  horizon: number;
  sample: boolean;
  created_at: Date;
}

export interface AlternativeRow {
  id: number;
  project_id: number;
  name: string;
  version: number;
  spec: ScenarioSpec;
  note: string;
  created_at: Date;
  created_by_name: string | null;
}

const bad = (field: string, zh: string, en: string): InputIssue => ({ field, message: { zh, en } });

export const projectSchema = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).default(''),
  kind: z.enum(['project', 'plan']).default('project'),
  year: z.coerce.number().int().min(1949).max(2100),
  townships: z.array(z.string().min(1)).min(1),
  setId: z.string().min(1),
  setVersion: z.string().min(1),
  profile: z.string().min(1),
  constantPriceYear: z.coerce.number().int().min(1949).max(2100),
  /** A fraction (0.05), or a percentage written with % ("5%"). */
  rate: z.string().trim().min(1),
  horizon: z.coerce.number().int().min(1).max(200),
  sample: z.boolean().default(false),
});
export type ProjectInput = z.input<typeof projectSchema>;

/** A rate as a person writes it: "5%" or "0.05"; undefined when it is not one. */
export function readRate(text: string): Dec | undefined {
  const t = text.trim();
  try {
    const v = t.endsWith('%') ? new Dec(t.slice(0, -1).trim()).div(100) : new Dec(t);
    return v.isFinite() ? v : undefined;
  } catch {
    return undefined;
  }
}

export async function listProjects(db: Db): Promise<ProjectRow[]> {
  return db.query<ProjectRow>(
    'select id, name, description, kind, year, townships, set_id, set_version, profile, constant_price_year, rate::text as rate, horizon, sample, created_at from scenario_projects order by id',
  );
}

export async function getProject(db: Db, id: number): Promise<ProjectRow> {
  const [p] = await db.query<ProjectRow>(
    'select id, name, description, kind, year, townships, set_id, set_version, profile, constant_price_year, rate::text as rate, horizon, sample, created_at from scenario_projects where id = $1',
    [id],
  );
  if (!p) throw new NotFoundError({ zh: `评估项目 ${id} 不存在`, en: `no appraisal project ${id}` });
  return p;
}

/** The latest version of every alternative of a project, in the order they were first saved. */
export async function latestAlternatives(db: Db, projectId: number): Promise<AlternativeRow[]> {
  return db.query<AlternativeRow>(
    `select v.id, v.project_id, v.name, v.version, v.spec, v.note, v.created_at, u.display_name as created_by_name
       from scenario_versions v left join users u on u.id = v.created_by
      where v.project_id = $1 and v.version = (select max(version) from scenario_versions w where w.project_id = v.project_id and w.name = v.name)
      order by (select min(id) from scenario_versions w where w.project_id = v.project_id and w.name = v.name)`,
    [projectId],
  );
}

export async function alternativeHistory(db: Db, projectId: number, name: string): Promise<AlternativeRow[]> {
  return db.query<AlternativeRow>(
    `select v.id, v.project_id, v.name, v.version, v.spec, v.note, v.created_at, u.display_name as created_by_name
       from scenario_versions v left join users u on u.id = v.created_by
      where v.project_id = $1 and v.name = $2 order by v.version desc`,
    [projectId, name],
  );
}

/** The baseline: approved records of the project's year and townships, validated against its set. */
export async function baselineOf(
  db: Db,
  set: CompiledSet,
  project: Pick<ProjectRow, 'year' | 'townships'>,
): Promise<{ records: InputRecord[]; townships: Township[] }> {
  const all = await listTownships(db);
  const rows = await db.query<SurveyRow>(
    "select township_id, year, version, values, overrides from survey_records where year = $1 and status = 'approved' and township_id = any($2)",
    [project.year, project.townships],
  );
  const missing = project.townships.filter((t) => !rows.some((r) => r.township_id === t));
  if (missing.length) {
    const names = missing.map((t) => all.find((x) => x.id === t)?.name_zh ?? t);
    const namesEn = missing.map((t) => all.find((x) => x.id === t)?.name_en ?? t);
    throw new ConflictError({
      zh: `${names.join('、')} 在 ${project.year} 年没有已审核数据，不能作为基准`,
      en: `${namesEn.join(', ')}: no approved data for ${project.year} to serve as the baseline`,
    });
  }
  const { records, issues } = validateRecords(set, rows.map(rawFromRow));
  if (issues.length) throw new ValidationError(issues);
  const order = new Map(project.townships.map((t, i) => [t, i]));
  records.sort((a, b) => order.get(a.township)! - order.get(b.township)!);
  return { records, townships: all.filter((t) => order.has(t.id)) };
}

export async function createProject(db: Db, actor: Actor, input: ProjectInput): Promise<number> {
  const parsed = projectSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const p = parsed.data;
  const issues: InputIssue[] = [];
  const rate = readRate(p.rate);
  if (!rate || rate.lt(0) || rate.gte(1))
    issues.push(
      bad(
        'rate',
        `折现率"${p.rate}"须在 0% 与 100% 之间`,
        `discount rate "${p.rate}" must be between 0 % and 100 %`,
      ),
    );
  const known = new Set((await listTownships(db)).map((t) => t.id));
  for (const t of p.townships)
    if (!known.has(t)) issues.push(bad('townships', `未知乡镇"${t}"`, `unknown township "${t}"`));
  const [dup] = await db.query('select 1 from scenario_projects where name = $1', [p.name]);
  if (dup) issues.push(bad('name', `已有名为"${p.name}"的评估项目`, `a project named "${p.name}" exists`));
  if (issues.length) throw new ValidationError(issues);
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      `insert into scenario_projects (name, description, kind, year, townships, set_id, set_version, profile, constant_price_year, rate, horizon, sample, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning id`,
      [
        p.name,
        p.description,
        p.kind,
        p.year,
        JSON.stringify(p.townships),
        p.setId,
        p.setVersion,
        p.profile,
        p.constantPriceYear,
        rate!.toString(),
        p.horizon,
        p.sample,
        actor.id,
      ],
    );
    await recordEvent(tx, actor, {
      action: 'create',
      entity: 'scenario_project',
      entityKey: String(row!.id),
      year: p.year,
      newValue: { ...p, rate: rate!.toString() },
    });
    return row!.id;
  });
}

const specSchema = z.object({
  changes: z
    .array(z.object({ township: z.string(), from: z.string(), to: z.string(), area: z.string() }).strict())
    .default([]),
  landUse: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  edits: z
    .record(z.string(), z.record(z.string(), z.union([z.string(), z.record(z.string(), z.string())])))
    .optional(),
});

/**
 * Saves an alternative as a new version after applying it to the baseline: a spec the baseline refuses (area
 * not available, unknown class, a value out of range) is refused with every problem, and nothing is written.
 */
export async function saveAlternative(
  db: Db,
  actor: Actor,
  set: CompiledSet,
  projectId: number,
  name: string,
  spec: ScenarioSpec,
  note = '',
): Promise<number> {
  const project = await getProject(db, projectId);
  const cleanName = name.trim();
  if (!cleanName || cleanName.length > 100)
    throw new ValidationError([
      bad('name', '方案名称须为 1–100 个字符', 'the alternative needs a name of 1–100 characters'),
    ]);
  const parsed = specSchema.safeParse(spec);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { records, townships } = await baselineOf(db, set, project);
  const applied = applyScenario(
    set,
    records,
    parsed.data,
    townships.map((t) => ({ ...townshipInfo(t), name: t.name_zh })),
  );
  if (applied.issues.length) throw new ValidationError(applied.issues);
  return db.transaction(async (tx) => {
    const [last] = await tx.query<{ version: number; spec: ScenarioSpec }>(
      'select version, spec from scenario_versions where project_id = $1 and name = $2 order by version desc limit 1',
      [projectId, cleanName],
    );
    const [row] = await tx.query<{ id: number }>(
      'insert into scenario_versions (project_id, name, version, spec, note, created_by) values ($1, $2, $3, $4, $5, $6) returning id',
      [projectId, cleanName, (last?.version ?? 0) + 1, JSON.stringify(parsed.data), note, actor.id],
    );
    await recordEvent(tx, actor, {
      action: last ? 'update' : 'create',
      entity: 'scenario',
      entityKey: `${projectId}:${cleanName}`,
      year: project.year,
      oldValue: last?.spec,
      newValue: parsed.data,
      note: `${project.name} · ${cleanName} v${(last?.version ?? 0) + 1}`,
    });
    return row!.id;
  });
}

/** A publication's title and 文号, checked (both required, bounded) and confirmed; else a ValidationError. */
function publicationHeading(
  heading: { title: string; docNumber: string; confirmed: boolean },
  confirmation: { zh: string; en: string },
): { title: string; docNumber: string } {
  const title = String(heading.title ?? '').trim();
  const docNumber = String(heading.docNumber ?? '').trim();
  const issues: InputIssue[] = [];
  if (!title || title.length > 120)
    issues.push(bad('title', '请填写标题（120 字以内）', 'enter the title (up to 120 characters)'));
  if (!docNumber || docNumber.length > 60)
    issues.push(bad('docNumber', '请填写文号（如 侯审〔2026〕3号）', 'enter the document number (文号)'));
  if (!heading.confirmed) issues.push(bad('confirm', confirmation.zh, confirmation.en));
  // each message names its field in words already
  if (issues.length) throw new ValidationError(issues.map((i) => ({ ...i, labelled: true })));
  return { title, docNumber };
}

export interface PublicationRow {
  id: number;
  title: string | null;
  doc_number: string | null;
  project_id: number;
  scenario_version_id: number;
  snapshot: unknown;
  content_hash: string;
  published_at: Date;
  published_by_name: string | null;
}

/** Freezes an appraisal: its table and the inputs it came from, with a sha256 content hash. */
export async function publishAppraisal(
  db: Db,
  actor: Actor,
  projectId: number,
  versionId: number,
  snapshot: unknown,
  heading: { title: string; docNumber: string; confirmed: boolean },
): Promise<number> {
  const { title, docNumber } = publicationHeading(heading, {
    zh: '请勾选确认发布：发布后评估表冻结，不能修改',
    en: 'tick the confirmation: a published appraisal is frozen for good',
  });
  // as the database will give it back (jsonb): what the hash covers is what a reader gets
  const frozen: unknown = JSON.parse(JSON.stringify(snapshot));
  const hash = sha256(canonicalJson(frozen));
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      `insert into scenario_publications (project_id, scenario_version_id, snapshot, content_hash, published_by, title, doc_number)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [projectId, versionId, JSON.stringify(frozen), hash, actor.id, title, docNumber],
    );
    await recordEvent(tx, actor, {
      action: 'publish',
      entity: 'appraisal',
      entityKey: String(row!.id),
      newValue: { project: projectId, scenarioVersion: versionId, title, docNumber, hash },
    });
    return row!.id;
  });
}

const APPRAISAL_PUBLICATION_COLUMNS = `p.id, p.project_id, p.scenario_version_id, p.title, p.doc_number, p.snapshot,
  p.content_hash, p.published_at, coalesce(u.display_name, u.username) as published_by_name`;

export async function listPublications(db: Db, projectId: number): Promise<PublicationRow[]> {
  return db.query<PublicationRow>(
    `select ${APPRAISAL_PUBLICATION_COLUMNS}
       from scenario_publications p left join users u on u.id = p.published_by where p.project_id = $1 order by p.id`,
    [projectId],
  );
}

export async function getPublication(db: Db, projectId: number, id: number): Promise<PublicationRow> {
  const [row] = await db.query<PublicationRow>(
    `select ${APPRAISAL_PUBLICATION_COLUMNS}
       from scenario_publications p left join users u on u.id = p.published_by where p.project_id = $1 and p.id = $2`,
    [projectId, id],
  );
  if (!row) throw new NotFoundError({ zh: `已发布评估表 ${id} 不存在`, en: `no published appraisal ${id}` });
  return row;
}

// ---- tenure audits

export interface TenureAuditRow {
  id: number;
  name: string;
  official: string;
  scope: string;
  start_year: number;
  end_year: number;
  config_id: string;
  sample: boolean;
  created_at: Date;
}

export const tenureAuditSchema = z.object({
  name: z.string().trim().min(1).max(200),
  official: z.string().trim().max(200).default(''),
  scope: z.string().min(1),
  startYear: z.coerce.number().int().min(1949).max(2100),
  endYear: z.coerce.number().int().min(1949).max(2100),
  configId: z.string().min(1),
  sample: z.boolean().default(false),
});

export async function createTenureAudit(
  db: Db,
  actor: Actor,
  input: z.input<typeof tenureAuditSchema>,
): Promise<number> {
  const parsed = tenureAuditSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const a = parsed.data;
  const issues: InputIssue[] = [];
  if (a.endYear <= a.startYear)
    issues.push(bad('endYear', '任期终止年份须晚于起始年份', 'the end year must follow the start year'));
  if (a.scope !== 'total' && !(await listTownships(db)).some((t) => t.id === a.scope))
    issues.push(bad('scope', `未知乡镇"${a.scope}"`, `unknown township "${a.scope}"`));
  const [dup] = await db.query('select 1 from tenure_audits where name = $1', [a.name]);
  if (dup)
    issues.push(bad('name', `已有名为"${a.name}"的任期审计`, `a tenure audit named "${a.name}" exists`));
  if (issues.length) throw new ValidationError(issues);
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      `insert into tenure_audits (name, official, scope, start_year, end_year, config_id, sample, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
      [a.name, a.official, a.scope, a.startYear, a.endYear, a.configId, a.sample, actor.id],
    );
    await recordEvent(tx, actor, {
      action: 'create',
      entity: 'tenure_audit',
      entityKey: String(row!.id),
      township: a.scope === 'total' ? null : a.scope,
      year: a.endYear,
      newValue: a,
    });
    return row!.id;
  });
}

export async function listTenureAudits(db: Db): Promise<TenureAuditRow[]> {
  return db.query<TenureAuditRow>('select * from tenure_audits order by id');
}

export async function getTenureAudit(db: Db, id: number): Promise<TenureAuditRow> {
  const [a] = await db.query<TenureAuditRow>('select * from tenure_audits where id = $1', [id]);
  if (!a) throw new NotFoundError({ zh: `任期审计 ${id} 不存在`, en: `no tenure audit ${id}` });
  return a;
}

/** Approved records of the scope (the region: every township with data) for each year of the tenure. */
export async function tenureRecords(
  db: Db,
  set: CompiledSet,
  scope: string,
  startYear: number,
  endYear: number,
): Promise<Map<number, InputRecord[]>> {
  const rows = await db.query<SurveyRow>(
    `select township_id, year, version, values, overrides from survey_records
      where status = 'approved' and year between $1 and $2 ${scope === 'total' ? '' : 'and township_id = $3'}
      order by year, township_id`,
    scope === 'total' ? [startYear, endYear] : [startYear, endYear, scope],
  );
  const { records, issues } = validateRecords(set, rows.map(rawFromRow));
  if (issues.length) throw new ValidationError(issues);
  // the region: only townships with data in both the start and the end year, so the two ends compare
  const at = (y: number) => new Set(records.filter((r) => r.year === y).map((r) => r.township));
  const both = [...at(startYear)].filter((t) => at(endYear).has(t));
  const out = new Map<number, InputRecord[]>();
  for (const r of records) {
    if (!both.includes(r.township)) continue;
    out.set(r.year, [...(out.get(r.year) ?? []), r]);
  }
  // a middle year counts only when it has every township of the two ends
  for (const [y, list] of out) if (list.length !== both.length) out.delete(y);
  return out;
}

// ---- tenure audit: department figures entered by the audit team, and the published pack

export interface DepartmentFigureRow {
  audit_id: number;
  figure: string;
  value: string;
  note: string;
  updated_at: Date;
  entered_by_name: string | null;
}

export async function listDepartmentFigures(db: Db, auditId: number): Promise<DepartmentFigureRow[]> {
  return db.query<DepartmentFigureRow>(
    `select f.audit_id, f.figure, f.value, f.note, f.updated_at, coalesce(u.display_name, u.username) as entered_by_name
       from tenure_audit_figures f left join users u on u.id = f.entered_by where f.audit_id = $1 order by f.figure`,
    [auditId],
  );
}

/**
 * The one write path of a department item's figure (部门评价项): checked against the configuration's item (known,
 * a number in 0…max, whole for a count), written with its audit event in one transaction; a refused figure
 * changes nothing.
 */
export async function setDepartmentFigure(
  db: Db,
  actor: Actor,
  audit: TenureAuditRow,
  config: TenureAuditConfig,
  figure: string,
  text: string,
  note = '',
): Promise<Dec> {
  const item = config.departmentItems.find((i) => i.id === figure);
  if (!item)
    throw new ValidationError([
      bad(
        'figure',
        `"${figure}"不是本审计的部门评价项`,
        `"${figure}" is not a department item of this audit`,
      ),
    ]);
  const read = readDepartmentFigure(item, text);
  const cleanNote = String(note ?? '').trim();
  const issues: InputIssue[] = [];
  if (!read.ok) issues.push({ field: '', message: read.message });
  if (cleanNote.length > 500)
    issues.push(bad('', '说明不超过 500 字', 'the note has at most 500 characters'));
  if (issues.length || !read.ok) throw new ValidationError(issues);
  return db.transaction(async (tx) => {
    const [old] = await tx.query<{ value: string; note: string }>(
      'select value, note from tenure_audit_figures where audit_id = $1 and figure = $2 for update',
      [audit.id, figure],
    );
    await tx.query(
      `insert into tenure_audit_figures (audit_id, figure, value, note, entered_by, updated_at) values ($1, $2, $3, $4, $5, now())
       on conflict (audit_id, figure) do update set value = $3, note = $4, entered_by = $5, updated_at = now()`,
      [audit.id, figure, read.value.toString(), cleanNote, actor.id],
    );
    await recordEvent(tx, actor, {
      action: old ? 'update' : 'create',
      entity: 'tenure_audit_figure',
      entityKey: `${audit.id}:${figure}`,
      township: audit.scope === 'total' ? null : audit.scope,
      year: audit.end_year,
      oldValue: old ?? { value: item.prefilled?.toString() ?? null, note: 'prefilled' },
      newValue: { value: read.value.toString(), note: cleanNote },
      note: `${audit.name} · ${item.labels.zh}`,
    });
    return read.value;
  });
}

export interface AuditPublicationRow {
  id: number;
  audit_id: number;
  title: string;
  doc_number: string;
  snapshot: unknown;
  content_hash: string;
  published_at: Date;
  published_by_name: string | null;
}

const AUDIT_PUBLICATION_COLUMNS = `p.id, p.audit_id, p.title, p.doc_number, p.snapshot, p.content_hash, p.published_at,
  coalesce(u.display_name, u.username) as published_by_name`;

/**
 * Freezes a tenure audit pack: the tables as computed, the figures and versions they came from, with a sha256
 * content hash, under a title and 文号; the published page reads this and never recomputes.
 */
export async function publishTenureAudit(
  db: Db,
  actor: Actor,
  audit: TenureAuditRow,
  snapshot: unknown,
  heading: { title: string; docNumber: string; confirmed: boolean },
): Promise<number> {
  const { title, docNumber } = publicationHeading(heading, {
    zh: '请勾选确认发布：发布后审计表冻结，不能修改',
    en: 'tick the confirmation: a published audit pack is frozen for good',
  });
  // as the database will give it back (jsonb): what the hash covers is what a reader gets
  const frozen: unknown = JSON.parse(JSON.stringify(snapshot));
  const hash = sha256(canonicalJson(frozen));
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      `insert into tenure_audit_publications (audit_id, title, doc_number, snapshot, content_hash, published_by)
       values ($1, $2, $3, $4, $5, $6) returning id`,
      [audit.id, title, docNumber, JSON.stringify(frozen), hash, actor.id],
    );
    await recordEvent(tx, actor, {
      action: 'publish',
      entity: 'tenure_audit',
      entityKey: String(audit.id),
      township: audit.scope === 'total' ? null : audit.scope,
      year: audit.end_year,
      newValue: { publication: row!.id, title, docNumber, hash },
    });
    return row!.id;
  });
}

export async function listAuditPublications(db: Db, auditId: number): Promise<AuditPublicationRow[]> {
  return db.query<AuditPublicationRow>(
    `select ${AUDIT_PUBLICATION_COLUMNS} from tenure_audit_publications p left join users u on u.id = p.published_by
      where p.audit_id = $1 order by p.id`,
    [auditId],
  );
}

export async function getAuditPublication(db: Db, auditId: number, id: number): Promise<AuditPublicationRow> {
  const [row] = await db.query<AuditPublicationRow>(
    `select ${AUDIT_PUBLICATION_COLUMNS} from tenure_audit_publications p left join users u on u.id = p.published_by
      where p.audit_id = $1 and p.id = $2`,
    [auditId, id],
  );
  if (!row) throw new NotFoundError({ zh: `已发布审计表 ${id} 不存在`, en: `no published audit pack ${id}` });
  return row;
}

/**
 * Project and plan appraisal by land-use scenario (项目情景评估) and the tenure audit pack (离任审计).
 * Thin: parse the request, call the store and the report models, render.
 */
import { Router, type Request, type Response } from 'express';
import { actorOf, page } from '../app.js';
import { ANY_ROLE, requireRole } from '../auth.js';
import { activeSet, dbOf, positiveInt } from '../context.js';
import { pick } from '../i18n.js';
import { singleUpload } from '../upload.js';
import { Dec } from '../../domain/decimal.js';
import { figureMap } from '../../report/township-map.js';
import { listBoundaries } from '../../store/geo.js';
import type { InputIssue } from '../../domain/inputs.js';
import type { LandUseChangeSpec, ScenarioSpec } from '../../domain/scenario.js';
import { officialXlsx } from '../../io/official-xlsx.js';
import { readLandUseTable } from '../../io/scenario-input.js';
import { NotFoundError, ValidationError } from '../../store/errors.js';
import { listTownships, townshipInfo } from '../../store/regions.js';
import {
  appraiseProject,
  auditSnapshot,
  tenureAuditConfig,
  tenureAuditPack,
  type AuditSnapshot,
} from '../../store/scenario-reports.js';
import {
  alternativeHistory,
  createProject,
  createTenureAudit,
  getProject,
  getAuditPublication,
  getTenureAudit,
  latestAlternatives,
  listAuditPublications,
  listProjects,
  listPublications,
  listTenureAudits,
  publishAppraisal,
  getPublication,
  publishTenureAudit,
  saveAlternative,
  setDepartmentFigure,
} from '../../store/scenarios.js';
import { canonicalJson, sha256 } from '../../methods/resolve.js';
import { freezeTables, thawTables } from '../../report/official-snapshot.js';
import { pdfOfView } from '../pdf.js';
import { listSetRows, loadCompiledSet } from '../../store/sets.js';
import { getSettings } from '../../store/settings.js';

const WRITERS = ['editor', 'finance', 'reviewer', 'admin'] as const;
const AUDITORS = ['assessor', 'finance', 'reviewer', 'admin'] as const;
/** Who publishes (freezes) an appraisal or an audit pack. */
const PUBLISHERS = ['reviewer', 'admin'] as const;

/** "乡镇, 转出地类, 转入地类, 面积" per line (comma, tab or Chinese comma). */
export function parseChangeLines(text: string): { changes: LandUseChangeSpec[]; issues: InputIssue[] } {
  const changes: LandUseChangeSpec[] = [];
  const issues: InputIssue[] = [];
  String(text ?? '')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (!line.trim()) return;
      const cells = line.split(/[,，\t]/).map((c) => c.trim());
      if (cells.length !== 4)
        issues.push({
          field: 'changes',
          row: i + 1,
          message: {
            zh: `第 ${i + 1} 行应有 4 项：乡镇、转出地类、转入地类、面积（hm²），收到 ${cells.length} 项`,
            en: `line ${i + 1} needs 4 items: township, from class, to class, area (hm²); got ${cells.length}`,
          },
        });
      else changes.push({ township: cells[0]!, from: cells[1]!, to: cells[2]!, area: cells[3]! });
    });
  return { changes, issues };
}

/** "乡镇, 指标[.地类], 值" per line: edits of other inputs. */
export function parseEditLines(text: string): {
  edits: NonNullable<ScenarioSpec['edits']>;
  issues: InputIssue[];
} {
  const edits: NonNullable<ScenarioSpec['edits']> = {};
  const issues: InputIssue[] = [];
  String(text ?? '')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (!line.trim()) return;
      const cells = line.split(/[,，\t]/).map((c) => c.trim());
      if (cells.length !== 3) {
        issues.push({
          field: 'edits',
          row: i + 1,
          message: {
            zh: `第 ${i + 1} 行应有 3 项：乡镇、指标（分地类的写 指标.地类）、值，收到 ${cells.length} 项`,
            en: `line ${i + 1} needs 3 items: township, input (input.class for per-class inputs), value; got ${cells.length}`,
          },
        });
        return;
      }
      const [t, key, v] = cells as [string, string, string];
      const [id, cls] = key.split('.') as [string, string | undefined];
      const forT = (edits[t] ??= {});
      if (cls) forT[id] = { ...((forT[id] as Record<string, string> | undefined) ?? {}), [cls]: v };
      else forT[id] = v;
    });
  return { edits, issues };
}

const specText = (spec: ScenarioSpec | undefined) => ({
  changes: (spec?.changes ?? []).map((c) => [c.township, c.from, c.to, c.area].join(', ')).join('\n'),
  edits: Object.entries(spec?.edits ?? {})
    .flatMap(([t, e]) =>
      Object.entries(e).flatMap(([id, v]) =>
        typeof v === 'string'
          ? [`${t}, ${id}, ${v}`]
          : Object.entries(v).map(([cls, x]) => `${t}, ${id}.${cls}, ${x}`),
      ),
    )
    .join('\n'),
});

/** A project and the appraisal tables of all its alternatives (for the XLSX and the PDF); 404 when none. */
async function appraisalTables(req: Request) {
  const db = dbOf(req);
  const id = positiveInt(req.params.id);
  if (!id) throw new NotFoundError({ zh: '评估项目不存在', en: 'no such project' });
  const project = await getProject(db, id);
  const { alternatives } = await appraiseProject(db, project);
  const tables = alternatives.flatMap((a) => a.tables);
  if (!tables.length)
    throw new NotFoundError({
      zh: '该项目还没有可评估的方案',
      en: 'the project has no alternative to appraise yet',
    });
  return { id, project, tables };
}

async function showProject(
  req: Request,
  res: Response,
  extra: {
    issues?: InputIssue[];
    form?: { name: string; changes: string; edits: string; note: string };
    status?: number;
  } = {},
) {
  const db = dbOf(req);
  const id = positiveInt(req.params.id);
  if (!id) throw new NotFoundError({ zh: '评估项目不存在', en: 'no such project' });
  const project = await getProject(db, id);
  const { set, alternatives } = await appraiseProject(db, project);
  const editing =
    typeof req.query.alt === 'string' ? alternatives.find((a) => a.row.name === req.query.alt) : undefined;
  const history = editing ? await alternativeHistory(db, id, editing.row.name) : [];
  const townships = await listTownships(db);
  // one alternative's annual ΔGEP (central case) per township on the map: the one asked for, else the first
  const appraised = alternatives.filter((a) => a.appraisal);
  const mapped = appraised.find((a) => a.row.name === req.query.map) ?? appraised[0];
  const deltas = new Map(
    (mapped?.appraisal?.cases.central.difference.byTownship ?? []).map((t) => [t.township, t.delta]),
  );
  const map =
    mapped &&
    figureMap(
      await listBoundaries(db),
      townships.map((t) => ({
        township: t.id,
        labels: { zh: t.name_zh, en: t.name_en },
        areaKm2: new Dec(t.area_km2),
        value: deltas.get(t.id),
      })),
      {
        indicator: { zh: '年GEP变化（中值）', en: 'Annual ΔGEP (central)' },
        unit: 'wan_yuan',
        lang: req.lang,
      },
    );
  page(
    res,
    'scenarios/project',
    {
      map,
      mapped: mapped?.row.name,
      appraisedNames: appraised.map((a) => a.row.name),
      title: project.name,
      project,
      ratePercent: `${new Dec(project.rate).times(100).toString()}%`,
      set,
      alternatives,
      publications: await listPublications(db, id),
      history,
      projectTownships: townships.filter((t) => project.townships.includes(t.id)),
      form: extra.form ?? {
        name: editing?.row.name ?? '',
        ...specText(editing?.row.spec),
        note: '',
      },
      issues: extra.issues ?? [],
    },
    extra.status,
  );
}

export function scenarioRoutes() {
  const r = Router();

  r.get('/scenarios', requireRole(...ANY_ROLE), async (req, res) => {
    const db = dbOf(req);
    const settings = await getSettings(db);
    page(res, 'scenarios/list', {
      title: pick(req.lang, { zh: '项目情景评估与离任审计', en: 'Scenario appraisal and tenure audit' }),
      projects: await listProjects(db),
      audits: await listTenureAudits(db),
      townships: await listTownships(db),
      sets: (await listSetRows(db)).filter((s) => s.id.startsWith(settings.activeSet.id)),
      settings,
      issues: [],
    });
  });

  r.post('/scenarios', requireRole(...WRITERS), async (req, res) => {
    const db = dbOf(req);
    const settings = await getSettings(db);
    const b = req.body as Record<string, unknown>;
    const [setId, setVersion] = String(
      b.set || `${settings.activeSet.id}@${settings.activeSet.version}`,
    ).split('@');
    const townships = ([] as unknown[])
      .concat(b.townships ?? [])
      .map(String)
      .filter(Boolean);
    const set = await loadCompiledSet(db, setId!, setVersion!);
    const id = await createProject(db, actorOf(req.user!), {
      name: String(b.name ?? ''),
      description: String(b.description ?? ''),
      kind: b.kind === 'plan' ? 'plan' : 'project',
      year: String(b.year ?? ''),
      townships,
      setId: setId!,
      setVersion: setVersion!,
      profile: settings.profile,
      constantPriceYear: String(b.constantPriceYear || set.constantPriceYear || b.year || ''),
      rate: String(b.rate ?? ''),
      horizon: String(b.horizon ?? ''),
    } as never);
    res.redirect(303, `/scenarios/${id}`);
  });

  r.get('/scenarios/:id', requireRole(...ANY_ROLE), (req, res) => showProject(req, res));

  r.post('/scenarios/:id/alternatives', requireRole(...WRITERS), async (req, res) => {
    const db = dbOf(req);
    const id = positiveInt(req.params.id);
    if (!id) throw new NotFoundError({ zh: '评估项目不存在', en: 'no such project' });
    const project = await getProject(db, id);
    const set = await loadCompiledSet(db, project.set_id, project.set_version);
    const b = req.body as Record<string, string>;
    const form = { name: b.name ?? '', changes: b.changes ?? '', edits: b.edits ?? '', note: b.note ?? '' };
    const c = parseChangeLines(form.changes);
    const e = parseEditLines(form.edits);
    // a land-use table uploaded before is kept on the alternative's latest version
    const previous = (await latestAlternatives(db, id)).find((a) => a.name === form.name.trim());
    const issues = [...c.issues, ...e.issues];
    if (issues.length) return showProject(req, res, { issues, form, status: 422 });
    try {
      await saveAlternative(
        db,
        actorOf(req.user!),
        set,
        id,
        form.name,
        {
          changes: c.changes,
          edits: e.edits,
          ...(previous?.spec.landUse ? { landUse: previous.spec.landUse } : {}),
        },
        form.note,
      );
    } catch (err) {
      if (err instanceof ValidationError)
        return showProject(req, res, { issues: [...err.issues], form, status: 422 });
      throw err;
    }
    res.redirect(303, `/scenarios/${id}?saved=${encodeURIComponent(form.name.trim())}`);
  });

  // a whole land-use table for an alternative (the import template's land_area columns)
  r.post('/scenarios/land-use', requireRole(...WRITERS), singleUpload(), async (req, res) => {
    const db = dbOf(req);
    const id = positiveInt(req.body.project);
    if (!id) throw new NotFoundError({ zh: '评估项目不存在', en: 'no such project' });
    const project = await getProject(db, id);
    const set = await loadCompiledSet(db, project.set_id, project.set_version);
    const name = String(req.body.name ?? '');
    const fail = (issues: InputIssue[]) => {
      req.params.id = String(id);
      return showProject(req, res, { issues, status: 422 });
    };
    if (!req.file) return fail([{ field: 'file', message: { zh: '请选择文件', en: 'choose a file' } }]);
    const townships = (await listTownships(db)).filter((t) => project.townships.includes(t.id));
    const { landUse, issues } = await readLandUseTable(set, req.file, townships.map(townshipInfo));
    if (issues.length) return fail(issues);
    const previous = (await latestAlternatives(db, id)).find((a) => a.name === name.trim());
    try {
      await saveAlternative(
        db,
        actorOf(req.user!),
        set,
        id,
        name,
        {
          changes: previous?.spec.changes ?? [],
          edits: previous?.spec.edits,
          landUse,
        },
        `XLSX: ${req.file.originalname}`,
      );
    } catch (err) {
      if (err instanceof ValidationError) return fail([...err.issues]);
      throw err;
    }
    res.redirect(303, `/scenarios/${id}?saved=${encodeURIComponent(name.trim())}`);
  });

  r.get('/scenarios/:id/appraisal.xlsx', requireRole(...ANY_ROLE), async (req, res) => {
    const { id, tables } = await appraisalTables(req);
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(`appraisal-${id}.xlsx`)
      .send(await officialXlsx(tables, req.lang));
  });

  // the appraisal tables of every alternative, printed in the official layout (page numbers, fit to the page)
  r.get('/scenarios/:id/appraisal.pdf', requireRole(...ANY_ROLE), async (req, res) => {
    const { id, project, tables } = await appraisalTables(req);
    const en = req.lang === 'en';
    const pdf = await pdfOfView(res, 'scenarios/tables-print', {
      title: project.name,
      heading: en ? 'Project eco-product value impact appraisal' : '项目生态产品价值影响评估表',
      lines: [
        `${en ? 'Project: ' : '项目名称：'}${project.name}`,
        `${en ? 'Coefficient set: ' : '核算参数集：'}${project.set_id}@${project.set_version}`,
      ],
      tables,
    });
    res.type('application/pdf').attachment(`appraisal-${id}.pdf`).send(pdf);
  });

  r.post('/scenarios/:id/publish', requireRole(...PUBLISHERS), async (req, res) => {
    const db = dbOf(req);
    const id = positiveInt(req.params.id);
    if (!id) throw new NotFoundError({ zh: '评估项目不存在', en: 'no such project' });
    const project = await getProject(db, id);
    const { alternatives } = await appraiseProject(db, project);
    const alt = alternatives.find((a) => a.row.name === String(req.body.alt ?? ''));
    if (!alt?.appraisal)
      throw new NotFoundError({
        zh: '没有该方案或方案无法评估',
        en: 'no such alternative, or it cannot be appraised',
      });
    // the tables as computed (unrounded figures as text), the spec and the set they came from
    const snapshot = JSON.parse(
      JSON.stringify({
        project: {
          id: project.id,
          name: project.name,
          year: project.year,
          set: `${project.set_id}@${project.set_version}`,
          rate: project.rate,
          horizon: project.horizon,
          constantPriceYear: project.constant_price_year,
        },
        alternative: { name: alt.row.name, version: alt.row.version, spec: alt.row.spec },
        tables: freezeTables(alt.tables),
      }),
    );
    const b = req.body as Record<string, string>;
    const pid = await publishAppraisal(db, actorOf(req.user!), id, alt.row.id, snapshot, {
      title: String(b.title ?? ''),
      docNumber: String(b.docNumber ?? ''),
      confirmed: b.confirm === 'on',
    });
    res.redirect(303, `/scenarios/${id}/published/${pid}`);
  });

  // a published appraisal: read from its snapshot, never recomputed; the hash is checked on every read
  r.get('/scenarios/:id/published/:pid', requireRole(...ANY_ROLE), async (req, res) => {
    const id = positiveInt(req.params.id);
    const pid = positiveInt(req.params.pid);
    if (!id || !pid) throw new NotFoundError({ zh: '已发布评估表不存在', en: 'no such published appraisal' });
    const pub = await getPublication(dbOf(req), id, pid);
    const s = pub.snapshot as {
      project: { name: string; set: string; year: number };
      alternative: { name: string; version: number };
      tables: Parameters<typeof thawTables>[0];
    };
    const en = req.lang === 'en';
    const heading = en ? 'Project eco-product value impact appraisal' : '项目生态产品价值影响评估表';
    const data = {
      title: pub.title ?? heading,
      heading: pub.title ?? heading,
      lines: [
        ...(pub.doc_number ? [`${en ? 'Document number: ' : '文号：'}${pub.doc_number}`] : []),
        `${en ? 'Project: ' : '项目名称：'}${s.project.name} · ${en ? 'alternative' : '方案'} ${s.alternative.name} v${s.alternative.version}`,
        `${en ? 'Coefficient set: ' : '核算参数集：'}${s.project.set}`,
        `sha256 ${pub.content_hash}`,
      ],
      tables: thawTables(s.tables),
      publication: pub,
      intact: sha256(canonicalJson(s)) === pub.content_hash,
    };
    if (req.query.format === 'pdf') {
      const pdf = await pdfOfView(res, 'scenarios/tables-print', data);
      return res.type('application/pdf').attachment(`appraisal-${id}-published-${pid}.pdf`).send(pdf);
    }
    page(res, 'scenarios/tables-print', data);
  });

  // ---- tenure audits

  r.post('/tenure-audits', requireRole(...AUDITORS), async (req, res) => {
    const b = req.body as Record<string, string>;
    const id = await createTenureAudit(dbOf(req), actorOf(req.user!), {
      name: b.name ?? '',
      official: b.official ?? '',
      scope: b.scope ?? 'total',
      startYear: b.startYear ?? '',
      endYear: b.endYear ?? '',
      configId: b.configId || 'minhou-tenure',
    } as never);
    res.redirect(303, `/tenure-audits/${id}`);
  });

  const auditPack = async (req: Request) => {
    const db = dbOf(req);
    const id = positiveInt(req.params.id);
    if (!id) throw new NotFoundError({ zh: '任期审计不存在', en: 'no such tenure audit' });
    const row = await getTenureAudit(db, id);
    const set = await activeSet(req);
    const { profile } = await getSettings(db);
    return { row, set, profile, ...(await tenureAuditPack(db, set, profile, row)) };
  };

  const showAudit = async (
    req: Request,
    res: Response,
    extra: { issues?: InputIssue[]; status?: number; form?: Record<string, string> } = {},
  ) => {
    const pack = await auditPack(req);
    page(
      res,
      'scenarios/audit',
      {
        title: pack.row.name,
        ...pack,
        publications: await listAuditPublications(dbOf(req), pack.row.id),
        issues: extra.issues ?? [],
        form: extra.form ?? {},
      },
      extra.status,
    );
  };

  r.get('/tenure-audits/:id', requireRole(...ANY_ROLE), (req, res) => showAudit(req, res));

  // a department item's figure, entered by the audit team: the pre-filled score recomputes from it
  r.post('/tenure-audits/:id/figures', requireRole(...AUDITORS), async (req, res) => {
    const db = dbOf(req);
    const id = positiveInt(req.params.id);
    if (!id) throw new NotFoundError({ zh: '任期审计不存在', en: 'no such tenure audit' });
    const row = await getTenureAudit(db, id);
    const b = req.body as Record<string, string>;
    const figure = String(b.figure ?? '');
    try {
      await setDepartmentFigure(
        db,
        actorOf(req.user!),
        row,
        (await tenureAuditConfig(db, row)).compiled,
        figure,
        String(b.value ?? ''),
        String(b.note ?? ''),
      );
    } catch (err) {
      if (err instanceof ValidationError)
        return showAudit(req, res, {
          issues: [...err.issues],
          status: 422,
          form: { figure, value: String(b.value ?? ''), note: String(b.note ?? '') },
        });
      throw err;
    }
    res.redirect(303, `/tenure-audits/${row.id}?saved=${encodeURIComponent(figure)}#figures`);
  });

  r.post('/tenure-audits/:id/publish', requireRole(...PUBLISHERS), async (req, res) => {
    const pack = await auditPack(req);
    const b = req.body as Record<string, string>;
    const snapshot = auditSnapshot(pack.row, pack.set, pack.profile, pack);
    try {
      const pid = await publishTenureAudit(dbOf(req), actorOf(req.user!), pack.row, snapshot, {
        title: String(b.title ?? ''),
        docNumber: String(b.docNumber ?? ''),
        confirmed: b.confirm === 'on',
      });
      res.redirect(303, `/tenure-audits/${pack.row.id}/published/${pid}`);
    } catch (err) {
      if (err instanceof ValidationError)
        return showAudit(req, res, {
          issues: [...err.issues],
          status: 422,
          form: { title: String(b.title ?? ''), docNumber: String(b.docNumber ?? '') },
        });
      throw err;
    }
  });

  r.get('/tenure-audits/:id/audit.xlsx', requireRole(...ANY_ROLE), async (req, res) => {
    const pack = await auditPack(req);
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(`tenure-audit-${pack.row.id}.xlsx`)
      .send(await officialXlsx(pack.tables, req.lang));
  });

  const auditLines = (s: AuditSnapshot, lang: string) => {
    const en = lang === 'en';
    const total = s.score.total === null ? '—' : new Dec(s.score.total).toFixed(2);
    const grade = s.score.grade ? (en ? s.score.grade.en : s.score.grade.zh) : '—';
    const config = `${en ? s.config.title.en : s.config.title.zh} (${s.config.id}@${s.config.version})`;
    return en
      ? [
          `Audit: ${s.audit.name}`,
          `Official: ${s.audit.official} · ${s.scopeName.en} · tenure ${s.audit.startYear}–${s.audit.endYear}`,
          `Configuration: ${config} · coefficient set ${s.set.id}@${s.set.version}`,
          `Pre-filled score: ${total} · grade: ${grade}`,
        ]
      : [
          `审计名称：${s.audit.name}`,
          `被审计领导干部：${s.audit.official} · ${s.scopeName.zh} · 任期 ${s.audit.startYear}—${s.audit.endYear} 年`,
          `评价方案：${config} · 核算参数集 ${s.set.id}@${s.set.version}`,
          `预填得分：${total} · 等次：${grade}`,
        ];
  };

  r.get('/tenure-audits/:id/audit.pdf', requireRole(...ANY_ROLE), async (req, res) => {
    const pack = await auditPack(req);
    const s = auditSnapshot(pack.row, pack.set, pack.profile, pack);
    const pdf = await pdfOfView(res, 'scenarios/tables-print', {
      title: pack.row.name,
      heading: req.lang === 'en' ? pack.configTitle.en : pack.configTitle.zh,
      lines: auditLines(s, req.lang),
      tables: pack.tables,
    });
    res.type('application/pdf').attachment(`tenure-audit-${pack.row.id}.pdf`).send(pdf);
  });

  // a published pack: read from its snapshot, never recomputed; the hash is checked on every read
  r.get('/tenure-audits/:id/published/:pid', requireRole(...ANY_ROLE), async (req, res) => {
    const db = dbOf(req);
    const id = positiveInt(req.params.id);
    const pid = positiveInt(req.params.pid);
    if (!id || !pid)
      throw new NotFoundError({ zh: '已发布审计表不存在', en: 'no such published audit pack' });
    const pub = await getAuditPublication(db, id, pid);
    const s = pub.snapshot as AuditSnapshot;
    const data = {
      title: pub.title,
      heading: pub.title,
      lines: [
        `${req.lang === 'en' ? 'Document number: ' : '文号：'}${pub.doc_number}`,
        ...auditLines(s, req.lang),
        `sha256 ${pub.content_hash}`,
      ],
      tables: thawTables(s.tables),
      publication: pub,
      intact: sha256(canonicalJson(s)) === pub.content_hash,
    };
    if (req.query.format === 'pdf') {
      const pdf = await pdfOfView(res, 'scenarios/tables-print', data);
      return res.type('application/pdf').attachment(`tenure-audit-${id}-published-${pid}.pdf`).send(pdf);
    }
    page(res, 'scenarios/tables-print', data);
  });

  return r;
}

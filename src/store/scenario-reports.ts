/**
 * Puts the stored projects and audits together with the domain: loads the set, the baseline and the
 * alternatives, applies and appraises them; loads a tenure's approved records and builds the audit pack.
 * The routes render what this returns.
 */
import { appraise, type Appraisal } from '../domain/appraisal.js';
import { tenureAudit, type TenureAudit, type TenureAuditConfig } from '../domain/audit.js';
import type { IndicatorValue } from '../domain/assessment/index.js';
import { Dec } from '../domain/decimal.js';
import { parseBalanceSheetConfig } from '../domain/balance-sheet-config.js';
import type { InputIssue } from '../domain/inputs.js';
import type { CompiledSet } from '../domain/model.js';
import { applyScenario, changeSummary, type ScaledInput } from '../domain/scenario.js';
import type { Labels } from '../methods/schema.js';
import { AUDIT_KIND } from '../methods/audit-config.js';
import { balanceSheetConfigFor } from '../methods/balance-sheet-config.js';
import {
  appraisalTable,
  componentTable,
  landClassTable,
  tenureGepTable,
  tenureIndicatorTable,
  tenureScoreTable,
  tenureStockTable,
  type OfficialTable,
} from '../report/appraisal.js';
import { freezeTables, type FrozenTable } from '../report/official-snapshot.js';
import type { Db } from './db.js';
import { loadStoredDocument } from './documents.js';
import { ConflictError } from './errors.js';
import { getRegion, listTownships, townshipInfo } from './regions.js';
import {
  baselineOf,
  latestAlternatives,
  listDepartmentFigures,
  readRate,
  type DepartmentFigureRow,
  type AlternativeRow,
  type ProjectRow,
  type TenureAuditRow,
  tenureRecords,
} from './scenarios.js';
import { loadCompiledSet } from './sets.js';

export interface AppraisedAlternative {
  readonly row: AlternativeRow;
  /** Problems when the alternative no longer applies to today's baseline (approved data changed). */
  readonly issues: readonly InputIssue[];
  readonly appraisal?: Appraisal;
  readonly tables: readonly OfficialTable[];
  readonly changes: ReturnType<typeof changeSummary>;
  /** Inputs that followed their land classes' area (grain with cultivated land …). */
  readonly scaled: readonly ScaledInput[];
}

export async function appraiseProject(
  db: Db,
  project: ProjectRow,
): Promise<{ set: CompiledSet; alternatives: AppraisedAlternative[] }> {
  const set = await loadCompiledSet(db, project.set_id, project.set_version);
  const { records, townships } = await baselineOf(db, set, project);
  const infos = townships.map((t) => ({ ...townshipInfo(t), name: t.name_zh }));
  const alternatives = (await latestAlternatives(db, project.id)).map((row): AppraisedAlternative => {
    const changes = changeSummary(set, row.spec);
    const applied = applyScenario(set, records, row.spec, infos);
    if (applied.issues.length) return { row, issues: applied.issues, tables: [], changes, scaled: [] };
    const scaled = applied.scaled ?? [];
    const appraisal = appraise(set, records, applied.records, {
      profile: project.profile,
      constantPriceYear: project.constant_price_year,
      rate: readRate(project.rate)!,
      horizon: project.horizon,
    });
    const tables = [
      appraisalTable({
        project: project.name,
        alternative: row.name,
        version: row.version,
        year: project.year,
        appraisal,
      }),
      landClassTable(appraisal.cases.central.difference),
      componentTable(set, appraisal.cases.central.difference, scaled),
    ];
    return { row, issues: [], appraisal, tables, changes, scaled };
  });
  return { set, alternatives };
}

export interface TenureAuditPack {
  readonly audit: TenureAudit;
  readonly scopeName: Labels;
  readonly tables: readonly OfficialTable[];
  readonly configTitle: Labels;
  readonly config: TenureAuditConfig;
  /** The configuration's content hash (method_documents). */
  readonly configHash: string;
  /** What the audit team entered for department items (they replace the pre-filled figures). */
  readonly figures: readonly DepartmentFigureRow[];
}

/** The audit's configuration as stored (its latest version), with its content hash. */
export const tenureAuditConfig = (db: Db, row: TenureAuditRow) =>
  loadStoredDocument(db, AUDIT_KIND, row.config_id);

export async function tenureAuditPack(
  db: Db,
  set: CompiledSet,
  profile: string,
  row: TenureAuditRow,
): Promise<TenureAuditPack> {
  const { compiled: config, hash: configHash } = await tenureAuditConfig(db, row);
  const figures = await listDepartmentFigures(db, row.id);
  const departmentFigures = new Map<string, IndicatorValue>(
    figures.map((f) => [
      f.figure,
      {
        value: new Dec(f.value),
        provenance: {
          zh: `审计组录入（${f.entered_by_name ?? ''}）${f.note ? `：${f.note}` : ''}`,
          en: `entered by the audit team (${f.entered_by_name ?? ''})${f.note ? `: ${f.note}` : ''}`,
        },
      },
    ]),
  );
  const { raw, source } = balanceSheetConfigFor(set);
  const balanceSheet = parseBalanceSheetConfig(raw, set, source);
  const years = await tenureRecords(db, set, row.scope, row.start_year, row.end_year);
  const region = await getRegion(db);
  const township = (await listTownships(db)).find((t) => t.id === row.scope);
  const scopeName: Labels = township
    ? { zh: township.name_zh, en: township.name_en }
    : { zh: region?.name_zh ?? '全县', en: region?.name_en ?? 'County' };
  if (!years.get(row.start_year)?.length || !years.get(row.end_year)?.length)
    throw new ConflictError({
      zh: `${scopeName.zh}在 ${row.start_year} 或 ${row.end_year} 年没有已审核数据`,
      en: `${scopeName.en}: no approved data for ${row.start_year} or ${row.end_year}`,
    });
  const audit = tenureAudit({
    set,
    balanceSheet,
    config,
    profile,
    constantPriceYear: set.constantPriceYear ?? row.start_year,
    scope: { id: row.scope, labels: scopeName },
    startYear: row.start_year,
    endYear: row.end_year,
    years,
    departmentFigures,
  });
  return {
    audit,
    scopeName,
    tables: [
      tenureStockTable(audit, scopeName),
      tenureGepTable(audit),
      tenureIndicatorTable(audit),
      tenureScoreTable(audit),
    ],
    configTitle: config.title,
    config,
    configHash,
    figures,
  };
}

/** What a published audit pack keeps: the tables as computed and every version and figure they came from. */
export interface AuditSnapshot {
  readonly format: 'gep-ledger/tenure-audit-pack@1';
  readonly audit: {
    id: number;
    name: string;
    official: string;
    scope: string;
    startYear: number;
    endYear: number;
  };
  readonly scopeName: Labels;
  readonly config: { id: string; version: string; hash: string; title: Labels };
  readonly set: { id: string; version: string; hash: string };
  readonly profile: string;
  readonly constantPriceYear: number;
  readonly score: { total: string | null; grade: Labels | null; missing: string[] };
  readonly departmentFigures: ReadonlyArray<{
    figure: string;
    value: string;
    note: string;
    by: string | null;
  }>;
  readonly tables: FrozenTable[];
}

export function auditSnapshot(
  row: TenureAuditRow,
  set: CompiledSet,
  profile: string,
  pack: TenureAuditPack,
): AuditSnapshot {
  const t = pack.audit.score.townships[0];
  return {
    format: 'gep-ledger/tenure-audit-pack@1',
    audit: {
      id: row.id,
      name: row.name,
      official: row.official,
      scope: row.scope,
      startYear: row.start_year,
      endYear: row.end_year,
    },
    scopeName: pack.scopeName,
    config: {
      id: pack.config.id,
      version: pack.config.version,
      hash: pack.configHash,
      title: pack.configTitle,
    },
    set: { id: set.id, version: set.version, hash: set.hash },
    profile,
    constantPriceYear: pack.audit.constantPriceYear,
    score: {
      total: t?.total?.toString() ?? null,
      grade: t?.grade ? { zh: t.grade.zh, en: t.grade.en } : null,
      missing: [...(t?.missing ?? [])],
    },
    departmentFigures: pack.figures.map((f) => ({
      figure: f.figure,
      value: f.value,
      note: f.note,
      by: f.entered_by_name,
    })),
    tables: freezeTables(pack.tables),
  };
}

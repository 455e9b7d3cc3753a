import { checkTransition, type TransitionMatrix } from '../domain/transitions.js';
import { Dec } from '../domain/decimal.js';
import type { InputIssue } from '../domain/inputs.js';
import type { CompiledSet } from '../domain/model.js';
import { recordEvent, type Actor } from './audit.js';
import type { Db } from './db.js';
import { ConflictError, ForbiddenError, ValidationError } from './errors.js';
import { townshipLabel } from './regions.js';
import { getRecord } from './survey.js';

export interface TransitionRow {
  township_id: string;
  from_year: number;
  to_year: number;
  unit: string;
  matrix: Record<string, Record<string, string>>;
  version: number;
  updated_at: Date;
}

export async function listTransitions(db: Db, township?: string): Promise<TransitionRow[]> {
  return db.query<TransitionRow>(
    `select * from transitions ${township ? 'where township_id = $1' : ''} order by township_id, from_year`,
    township ? [township] : [],
  );
}

const landArea = async (db: Db, township: string, year: number): Promise<Map<string, Dec> | undefined> => {
  const row = await getRecord(db, township, year);
  const area = row?.values.land_area;
  if (!area || typeof area === 'string') return undefined;
  return new Map(Object.entries(area).map(([c, v]) => [c, new Dec(v)]));
};

/** Checks a matrix against the stored land-use areas of its two years: rows = opening, columns = closing. */
export async function validateTransition(
  db: Db,
  set: CompiledSet,
  t: TransitionMatrix,
): Promise<InputIssue[]> {
  const at = { township: t.township, year: `${t.fromYear}→${t.toYear}` };
  if (!(t.toYear > t.fromYear))
    return [
      {
        ...at,
        field: 'toYear',
        message: { zh: '期末年份须晚于期初年份', en: 'the closing year must follow the opening year' },
      },
    ];
  const opening = await landArea(db, t.township, t.fromYear);
  const closing = await landArea(db, t.township, t.toYear);
  const missing: InputIssue[] = [];
  if (!opening)
    missing.push({
      ...at,
      field: 'fromYear',
      message: { zh: `缺少 ${t.fromYear} 年土地利用面积`, en: `no land-use areas for ${t.fromYear}` },
    });
  if (!closing)
    missing.push({
      ...at,
      field: 'toYear',
      message: { zh: `缺少 ${t.toYear} 年土地利用面积`, en: `no land-use areas for ${t.toYear}` },
    });
  if (missing.length) return missing;
  return checkTransition(
    t,
    set.landClasses.map((c) => c.id),
    opening!,
    closing!,
  ).issues;
}

/** Saves checked matrices with their audit events in one transaction. */
export async function saveTransitions(
  db: Db,
  actor: Actor,
  set: CompiledSet,
  matrices: readonly { matrix: TransitionMatrix; expectedVersion?: number | null }[],
): Promise<void> {
  if (actor.role !== 'editor' && actor.role !== 'admin' && actor.role !== 'system')
    throw new ForbiddenError({
      zh: '只有填报员或管理员可以录入数据',
      en: 'only editors and admins enter data',
    });
  await db.transaction(async (tx) => {
    const issues: InputIssue[] = [];
    for (const m of matrices) issues.push(...(await validateTransition(tx, set, m.matrix)));
    if (issues.length) throw new ValidationError(issues);
    // a matrix between two approved years is part of the approved accounts: it changes only after a reopen
    if (actor.role !== 'system')
      for (const { matrix: t } of matrices) {
        const [a, b] = [
          await getRecord(tx, t.township, t.fromYear),
          await getRecord(tx, t.township, t.toYear),
        ];
        const name =
          a?.status === 'approved' && b?.status === 'approved' && (await townshipLabel(tx, t.township));
        if (name)
          throw new ConflictError({
            zh: `${name.zh} ${t.fromYear} 与 ${t.toYear} 年数据均已审核，转移矩阵已锁定；须先重新打开其中一年`,
            en: `${name.en}: ${t.fromYear} and ${t.toYear} are both approved, so the matrix is locked; reopen one of the years first`,
          });
      }
    for (const { matrix: t, expectedVersion } of matrices) {
      const [old] = await tx.query<TransitionRow>(
        'select * from transitions where township_id = $1 and from_year = $2 and to_year = $3 for update',
        [t.township, t.fromYear, t.toYear],
      );
      if (expectedVersion !== undefined && (old?.version ?? null) !== expectedVersion)
        throw new ConflictError({
          zh: '转移矩阵已被他人修改；请重新载入，您的修改未保存',
          en: 'the transition matrix was changed by someone else; reload: your changes were not saved',
        });
      const matrix = Object.fromEntries(
        Object.entries(t.matrix).map(([f, row]) => [
          f,
          Object.fromEntries(Object.entries(row).map(([to, v]) => [to, String(v)])),
        ]),
      );
      const params = [t.township, t.fromYear, t.toYear, t.unit, JSON.stringify(matrix), actor.id];
      const written = old
        ? await tx.query(
            `update transitions set unit = $4, matrix = $5, updated_by = $6, updated_at = now(), version = version + 1
             where township_id = $1 and from_year = $2 and to_year = $3 returning version`,
            params,
          )
        : await tx.query(
            `insert into transitions (township_id, from_year, to_year, unit, matrix, updated_by) values ($1, $2, $3, $4, $5, $6)
             on conflict (township_id, from_year, to_year) do nothing returning version`,
            params,
          );
      if (!written.length)
        throw new ConflictError({
          zh: '转移矩阵刚被他人创建；请重新载入，您的修改未保存',
          en: 'the transition matrix was just created by someone else; reload: your changes were not saved',
        });
      await recordEvent(tx, actor, {
        action: old ? 'update' : 'create',
        entity: 'transition',
        entityKey: `${t.township}/${t.fromYear}-${t.toYear}`,
        township: t.township,
        year: t.toYear,
        oldValue: old ? { unit: old.unit, matrix: old.matrix } : undefined,
        newValue: { unit: t.unit, matrix },
      });
    }
  });
}

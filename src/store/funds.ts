/** Funds (资金) with their allocation documents; a fund document is validated before it is stored. */
import { compileFund, type CompiledFund } from '../methods/funds.js';
import { canonicalJson, sha256 } from '../methods/resolve.js';
import { recordEvent, type Actor } from './audit.js';
import type { Db } from './db.js';
import { ForbiddenError, NotFoundError } from './errors.js';
import { listTownships } from './regions.js';

export interface FundRow {
  id: number;
  name_zh: string;
  name_en: string;
  year: number;
  document: unknown;
  content_hash: string;
  sample: boolean;
}

export async function listFunds(db: Db): Promise<FundRow[]> {
  return db.query<FundRow>(
    'select id, name_zh, name_en, year, document, content_hash, sample from funds order by year desc, id',
  );
}

export async function townshipNames(db: Db) {
  return new Map((await listTownships(db)).map((t) => [t.id, { zh: t.name_zh, en: t.name_en }]));
}

export async function getFund(db: Db, id: number): Promise<{ row: FundRow; compiled: CompiledFund }> {
  const [row] = await db.query<FundRow>('select * from funds where id = $1', [id]);
  if (!row) throw new NotFoundError({ zh: `资金 ${id} 不存在`, en: `no fund ${id}` });
  return { row, compiled: compileFund(row.document, await townshipNames(db)) };
}

/** Adds a fund (admin, or the sample seed): the document is validated first, every problem at once. */
export async function createFund(db: Db, actor: Actor, document: unknown, sample = false): Promise<number> {
  if (actor.role !== 'admin' && actor.role !== 'system')
    throw new ForbiddenError({ zh: '只有管理员可以设立资金', en: 'only admins create funds' });
  const compiled = compileFund(document, await townshipNames(db));
  const hash = sha256(canonicalJson(compiled.file));
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      `insert into funds (name_zh, name_en, year, document, content_hash, sample, created_by)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [
        compiled.fund.name.zh,
        compiled.fund.name.en,
        compiled.fund.year,
        JSON.stringify(compiled.file),
        hash,
        sample,
        actor.id,
      ],
    );
    await recordEvent(tx, actor, {
      action: 'create',
      entity: 'fund',
      entityKey: String(row!.id),
      year: compiled.fund.year,
      newValue: {
        name: compiled.fund.name.zh,
        amount: compiled.fund.amount.toString(),
        rule: compiled.fund.rule.kind,
        hash,
      },
    });
    return row!.id;
  });
}

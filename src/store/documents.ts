/**
 * Method documents (assessment schemes …) in the database: loaded from the coefficients folder at boot;
 * a new version is added, a draft follows its file, a published version that differs from its file is
 * refused (the database copy is kept). Reports read the stored content, so a published result always
 * names a version that cannot change.
 */
import {
  compileDocument,
  listDocuments,
  readDocument,
  type DocumentHead,
  type DocumentKind,
} from '../methods/documents.js';
import { recordEvent, SYSTEM_ACTOR } from './audit.js';
import type { Db } from './db.js';
import { NotFoundError } from './errors.js';

export async function syncDocumentsFromFolder<F extends DocumentHead, T>(
  db: Db,
  dir: string,
  kind: DocumentKind<F, T>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const [id, versions] of listDocuments(dir, kind.folder))
    for (const version of versions) {
      const doc = readDocument(kind, dir, id, version);
      const [row] = await db.query<{ status: string; content_hash: string }>(
        'select status, content_hash from method_documents where kind = $1 and id = $2 and version = $3',
        [kind.folder, id, version],
      );
      const key = `${kind.folder}/${id}@${version}`;
      if (!row) {
        await db.query(
          `insert into method_documents (kind, id, version, status, content, content_hash, origin, published_at)
           values ($1, $2, $3, $4, $5, $6, 'file', case when $4 = 'published' then now() end)`,
          [kind.folder, id, version, doc.file.status, JSON.stringify(doc.file), doc.hash],
        );
        await recordEvent(db, SYSTEM_ACTOR, {
          action: 'load',
          entity: 'method_document',
          entityKey: key,
          newValue: { status: doc.file.status, hash: doc.hash },
          note: doc.display,
        });
      } else if (row.content_hash !== doc.hash) {
        if (row.status === 'published')
          problems.push(
            `${doc.display}: ${key} is published and differs from its file; the database copy is kept (make a new version)`,
          );
        else {
          await db.query(
            'update method_documents set content = $4, content_hash = $5, status = $6 where kind = $1 and id = $2 and version = $3',
            [kind.folder, id, version, JSON.stringify(doc.file), doc.hash, doc.file.status],
          );
          await recordEvent(db, SYSTEM_ACTOR, {
            action: 'reload',
            entity: 'method_document',
            entityKey: key,
            oldValue: { hash: row.content_hash },
            newValue: { hash: doc.hash },
            note: doc.display,
          });
        }
      }
    }
  return problems;
}

export interface DocumentRow {
  id: string;
  version: string;
  status: 'draft' | 'published';
  content_hash: string;
}

export async function listDocumentRows(db: Db, folder: string): Promise<DocumentRow[]> {
  return db.query<DocumentRow>(
    `select id, version, status, content_hash from method_documents where kind = $1
     order by id, string_to_array(version, '.')::int[]`,
    [folder],
  );
}

const compiledCache = new Map<string, unknown>();

/** The compiled document as stored (the latest version when none is named), cached by content hash. */
export async function loadStoredDocument<F extends DocumentHead, T>(
  db: Db,
  kind: DocumentKind<F, T>,
  id: string,
  version?: string,
): Promise<{ compiled: T; file: F; hash: string }> {
  const rows = await db.query<{ version: string; content: unknown; content_hash: string }>(
    `select version, content, content_hash from method_documents where kind = $1 and id = $2
     order by string_to_array(version, '.')::int[] desc`,
    [kind.folder, id],
  );
  const row = version ? rows.find((r) => r.version === version) : rows[0];
  if (!row)
    throw new NotFoundError({
      zh: `方案 ${id}${version ? `@${version}` : ''} 不存在`,
      en: `no document ${id}${version ? `@${version}` : ''}`,
    });
  const hit = compiledCache.get(row.content_hash) as { compiled: T; file: F; hash: string } | undefined;
  if (hit) return hit;
  const doc = compileDocument(kind, row.content, `db:${kind.folder}/${id}@${row.version}`);
  const out = { compiled: doc.compiled, file: doc.file, hash: doc.hash };
  compiledCache.set(row.content_hash, out);
  return out;
}

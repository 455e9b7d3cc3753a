/**
 * Versioned method documents other than coefficient sets (assessment schemes, fund rules …): one
 * mechanism for "a YAML document with a schema, an id and a version, validated at load with every error at
 * once, content-hashed". Each kind gives only its folder, its zod schema and its compile step; the files
 * live at coefficients/<folder>/<id>/<version>.yaml. Immutability once published is enforced by the
 * store (src/store/documents.ts): a published version stored in the database never changes.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { SetLoadError, type SetIssue } from './compile.js';
import { canonicalJson, readablePath, sha256 } from './resolve.js';

export interface DocumentHead {
  readonly id: string;
  readonly version: string;
  readonly status: 'draft' | 'published';
}

export interface DocumentKind<F extends DocumentHead, T> {
  /** Folder under coefficients/, and the kind's name in the database. */
  readonly folder: string;
  readonly schema: z.ZodType<F>;
  /** Semantic checks and compilation; pushes every problem to `issues` and returns undefined when any. */
  readonly compile: (file: F, hash: string, issue: (path: string, message: string) => void) => T | undefined;
}

export interface LoadedDocument<F, T> {
  readonly file: F;
  readonly compiled: T;
  readonly hash: string;
  readonly display: string;
}

/** sha256 of the canonical JSON of a document, its status left out (publishing does not change it). */
export const documentHash = (data: unknown): string =>
  sha256(canonicalJson({ ...(data as Record<string, unknown>), status: undefined }));

const VERSION_FILE = /^\d+\.\d+\.\d+\.ya?ml$/;
const byVersion = (a: string, b: string) => {
  const [pa, pb] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
};

/** id → versions (oldest first) of one kind's folder. */
export function listDocuments(dir: string, folder: string): Map<string, string[]> {
  const root = join(dir, folder);
  const found = new Map<string, string[]>();
  if (!existsSync(root)) return found;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const versions = readdirSync(join(root, entry.name))
      .filter((f) => VERSION_FILE.test(f))
      .map((f) => f.replace(/\.ya?ml$/, ''))
      .sort(byVersion);
    if (versions.length) found.set(entry.name, versions);
  }
  return found;
}

/** Validates and compiles parsed content; throws SetLoadError with every problem. */
export function compileDocument<F extends DocumentHead, T>(
  kind: DocumentKind<F, T>,
  raw: unknown,
  display: string,
): LoadedDocument<F, T> {
  const parsed = kind.schema.safeParse(raw);
  if (!parsed.success)
    throw new SetLoadError(
      parsed.error.issues.map((i) => ({
        file: display,
        path: readablePath(raw, i.path),
        message: i.message,
      })),
    );
  const issues: SetIssue[] = [];
  const hash = documentHash(parsed.data);
  const compiled = kind.compile(parsed.data, hash, (path, message) =>
    issues.push({ file: display, path, message }),
  );
  if (issues.length || compiled === undefined) throw new SetLoadError(issues);
  return { file: parsed.data, compiled, hash, display };
}

/** Reads one file; a YAML syntax error or a file at the wrong id/version is a problem like any other. */
export function readDocument<F extends DocumentHead, T>(
  kind: DocumentKind<F, T>,
  dir: string,
  id: string,
  version: string,
): LoadedDocument<F, T> {
  const yml = join(dir, kind.folder, id, `${version}.yml`);
  const path = existsSync(yml) ? yml : join(dir, kind.folder, id, `${version}.yaml`);
  const display = relative(process.cwd(), path) || path;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    const where = e instanceof YAMLParseError ? `line ${e.linePos?.[0]?.line ?? '?'}` : '(file)';
    throw new SetLoadError([{ file: display, path: where, message: (e as Error).message.split('\n')[0]! }]);
  }
  const doc = compileDocument(kind, raw, display);
  if (doc.file.id !== id || doc.file.version !== version)
    throw new SetLoadError([
      {
        file: display,
        path: 'id',
        message: `the file declares ${doc.file.id}@${doc.file.version} but lives at ${id}@${version}`,
      },
    ]);
  return doc;
}

/** Every version of every document of a kind; the problems of all files are reported together. */
export function loadDocuments<F extends DocumentHead, T>(
  kind: DocumentKind<F, T>,
  dir: string,
): LoadedDocument<F, T>[] {
  const docs: LoadedDocument<F, T>[] = [];
  const issues: SetIssue[] = [];
  for (const [id, versions] of listDocuments(dir, kind.folder))
    for (const version of versions) {
      try {
        docs.push(readDocument(kind, dir, id, version));
      } catch (e) {
        if (e instanceof SetLoadError) issues.push(...e.issues);
        else throw e;
      }
    }
  if (issues.length) throw new SetLoadError(issues);
  return docs;
}

/**
 * A lean streaming reader of the first worksheet of an XLSX file: yauzl for the ZIP (inflated by node's zlib),
 * saxes for the XML; what is ours is the thin OOXML reading of it. The cell values are those exceljs's streaming
 * reader (styles ignored) gives, so that a table reads the same: a number → a JS number (parseFloat of the `<v>`
 * text), a shared or inline string → a string, a rich-text shared string → { richText: [{ text }] }, a boolean →
 * true/false, an error → { error: '#N/A' }, a formula → { formula, result? } (for the caller to refuse).
 *
 * Where exceljs loses text it is not followed: the phonetic reading (`<rPh>`) of a string is ignored instead of
 * replacing the string, an inline string's runs are all kept, a string's text is decoded once (exceljs decodes
 * `&amp;lt;` twice, to `<`), text split between inflated chunks keeps its multi-byte characters, a `t="d"` cell
 * is its ISO date (exceljs gives parseFloat of it: 2024 for 2024-05-01), and the first sheet is the workbook's
 * first (tab order), not the first sheet part in the ZIP.
 *
 * Memory: the shared strings are held (as exceljs's sharedStrings: 'cache'); the sheet is read an inflated chunk at
 * a time and the rows read from each chunk are handed on at once, so memory does not grow with the rows (reading a
 * 10,000-row, 28 MB sheet peaks at ≈ 15 MB of heap, as does a 1,000-row one).
 */
import { StringDecoder } from 'node:string_decoder';
import { posix } from 'node:path';
import yauzl from 'yauzl';
import { SaxesParser, type SaxesTagPlain } from 'saxes';

/** One row of the sheet: its number and its cells with a value (column numbers from 1), in the file's order. */
export interface SheetRow {
  number: number;
  cols: number[];
  values: unknown[];
}

export interface FirstSheet {
  name: string;
  /** The rows, a batch at a time (those of one inflated chunk of the sheet's XML). */
  rows: AsyncGenerator<SheetRow[], void, undefined>;
}

/** A shared string as exceljs caches it: text, rich text, or null for an empty one. */
type SharedString = string | { richText: { text: string }[] } | null;

const REL_TYPE_END = {
  officeDocument: '/officeDocument',
  worksheet: '/worksheet',
  sharedStrings: '/sharedStrings',
};

/** An element's name without its namespace prefix (`x:row` → `row`). */
const local = (name: string) => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

/** The value of a prefixed attribute by its local name, whatever the prefix (`r:id`). */
function prefixedAttribute(tag: SaxesTagPlain, name: string): string | undefined {
  for (const k in tag.attributes) if (k.endsWith(`:${name}`)) return tag.attributes[k];
  return undefined;
}

/** The column number (A = 1) of a cell reference like `AB12`; 0 when it has no letters. */
function columnOf(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 0x20; // lower case
    if (c < 97 || c > 122) break;
    n = n * 26 + (c - 96);
  }
  return n;
}

/** The chunks of a part as text, decoded across chunk boundaries. */
async function* partText(zip: yauzl.ZipFile, entry: yauzl.Entry): AsyncGenerator<string> {
  const stream = await zip.openReadStreamPromise(entry);
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield decoder.write(chunk);
    const rest = decoder.end();
    if (rest) yield rest;
  } finally {
    stream.destroy();
  }
}

/** An error reading a part, naming the part (e.g. `xl/worksheets/sheet1.xml: unclosed tag: row`). */
const inPart = (entry: yauzl.Entry, e: unknown) =>
  new Error(`${entry.fileName}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });

function xmlParser(
  open: (tag: SaxesTagPlain) => void,
  text: (t: string) => void,
  close: (tag: SaxesTagPlain) => void,
): SaxesParser<{ position: false; xmlns: false }> {
  const parser = new SaxesParser({ position: false, xmlns: false });
  parser.on('opentag', open);
  parser.on('text', text);
  parser.on('cdata', text);
  parser.on('closetag', close);
  return parser;
}

/** Parses a whole (small) part. */
async function parsePart(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  open: (tag: SaxesTagPlain) => void,
  text: (t: string) => void = () => {},
  close: (tag: SaxesTagPlain) => void = () => {},
): Promise<void> {
  const parser = xmlParser(open, text, close);
  try {
    for await (const chunk of partText(zip, entry)) parser.write(chunk);
    parser.close();
  } catch (e) {
    throw inPart(entry, e);
  }
}

/** A part's relationships: id → type and target part (resolved against the part's folder). */
async function relationships(
  zip: yauzl.ZipFile,
  entries: ReadonlyMap<string, yauzl.Entry>,
  part: string,
): Promise<Map<string, { type: string; target: string }>> {
  const dir = posix.dirname(part);
  const relsPath = posix.join(dir === '.' ? '' : dir, '_rels', `${posix.basename(part)}.rels`);
  const rels = new Map<string, { type: string; target: string }>();
  const entry = entries.get(relsPath);
  if (!entry) return rels;
  await parsePart(zip, entry, (tag) => {
    if (local(tag.name) !== 'Relationship') return;
    const { Id: id, Type: type = '', Target: target, TargetMode: mode } = tag.attributes;
    if (!id || !target || mode === 'External') return;
    const path = target.startsWith('/') ? target.slice(1) : posix.join(dir === '.' ? '' : dir, target);
    rels.set(id, { type, target: posix.normalize(path) });
  });
  return rels;
}

/** The shared strings, as exceljs caches them (a string, a rich text, or null when empty). */
async function sharedStrings(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<SharedString[]> {
  const strings: SharedString[] = [];
  let runs: { text: string }[] = [];
  let text = '';
  let inT = false;
  let inPhonetic = false;
  let run: { text: string } | undefined;
  await parsePart(
    zip,
    entry,
    (tag) => {
      switch (local(tag.name)) {
        case 'si':
          runs = [];
          text = '';
          break;
        case 'r':
          run = { text: '' };
          break;
        case 'rPh':
          inPhonetic = true;
          break;
        case 't':
          inT = !inPhonetic;
          break;
      }
    },
    (t) => {
      if (!inT) return;
      if (run) run.text += t;
      else text += t;
    },
    (tag) => {
      switch (local(tag.name)) {
        case 't':
          inT = false;
          break;
        case 'rPh':
          inPhonetic = false;
          break;
        case 'r':
          if (run) runs.push(run);
          run = undefined;
          break;
        case 'si':
          strings.push(runs.length ? { richText: runs } : text === '' ? null : text);
          break;
      }
    },
  );
  return strings;
}

/** A `t="d"` cell: its ISO 8601 date-time (UTC unless it says otherwise); the text itself when it is not one. */
function isoDate(text: string): Date | string {
  const zoned = /(?:[zZ]|[+-]\d\d:?\d\d)$/.test(text) || !text.includes('T');
  const d = new Date(zoned ? text : `${text}Z`);
  return Number.isNaN(d.getTime()) ? text : d;
}

/** The value of a cell from its type and text, as exceljs gives it; undefined for no value. */
function cellValue(type: string, text: string, shared: readonly SharedString[]): unknown {
  switch (type) {
    case 's':
      return shared[parseInt(text, 10)] ?? undefined;
    case 'str':
    case 'inlineStr':
      return text;
    case 'e':
      return { error: text };
    case 'b':
      return parseInt(text, 10) !== 0;
    case 'd':
      return isoDate(text);
    default:
      return parseFloat(text);
  }
}

/** The rows of a worksheet part, a chunk of XML at a time. */
async function* sheetRows(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  shared: readonly SharedString[],
): AsyncGenerator<SheetRow[], void, undefined> {
  let done: SheetRow[] = [];
  let inSheetData = false;
  let row: SheetRow | undefined;
  let rowNumber = 0;
  // the cell being read
  let col = 0;
  let inCell = false;
  let type = 'n';
  let hasValue = false;
  let value = '';
  let formula: string | undefined;
  // what text goes where: 1 the value (<v>, or an inline string's <t> outside its phonetic <rPh>), 2 the formula
  let capture = 0;
  let inPhonetic = false;
  // element names are compared as written; a prefixed one (x:row) again by its local name
  const open = (tag: SaxesTagPlain, name = tag.name): void => {
    switch (name) {
      case 'sheetData':
        inSheetData = true;
        break;
      case 'row': {
        if (!inSheetData) break;
        const r = parseInt(tag.attributes.r ?? '', 10);
        rowNumber = r > 0 ? r : rowNumber + 1;
        row = { number: rowNumber, cols: [], values: [] };
        col = 0;
        break;
      }
      case 'c': {
        if (!row) break;
        const ref = tag.attributes.r;
        const c = ref ? columnOf(ref) : 0;
        col = c > 0 ? c : col + 1;
        type = tag.attributes.t ?? 'n';
        inCell = true;
        hasValue = false;
        value = '';
        formula = undefined;
        break;
      }
      case 'v':
        if (!inCell) break;
        hasValue = true;
        value = '';
        capture = 1;
        break;
      case 'is':
        if (!inCell) break;
        hasValue = true;
        value = '';
        break;
      case 't':
        if (inCell && !inPhonetic) capture = 1;
        break;
      case 'rPh':
        inPhonetic = true;
        break;
      case 'f':
        if (!inCell) break;
        formula = '';
        capture = 2;
        break;
      default:
        if (name.includes(':')) open(tag, local(name));
    }
  };
  const text = (t: string): void => {
    if (capture === 1) value += t;
    else if (capture === 2) formula += t;
  };
  const close = (tag: SaxesTagPlain, name = tag.name): void => {
    switch (name) {
      case 'v':
      case 't':
      case 'f':
        capture = 0;
        break;
      case 'rPh':
        inPhonetic = false;
        break;
      case 'c': {
        if (!inCell || !row) break;
        inCell = false;
        capture = 0;
        let v: unknown;
        if (formula !== undefined)
          v = hasValue ? { formula, result: type === 'str' ? value : parseFloat(value) } : { formula };
        else if (hasValue) v = cellValue(type, value, shared);
        if (v !== undefined && v !== null) {
          row.cols.push(col);
          row.values.push(v);
        }
        break;
      }
      case 'row':
        if (!row) break;
        done.push(row);
        row = undefined;
        break;
      case 'sheetData':
        inSheetData = false;
        break;
      default:
        if (name.includes(':')) close(tag, local(name));
    }
  };
  const parser = xmlParser(open, text, close);
  try {
    for await (const chunk of partText(zip, entry)) {
      parser.write(chunk);
      if (!done.length) continue;
      const rows = done;
      done = [];
      yield rows;
    }
    parser.close();
    if (done.length) yield done;
  } catch (e) {
    throw inPart(entry, e);
  } finally {
    zip.close();
  }
}

/**
 * Opens an XLSX held in memory and finds its first worksheet (in the workbook's tab order) and its name;
 * undefined when it has none. Throws when the file is not a ZIP or its XML is not well formed.
 */
export async function openFirstSheet(buf: Buffer): Promise<FirstSheet | undefined> {
  const zip = await yauzl.fromBufferPromise(buf, { lazyEntries: true, autoClose: false });
  try {
    const entries = new Map<string, yauzl.Entry>();
    for await (const e of zip.eachEntry()) entries.set(e.fileName, e);
    const pkg = await relationships(zip, entries, '');
    const main =
      [...pkg.values()].find((r) => r.type.endsWith(REL_TYPE_END.officeDocument))?.target ??
      'xl/workbook.xml';
    const book = entries.get(main);
    if (!book) {
      zip.close();
      return undefined;
    }
    const rels = await relationships(zip, entries, main);
    let first: { name: string; part: yauzl.Entry } | undefined;
    await parsePart(zip, book, (tag) => {
      if (first || local(tag.name) !== 'sheet') return;
      const rel = rels.get(prefixedAttribute(tag, 'id') ?? '');
      const part = rel && rel.type.endsWith(REL_TYPE_END.worksheet) ? entries.get(rel.target) : undefined;
      if (part) first = { name: tag.attributes.name ?? '', part };
    });
    if (!first) {
      zip.close();
      return undefined;
    }
    const sst = [...rels.values()].find((r) => r.type.endsWith(REL_TYPE_END.sharedStrings));
    const sstEntry = sst ? entries.get(sst.target) : undefined;
    const shared = sstEntry ? await sharedStrings(zip, sstEntry) : [];
    return { name: first.name, rows: sheetRows(zip, first.part, shared) };
  } catch (e) {
    zip.close();
    throw e;
  }
}

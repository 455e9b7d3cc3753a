/**
 * The first sheet of a large XLSX read on a worker thread (xlsx-worker.ts), as openFirstSheet reads it: the same
 * name, rows and errors. Reading the XML is the larger part of an upload's work in this process; on a thread of
 * its own it runs while this one checks the rows read so far and talks to the database (the embedded database
 * runs on this thread too), and its garbage is collected there. The rows come over in batches, at most
 * READ_AHEAD batches ahead of the reader, so memory does not grow with the file.
 */
import { Worker } from 'node:worker_threads';
import type { FirstSheet, SheetRow } from './xlsx-sheet.js';

/** From this size on, an XLSX upload's sheet is read on a thread of its own (below it, starting one costs more). */
export const XLSX_THREAD_BYTES = 256 * 1024;
/**
 * The cells (of rows read whole) a batch of rows holds at least: ≈ 200 rows of a template's 80 value columns. One
 * inflated chunk of XML holds only ≈ 5 such rows, and a batch per chunk kept the thread in step with the reader.
 */
export const BATCH_CELLS = 16_384;
/**
 * Batches the thread may read ahead of the reader: ≈ 1,600 rows of 80 columns, more than an upload hands on to be
 * planned and staged at a time (HAND_ON_ROWS, 1,000), so the thread reads on while the reader works (and memory
 * stays bounded).
 */
export const READ_AHEAD = 8;
/** Sheets read on threads at once; more uploads at the same time are read in this thread. */
export const MAX_SHEET_THREADS = 2;
/** A thread whose reader has not asked for more rows for this long gives up (the reader was abandoned). */
export const SHEET_THREAD_IDLE_MS = 60_000;

/**
 * The thread's young generation, in MB (V8's default is larger): the thread and this one now allocate at the same
 * time, and their peaks add up. Measured with `npm run bench:import`, alternated: the import's peak RSS (the
 * kernel's) 473–496 MB with 8, 497–510 MB with the default, in no more time.
 */
const SHEET_THREAD_YOUNG_MB = 8;

let threads = 0;
/** Sheet threads running now. */
export const sheetThreadsRunning = () => threads;

/** Whether an XLSX of this size is read on a thread of its own now. */
export const readsOnThread = (bytes: number) => bytes >= XLSX_THREAD_BYTES && threads < MAX_SHEET_THREADS;

export type SheetMessage =
  | { kind: 'sheet'; name: string }
  | { kind: 'none' }
  | { kind: 'rows'; rows: SheetRow[] }
  | { kind: 'end' }
  | { kind: 'error'; message: string };

/** The worker, from the build (dist/, as npm start runs) or from the sources through tsx (tests, CLI). */
function startWorker(file: Uint8Array, idleMs: number, batchCells: number): Worker {
  // no flags of this process (e.g. node -e's) carried over: the thread needs none
  const options = {
    workerData: { file, idleMs, batchCells },
    transferList: [file.buffer as ArrayBuffer],
    resourceLimits: { maxYoungGenerationSizeMb: SHEET_THREAD_YOUNG_MB },
    execArgv: [],
  };
  if (import.meta.url.endsWith('.js'))
    return new Worker(new URL('./xlsx-worker.js', import.meta.url), options);
  const source = new URL('./xlsx-worker.ts', import.meta.url).href;
  // tsx found from here, whatever the working folder
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(
    `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); })`,
    { ...options, eval: true },
  );
}

export async function openFirstSheetOnThread(
  buf: Buffer,
  idleMs = SHEET_THREAD_IDLE_MS,
  batchCells = BATCH_CELLS,
): Promise<FirstSheet | undefined> {
  // a copy of the file, handed over whole to the thread
  const worker = startWorker(new Uint8Array(buf), idleMs, batchCells);
  worker.unref();
  threads++;
  const queue: SheetMessage[] = [];
  let wake = () => {};
  const arrive = (m: SheetMessage) => {
    queue.push(m);
    wake();
  };
  worker.on('message', arrive);
  worker.on('error', (e) => arrive({ kind: 'error', message: e.message }));
  // an exit before the end (the reader ended it, or it gave up waiting) is an error to a reader still reading
  worker.once('exit', () => {
    threads--;
    arrive({ kind: 'error', message: 'the workbook reader stopped' });
  });
  const next = async (): Promise<SheetMessage> => {
    while (!queue.length) await new Promise<void>((resolve) => (wake = resolve));
    return queue.shift()!;
  };
  const first = await next();
  if (first.kind !== 'sheet') {
    await worker.terminate();
    if (first.kind === 'error') throw new Error(first.message);
    return undefined;
  }
  async function* rows(): AsyncGenerator<SheetRow[], void, undefined> {
    try {
      for (;;) {
        const m = await next();
        if (m.kind === 'end') return;
        if (m.kind === 'error') throw new Error(m.message);
        if (m.kind !== 'rows') throw new Error(`the workbook reader sent ${m.kind}`);
        worker.postMessage('more');
        yield m.rows;
      }
    } finally {
      await worker.terminate();
    }
  }
  return { name: first.name, rows: rows() };
}

/**
 * The worker thread of xlsx-thread.ts: reads the first sheet of the XLSX it is given (openFirstSheet) and posts
 * its name, then its rows in batches of at least batchCells cells, at most READ_AHEAD batches ahead of what the
 * reader has taken, then the end; or the error that stopped it. Left waiting idleMs for its reader, it ends itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openFirstSheet, type SheetRow } from './xlsx-sheet.js';
import { READ_AHEAD, type SheetMessage } from './xlsx-thread.js';

const port = parentPort!;
const { file, idleMs, batchCells } = workerData as { file: Uint8Array; idleMs: number; batchCells: number };
const post = (m: SheetMessage) => port.postMessage(m);
let credit = READ_AHEAD;
let wake = () => {};
port.on('message', () => {
  credit++;
  wake();
});
try {
  const sheet = await openFirstSheet(Buffer.from(file));
  if (!sheet) post({ kind: 'none' });
  else {
    post({ kind: 'sheet', name: sheet.name });
    let batch: SheetRow[] = [];
    let cells = 0;
    const send = async () => {
      while (credit === 0) {
        const idle = setTimeout(() => process.exit(0), idleMs);
        await new Promise<void>((resolve) => (wake = resolve));
        clearTimeout(idle);
      }
      credit--;
      post({ kind: 'rows', rows: batch });
      batch = [];
      cells = 0;
    };
    for await (const rows of sheet.rows)
      for (const row of rows) {
        batch.push(row);
        cells += row.values.length;
        if (cells >= batchCells) await send();
      }
    if (batch.length) await send();
    post({ kind: 'end' });
  }
} catch (e) {
  post({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
}
port.close();

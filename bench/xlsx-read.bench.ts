/**
 * XLSX reading cost (issue 11, H2): writes a template-shaped workbook of 1,000 and of 10,000 data rows
 * (every column of set minhou-2021, numbers in every cell), reads each with readXlsxTable (median of 3),
 * and prints the times and their ratio. Linear reading gives a ratio near 10; the old reader, which asked
 * exceljs for the column count at every cell, was quadratic (1k rows 0.8 s, 8k rows 27 s).
 *
 *   npx tsx bench/xlsx-read.bench.ts
 */
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { loadSet } from '../src/methods/resolve.js';
import { readXlsxTable } from '../src/io/table-input.js';
import { headerText, templateColumns } from '../src/io/template.js';

const COEFFICIENTS = fileURLToPath(new URL('../coefficients', import.meta.url));
const set = loadSet(COEFFICIENTS, 'minhou-2021', '1.0.0');
const columns = templateColumns(set);

async function workbook(rows: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  ws.addRow(['township', 'year', ...columns.map(headerText)]);
  for (let i = 0; i < rows; i++)
    ws.addRow([
      `t${i % 100}`,
      2000 + Math.floor(i / 100),
      ...columns.map((_, c) => ((i * 31 + c) % 997) + 0.5),
    ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function median(buf: Buffer): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const start = process.hrtime.bigint();
    const t = await readXlsxTable(set, buf);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (t.issues.length) throw new Error(t.issues[0]!.message.en);
  }
  return times.sort((a, b) => a - b)[1]!;
}

await median(await workbook(200)); // warm-up
const sizes = [1_000, 10_000];
const results: number[] = [];
for (const n of sizes) {
  const buf = await workbook(n);
  const ms = await median(buf);
  results.push(ms);
  console.log(
    `${n.toLocaleString('en')} rows × ${columns.length + 2} columns (${(buf.length / 1024).toFixed(0)} KB): ${ms.toFixed(0)} ms`,
  );
}
console.log(`ratio 10k/1k: ${(results[1]! / results[0]!).toFixed(1)} (linear ≈ 10)`);
console.log(`RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB, Node ${process.version}`);

import { mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { runCli } from './cli-run.js';
import { describe, expect, it } from 'vitest';
import { Dec, sum } from '../../src/domain/decimal.js';
import { EXIT } from '../../src/cli/main.js';
import type { Bundle } from '../../src/io/bundle.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DATA = join(ROOT, 'seeds/minhou/dataset.json');
const COEFFS = join(ROOT, 'coefficients');
const tmp = mkdtempSync(join(tmpdir(), 'gep-cli-'));

const run = runCli;

const base = ['--set', 'minhou-2021', '--data', DATA, '--year', '2021', '--coefficients', COEFFS];

describe('gep account', () => {
  it('prints the county table with 闽侯县 townships and the total line', async () => {
    const r = await run('account', ...base, '--by', 'township');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('闽侯县 2021');
    expect(r.out).toContain('示例数据 (sample data)');
    expect(r.out).toContain('minhou-2021@2.0.0');
    for (const name of ['甘蔗街道', '白沙镇', '小箬乡']) expect(r.out).toContain(name);
    expect(r.out).toMatch(/^合计\s+[\d,.]+/m);
    expect(r.out).toContain('气候调节');
  });

  it('county GEP equals the sum of the township GEPs (JSON, unrounded)', async () => {
    const r = await run('account', ...base, '--format', 'json');
    expect(r.code).toBe(EXIT.ok);
    const json = JSON.parse(r.out) as {
      county: { gep: string };
      townships: { gep: string; traces: unknown[] }[];
      set: { hash: string };
      appVersion: string;
    };
    expect(json.townships).toHaveLength(15);
    expect(sum(json.townships.map((t) => new Dec(t.gep))).toString()).toBe(
      new Dec(json.county.gep).toString(),
    );
    expect(json.townships[0]!.traces.length).toBeGreaterThan(0);
    expect(json.set.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(json.appVersion).toBe('0.1.0');
  });

  it('CSV output has a BOM and one row per township × figure; Σ product rows = the GEP row, exact', async () => {
    const r = await run('account', ...base, '--format', 'csv');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out.charCodeAt(0)).toBe(0xfeff);
    const rows = r.out
      .slice(1)
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(rows[0]!.slice(-5)).toEqual(['measure', 'item', 'item_zh', 'unit', 'value']);
    const of = (t: string, m: string) => rows.filter((x) => x[5] === t && x[7] === m);
    expect(sum(of('ganzhe', 'product').map((x) => new Dec(x[11]!))).toString()).toBe(
      new Dec(of('ganzhe', 'gep')[0]![11]!).toString(),
    );
    // GEEP = green GDP + regulating value, both printed
    const geep = new Map(of('total', 'geep').map((x) => [x[8], new Dec(x[11]!)]));
    expect(geep.get('geep')!.eq(geep.get('green_gdp')!.plus(geep.get('regulating_value')!))).toBe(true);
    expect(of('total', 'esv_total')).toHaveLength(1);
  });

  it('bad usage exits 64', async () => {
    expect((await run('account', '--set', 'minhou-2021')).code).toBe(EXIT.usage);
    expect((await run('nonsense')).code).toBe(EXIT.usage);
    expect((await run('account', '--bogus')).code).toBe(EXIT.usage);
  });
});

describe('gep template → account from XLSX', () => {
  it('a filled XLSX template is accounted with township names from --region, and written as XLSX', async () => {
    const tpl = join(tmp, 'tpl.xlsx');
    const t = await run(
      'template',
      '--set',
      'minhou-2021',
      '--coefficients',
      COEFFS,
      '--region',
      DATA,
      '--years',
      '2021',
      '--out',
      tpl,
    );
    expect(t.code).toBe(EXIT.ok);
    const ds = JSON.parse(readFileSync(DATA, 'utf8')) as {
      records: { township: string; year: number; values: Record<string, unknown> }[];
    };
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(tpl);
    const ws = wb.worksheets[0]!;
    const header = ws.getRow(1).values as unknown[];
    ws.eachRow((row, n) => {
      if (n < 3) return;
      const rec = ds.records.find((r) => r.township === row.getCell(1).value && r.year === 2021)!;
      header.forEach((h, col) => {
        if (typeof h !== 'string' || col < 3) return;
        const [input, cls] = h.replace(/\s*\(.*\)$/, '').split('.');
        const v = rec.values[input!];
        const x = cls === undefined ? v : (v as Record<string, unknown> | undefined)?.[cls];
        if (x !== undefined) row.getCell(col).value = String(x);
      });
    });
    await wb.xlsx.writeFile(tpl);
    const fromXlsx = await run(
      'account',
      '--set',
      'minhou-2021',
      '--coefficients',
      COEFFS,
      '--data',
      tpl,
      '--region',
      DATA,
      '--year',
      '2021',
      '--format',
      'json',
    );
    expect(fromXlsx.err).toBe('');
    expect(fromXlsx.code).toBe(EXIT.ok);
    const fromJson = await run('account', ...base, '--format', 'json');
    const gep = (text: string) => (JSON.parse(text) as { county: { gep: string } }).county.gep;
    expect(gep(fromXlsx.out)).toBe(gep(fromJson.out));

    const out = join(tmp, 'result.xlsx');
    expect((await run('account', ...base, '--format', 'xlsx', '--out', out)).code).toBe(EXIT.ok);
    const res = new ExcelJS.Workbook();
    await res.xlsx.readFile(out);
    const sheet = res.getWorksheet('GEP')!;
    let total: ExcelJS.Row | undefined;
    sheet.eachRow((row) => {
      if (row.getCell(1).value === '合计') total = row;
    });
    expect((total!.getCell(5).value as { formula: string }).formula).toMatch(/^SUM\(E\d+:E\d+\)$/);
    expect(typeof sheet.getRow(total!.number - 1).getCell(5).value).toBe('number');
  });
});

describe('gep validate', () => {
  it('exits 0 for a good set and good data', async () => {
    const a = await run('validate', '--set', 'minhou-2021', '--coefficients', COEFFS);
    expect(a.code).toBe(EXIT.ok);
    expect(a.out).toMatch(/^OK /);
    const b = await run('validate', '--set', 'minhou-2021', '--data', DATA, '--coefficients', COEFFS);
    expect(b.code).toBe(EXIT.ok);
  });

  it('exits 1 for a broken set', async () => {
    const dir = join(tmp, 'coeffs-broken');
    cpSync(COEFFS, dir, { recursive: true });
    const file = join(dir, 'minhou-2021/2.0.0.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace("value: '2700'", "value: 'abc'"));
    const r = await run('validate', '--set', 'minhou-2021', '--coefficients', dir);
    expect(r.code).toBe(EXIT.setInvalid);
    expect(r.err).toMatch(/minhou-2021.*: .*grain_price/);
  });

  it('exits 2 for bad data, listing every issue', async () => {
    const ds = JSON.parse(readFileSync(DATA, 'utf8')) as { records: { values: Record<string, unknown> }[] };
    ds.records[0]!.values.grain_output = 'lots';
    ds.records[1]!.values.hot_days = '-';
    const file = join(tmp, 'bad.json');
    writeFileSync(file, JSON.stringify(ds));
    const r = await run('validate', '--set', 'minhou-2021', '--data', file, '--coefficients', COEFFS);
    expect(r.code).toBe(EXIT.dataInvalid);
    expect(r.err).toContain('grain_output');
    expect(r.err).toContain('hot_days');
    const en = await run(
      'validate',
      '--set',
      'minhou-2021',
      '--data',
      file,
      '--coefficients',
      COEFFS,
      '--lang',
      'en',
    );
    expect(en.err).toContain('is not a number');
  });
});

describe('gep bundle / rerun', () => {
  it('a bundle reruns identical', async () => {
    const out = join(tmp, 'run.json');
    expect((await run('bundle', ...base, '--out', out)).code).toBe(EXIT.ok);
    const b = JSON.parse(readFileSync(out, 'utf8')) as Bundle;
    expect(b.format).toBe('gep-ledger/bundle@1');
    expect(b.setData.parameters.length).toBeGreaterThan(0);
    const r = await run('rerun', out);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('identical');
  });

  it('detects a tampered parameter in the embedded set by its hash', async () => {
    const out = join(tmp, 'run2.json');
    await run('bundle', ...base, '--out', out);
    const b = JSON.parse(readFileSync(out, 'utf8')) as Bundle;
    const p = b.setData.parameters.find((x) => x.id === 'grain_price')!;
    p.value = '9999';
    writeFileSync(out, JSON.stringify(b));
    const r = await run('rerun', out);
    expect(r.code).toBe(EXIT.mismatch);
    expect(r.err).toContain('哈希');
  });

  it('detects a changed recorded figure', async () => {
    const out = join(tmp, 'run3.json');
    await run('bundle', ...base, '--out', out);
    const b = JSON.parse(readFileSync(out, 'utf8')) as Bundle;
    b.results.county.gep = '1';
    writeFileSync(out, JSON.stringify(b));
    const r = await run('rerun', out);
    expect(r.code).toBe(EXIT.mismatch);
    expect(r.err).toContain('county.gep');
  });
});

describe('gep lock', () => {
  it('adds published sets and refuses a changed one', async () => {
    const dir = join(tmp, 'coeffs-lock');
    cpSync(COEFFS, dir, { recursive: true });
    const file = join(dir, 'minhou-2021/1.0.0.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('status: draft', 'status: published'));
    const a = await run('lock', '--coefficients', dir);
    expect(a.code).toBe(EXIT.ok);
    const lock = JSON.parse(readFileSync(join(dir, 'published.lock.json'), 'utf8')) as Record<string, string>;
    expect(lock['minhou-2021@1.0.0']).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(file, readFileSync(file, 'utf8').replace("value: '2700'", "value: '2800'"));
    const b = await run('lock', '--coefficients', dir);
    expect(b.code).toBe(EXIT.setInvalid);
  });
});

describe('the gep binary', () => {
  it('npx tsx src/cli/main.ts prints the table and exits 0', () => {
    const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'account', ...base], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('合计');
  });
});

describe('gep --help and the README', () => {
  it('lists every command with an example, and the README command-line table names the same commands', async () => {
    const r = await run('--help');
    expect(r.code).toBe(EXIT.ok);
    const commands = [...r.out.matchAll(/^ {2}([a-z][a-z-]+) /gm)].map((m) => m[1]!);
    expect(commands).toEqual(
      expect.arrayContaining(['account', 'balance-sheet', 'validate', 'template', 'bundle', 'rerun']),
    );
    for (const c of commands) expect(r.out, `example of ${c}`).toMatch(new RegExp(`e\\.g\\. .*gep ${c}\\b`));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| command | what it does | example |'));
    const documented = [...table.matchAll(/^\| `([a-z][a-z-]+)[ `]/gm)].map((m) => m[1]!);
    expect([...documented].sort()).toEqual([...commands].sort());
    for (const c of commands) expect(table).toMatch(new RegExp(`npm run gep -- ${c}\\b`));
  });
});

/**
 * Loading coefficient sets: set (a) loads with a stable content hash; broken sets are refused with
 * issues that name the file, the path in it and the reason; every problem of a file is reported at
 * once; published sets are immutable; child sets inherit and override parameters.
 *
 * Broken sets are made by copying coefficients/gep-functional/1.0.0.yaml into a temporary folder and
 * editing its text (each edit asserts that the text it replaces is there, so the tests follow the file).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompiledSet } from '../../src/domain/model.js';
import { SetLoadError, type SetIssue } from '../../src/methods/compile.js';
import { LOCK_FILE, fileHash, loadSet, readSetFile } from '../../src/methods/resolve.js';

const COEFFICIENTS = fileURLToPath(new URL('../../coefficients', import.meta.url));
const BASE_FILE = join(COEFFICIENTS, 'gep-functional', '1.0.0.yaml');
const BASE = readFileSync(BASE_FILE, 'utf8');
const SET_A = 'gep-functional/1.0.0.yaml';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A coefficients folder in os.tmpdir() with the given files (path relative to the folder → text). */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gep-sets-'));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Replaces one occurrence of `from`; fails when set (a) no longer contains it. */
function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0) throw new Error(`the set file no longer contains: ${from}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** Set (a) with edits applied, in a fresh folder. */
const setA = (...edits: [string, string][]): string =>
  folder({ [SET_A]: edits.reduce((t, [from, to]) => edit(t, from, to), BASE) });

/** The issues loading a set is refused with; fails the test when it loads. */
function issuesOf(dir: string, id = 'gep-functional', version = '1.0.0'): SetIssue[] {
  try {
    loadSet(dir, id, version);
  } catch (e) {
    if (!(e instanceof SetLoadError)) throw e;
    expect(e.issues.length).toBeGreaterThan(0);
    // the error's own message lists every issue as "file: path: message"
    for (const i of e.issues) expect(e.message).toContain(`${i.file}: ${i.path}: ${i.message}`);
    return e.issues;
  }
  throw new Error(`set ${id}@${version} loaded, but it should have been refused`);
}

/** The one issue a set is refused with. */
function oneIssue(dir: string, id?: string, version?: string): SetIssue {
  const issues = issuesOf(dir, id, version);
  expect(issues, JSON.stringify(issues, null, 2)).toHaveLength(1);
  return issues[0]!;
}

const CHILD_HEADER = [
  'id: child',
  'version: 1.0.0',
  'status: draft',
  'title: { zh: 子集, en: Child set }',
  'extends: { id: gep-functional, version: 1.0.0 }',
].join('\n');

const child = (body: string) => `${CHILD_HEADER}\n${body}\n`;

const WATER_Q = `'to((precipitation - precipitation * runoff_coefficient - evapotranspiration) * land_area, "m3")'`;
const WATER_Q_NO_TO = `'(precipitation - precipitation * runoff_coefficient - evapotranspiration) * land_area'`;

describe('set (a) gep-functional 1.0.0', () => {
  let first: CompiledSet;

  it('loads', () => {
    first = loadSet(COEFFICIENTS, 'gep-functional', '1.0.0');
    expect(first.id).toBe('gep-functional');
    expect(first.version).toBe('1.0.0');
    expect(first.status).toBe('draft');
    expect(first.lineage).toEqual([{ id: 'gep-functional', version: '1.0.0' }]);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    const ids = first.components.map((c) => c.id);
    expect(ids).toContain('water_conservation');
    expect(ids).toContain('carbon_sequestration');
    // dependency order: oxygen release uses carbon sequestration
    expect(ids.indexOf('carbon_sequestration')).toBeLessThan(ids.indexOf('oxygen_release'));
    expect(first.parameters.get('carbon_price')?.unitText).toBe('元/tC');
  });

  it('loads the latest version when none is asked for', () => {
    const dir = folder({
      [SET_A]: BASE,
      'gep-functional/0.9.0.yaml': edit(BASE, 'version: 1.0.0', 'version: 0.9.0'),
    });
    expect(loadSet(dir, 'gep-functional').version).toBe('1.0.0');
  });

  it('has a content hash that is stable across two loads', () => {
    const a = loadSet(COEFFICIENTS, 'gep-functional', '1.0.0');
    const b = loadSet(COEFFICIENTS, 'gep-functional', '1.0.0');
    expect(b.hash).toBe(a.hash);
  });

  it('hashes content, not the folder or the formatting', () => {
    const reference = loadSet(COEFFICIENTS, 'gep-functional', '1.0.0').hash;
    expect(loadSet(setA(), 'gep-functional', '1.0.0').hash).toBe(reference);
    const commented = setA(['id: gep-functional\n', '# a comment changes nothing\nid: gep-functional\n']);
    expect(loadSet(commented, 'gep-functional', '1.0.0').hash).toBe(reference);
  });

  it('has a hash that changes when a parameter value changes', () => {
    const reference = loadSet(COEFFICIENTS, 'gep-functional', '1.0.0').hash;
    const changed = setA([
      `{ id: grain_price, labels: { zh: 粮食价格, en: Grain price }, unit: 元/t, value: '2800'`,
      `{ id: grain_price, labels: { zh: 粮食价格, en: Grain price }, unit: 元/t, value: '2801'`,
    ]);
    const s = loadSet(changed, 'gep-functional', '1.0.0');
    expect(s.parameters.get('grain_price')!.value!.toString()).toBe('2801');
    expect(s.hash).not.toBe(reference);
    const perClass = setA([`grassland: '9.37%'`, `grassland: '9.38%'`]);
    expect(loadSet(perClass, 'gep-functional', '1.0.0').hash).not.toBe(reference);
  });
});

describe('broken sets are refused, naming file, path and reason', () => {
  it('a wrong unit factor: water_conservation without to(…, "m3") gives mm·hm², declared m3', () => {
    const i = oneIssue(setA([WATER_Q, WATER_Q_NO_TO]));
    expect(i.file).toMatch(/gep-functional[\\/]1\.0\.0\.yaml$/);
    expect(i.path).toBe('products.water_conservation.components.water_conservation.quantity.formula');
    expect(i.message).toContain('unit mismatch');
    expect(i.message).toContain('mm·hm²');
    expect(i.message).toContain('m3');
    expect(i.message).toContain('1 mm·hm² = 10 m3');
    // the error's text ("file: path: message") names the component
    expect(`${i.file}: ${i.path}: ${i.message}`).toContain('water_conservation');
  });

  it('a per-t-C price applied to t CO₂: a child set overriding carbon_price to 元/tCO2 is refused', () => {
    const dir = folder({
      [SET_A]: BASE,
      'child/1.0.0.yaml': child(
        [
          'parameterOverrides:',
          "  - { id: carbon_price, unit: 元/tCO2, value: '300', source: 'a CO₂ price', verified: false }",
        ].join('\n'),
      ),
    });
    const i = oneIssue(dir, 'child', '1.0.0');
    expect(i.file).toMatch(/\.yaml$/);
    expect(i.path).toBe('products.carbon_sequestration.components.carbon_sequestration.value.formula');
    expect(i.message).toContain('carbon_price');
    expect(i.message).toMatch(/dimensions differ/);
    expect(i.message).toContain('元');
  });

  it('an unknown symbol', () => {
    const i = oneIssue(setA(['formula: grain_output,', 'formula: grain_outptu,']));
    expect(i.file).toMatch(/gep-functional[\\/]1\.0\.0\.yaml$/);
    expect(i.path).toBe('products.agricultural_products.components.grain.quantity.formula');
    expect(i.message).toContain('unknown symbol "grain_outptu"');
  });

  it('a per-class parameter without a value for a listed land class', () => {
    const i = oneIssue(setA([`, grassland: '9.37%' }`, ' }']));
    expect(i.path).toBe('products.water_conservation.components.water_conservation.quantity.formula');
    expect(i.message).toContain('runoff_coefficient');
    expect(i.message).toContain('no value for land class grassland');
  });

  it('a dependency cycle between two components', () => {
    const dir = setA(
      ['formula: grain_output,', 'formula: vegetables,'],
      ['formula: vegetable_output,', 'formula: grain,'],
    );
    const i = oneIssue(dir);
    expect(i.file).toMatch(/gep-functional[\\/]1\.0\.0\.yaml$/);
    expect(i.path).toMatch(/^products\.agricultural_products\.components\.(grain|vegetables)$/);
    expect(i.message).toContain('cycle');
    expect(i.message).toContain('grain');
    expect(i.message).toContain('vegetables');
  });

  it('a forbidden function in a formula', () => {
    const i = oneIssue(setA(['formula: grain_output,', `formula: 'evaluate("grain_output")',`]));
    expect(i.path).toBe('products.agricultural_products.components.grain.quantity.formula');
    expect(i.message).toContain('function "evaluate" is not allowed');
  });

  it('a forbidden construct in a formula: an assignment', () => {
    const i = oneIssue(setA(['formula: Q * grain_price,', `formula: 'grain_price = 0',`]));
    expect(i.path).toBe('products.agricultural_products.components.grain.value.formula');
    expect(i.message).toMatch(/Assignment.*not allowed/);
  });

  it('a value out of range: runoff_coefficient 150%', () => {
    const i = oneIssue(setA([`grassland: '9.37%'`, `grassland: '150%'`]));
    expect(i.file).toMatch(/gep-functional[\\/]1\.0\.0\.yaml$/);
    expect(i.path).toBe('parameters.runoff_coefficient.values.grassland');
    expect(i.message).toContain('150%');
    expect(i.message).toContain('out of range');
  });

  it('a value that is not a number', () => {
    const i = oneIssue(setA([`value: '2800'`, `value: 'lots'`]));
    expect(i.path).toBe('parameters.grain_price.value');
    expect(i.message).toContain('"lots" is not a number');
  });

  it('a negative price: grain_price −5 元/t, with no range that allows it', () => {
    const i = oneIssue(setA([`value: '2800'`, `value: '-5'`]));
    expect(i.path).toBe('parameters.grain_price.value');
    expect(i.message).toBe('value -5 元/t is negative: a price or cost cannot be');
  });

  it('a YAML syntax error', () => {
    const i = oneIssue(setA(['id: gep-functional\n', 'id: [gep-functional\n']));
    expect(i.file).toMatch(/gep-functional[\\/]1\.0\.0\.yaml$/);
    expect(i.path).toMatch(/^line \d+$/);
    expect(i.message.length).toBeGreaterThan(0);
  });

  it('a duplicate YAML key', () => {
    const i = oneIssue(setA(['version: 1.0.0\n', 'version: 1.0.0\nversion: 1.0.0\n']));
    expect(i.path).toMatch(/^line \d+$/);
    expect(i.message).toMatch(/unique|duplicate/i);
  });

  it('an unknown key (strict schema)', () => {
    const i = oneIssue(setA(['{ id: grain_price,', '{ id: grain_price, colour: red,']));
    expect(i.file).toMatch(/gep-functional[\\/]1\.0\.0\.yaml$/);
    expect(i.path).toBe('parameters.grain_price');
    expect(i.message).toContain('colour');
  });

  it('an unknown key at the top level', () => {
    const i = oneIssue(setA(['status: draft\n', 'status: draft\nauthor: me\n']));
    expect(i.path).toBe('(top)');
    expect(i.message).toContain('author');
  });

  it('a published set whose file changed after locking is immutable', () => {
    const published = edit(BASE, 'status: draft', 'status: published');
    const locked = fileHash(readSetFile(join(folder({ [SET_A]: published }), SET_A)));
    const lock = JSON.stringify({ 'gep-functional@1.0.0': locked });
    // as locked: loads
    expect(loadSet(folder({ [SET_A]: published, [LOCK_FILE]: lock }), 'gep-functional', '1.0.0').status).toBe(
      'published',
    );
    // changed afterwards: refused
    const changed = edit(published, `value: '2800'`, `value: '2900'`);
    const i = oneIssue(folder({ [SET_A]: changed, [LOCK_FILE]: lock }));
    expect(i.file).toMatch(/gep-functional[\\/]1\.0\.0\.yaml$/);
    expect(i.path).toBe('status');
    expect(i.message).toContain('immutable');
    expect(i.message).toContain('gep-functional@1.0.0');
  });

  it('a published set locked to a wrong hash is refused', () => {
    const dir = folder({
      [SET_A]: edit(BASE, 'status: draft', 'status: published'),
      [LOCK_FILE]: JSON.stringify({ 'gep-functional@1.0.0': '0'.repeat(64) }),
    });
    expect(oneIssue(dir).message).toContain('immutable');
  });

  it('a published set missing from the lock file is refused', () => {
    const i = oneIssue(folder({ [SET_A]: edit(BASE, 'status: draft', 'status: published') }));
    expect(i.path).toBe('status');
    expect(i.message).toContain(LOCK_FILE);
  });

  it('a file that declares another id or version than its place', () => {
    const i = oneIssue(setA(['version: 1.0.0\n', 'version: 1.0.1\n']));
    expect(i.path).toBe('id');
    expect(i.message).toContain('gep-functional@1.0.1');
  });

  it('`extends` to a missing set: the child file and its extends key are named', () => {
    const dir = folder({ 'child/1.0.0.yaml': child('') });
    const i = oneIssue(dir, 'child', '1.0.0');
    expect(i.message).toContain('gep-functional@1.0.0');
    expect(i.message).toContain('not found');
    expect(i.file).toMatch(/child[\\/]1\.0\.0\.yaml$/);
    expect(i.path).toBe('extends');
  });

  it('`extends` to a missing version of an existing set', () => {
    const dir = folder({
      [SET_A]: BASE,
      'child/1.0.0.yaml': child('').replace('version: 1.0.0 }', 'version: 9.9.9 }'),
    });
    const issues = issuesOf(dir, 'child', '1.0.0');
    expect(issues.map((i) => i.message).join('\n')).toMatch(/gep-functional@9\.9\.9 not found/);
  });

  it('a missing set', () => {
    expect(oneIssue(folder({}), 'nothing-here', '1.0.0').message).toContain('not found');
  });

  it('all problems in one file are reported together', () => {
    const dir = setA(
      ['formula: grain_output,', 'formula: grain_outptu,'],
      [`grassland: '9.37%'`, `grassland: '150%'`],
    );
    const issues = issuesOf(dir);
    expect(issues).toHaveLength(2);
    expect(issues.map((i) => i.path).sort()).toEqual([
      'parameters.runoff_coefficient.values.grassland',
      'products.agricultural_products.components.grain.quantity.formula',
    ]);
    for (const i of issues) expect(i.file).toMatch(/gep-functional[\\/]1\.0\.0\.yaml$/);
  });

  it('all schema problems in one file are reported together', () => {
    const dir = setA(
      ['{ id: grain_price,', '{ id: grain_price, colour: red,'],
      ['status: draft\n', 'status: draft\nauthor: me\n'],
    );
    const issues = issuesOf(dir);
    expect(issues).toHaveLength(2);
    expect(issues.map((i) => i.path).sort()).toEqual(['(top)', 'parameters.grain_price']);
  });

  it('a child override of a parameter the parent does not have', () => {
    const dir = folder({
      [SET_A]: BASE,
      'child/1.0.0.yaml': child(
        ['parameterOverrides:', "  - { id: no_such_price, value: '1', source: 's', verified: true }"].join(
          '\n',
        ),
      ),
    });
    const i = oneIssue(dir, 'child', '1.0.0');
    expect(i.file).toMatch(/child[\\/]1\.0\.0\.yaml$/);
    expect(i.path).toBe('parameterOverrides.no_such_price');
  });
});

describe('inheritance', () => {
  const dir = folder({
    [SET_A]: BASE,
    'child/1.0.0.yaml': child(
      [
        'parameterOverrides:',
        "  - { id: grain_price, value: '3100', priceYear: 2022, source: 'county price list 2022', verified: true }",
        "  - { id: runoff_coefficient, values: { forest_broadleaf: '3%', forest_coniferous: '3%', forest_mixed: '3%', bamboo: '3%', shrub: '4%', orchard_tea: '4%', grassland: '9%' }, source: 'county study', verified: true }",
      ].join('\n'),
    ),
  });

  it('a child set loads with its lineage', () => {
    const s = loadSet(dir, 'child', '1.0.0');
    expect(s.id).toBe('child');
    expect(s.lineage).toEqual([
      { id: 'gep-functional', version: '1.0.0' },
      { id: 'child', version: '1.0.0' },
    ]);
    expect(s.components.map((c) => c.id)).toEqual(
      loadSet(COEFFICIENTS, 'gep-functional', '1.0.0').components.map((c) => c.id),
    );
  });

  it('parameterOverrides change the value, keep the labels and unit, and record definedIn', () => {
    const parent = loadSet(COEFFICIENTS, 'gep-functional', '1.0.0');
    const s = loadSet(dir, 'child', '1.0.0');
    const p = s.parameters.get('grain_price')!;
    const base = parent.parameters.get('grain_price')!;
    expect(p.value!.toString()).toBe('3100');
    expect(base.value!.toString()).toBe('2800');
    expect(p.labels).toEqual(base.labels);
    expect(p.labels).toEqual({ zh: '粮食价格', en: 'Grain price' });
    expect(p.unitText).toBe('元/t');
    expect(p.source).toBe('county price list 2022');
    expect(p.verified).toBe(true);
    expect(p.priceYear).toBe(2022);
    expect(p.definedIn).toBe('child@1.0.0');
    expect(base.definedIn).toBe('gep-functional@1.0.0');
    // parameters the child does not touch stay the parent's
    expect(s.parameters.get('vegetable_price')!.definedIn).toBe('gep-functional@1.0.0');
    expect(s.parameters.get('vegetable_price')!.value!.toString()).toBe('3000');
  });

  it('per-class overrides replace the per-class values', () => {
    const s = loadSet(dir, 'child', '1.0.0');
    const p = s.parameters.get('runoff_coefficient')!;
    expect(p.values!.get('grassland')!.toString()).toBe('0.09');
    expect(p.values!.get('shrub')!.toString()).toBe('0.04');
    expect(p.labels.en).toBe('Storm runoff coefficient');
    expect(p.definedIn).toBe('child@1.0.0');
  });

  it('the child hash differs from the parent hash', () => {
    expect(loadSet(dir, 'child', '1.0.0').hash).not.toBe(
      loadSet(COEFFICIENTS, 'gep-functional', '1.0.0').hash,
    );
  });

  it('redefining an inherited parameter instead of overriding it is refused', () => {
    const param = BASE.split('\n').find((l) => l.includes('{ id: grain_price,'))!;
    const d = folder({ [SET_A]: BASE, 'child/1.0.0.yaml': child(`parameters:\n${param}`) });
    const i = oneIssue(d, 'child', '1.0.0');
    expect(i.file).toMatch(/child[\\/]1\.0\.0\.yaml$/);
    expect(i.path).toBe('parameters.grain_price');
    expect(i.message).toContain('parameterOverrides');
  });
});

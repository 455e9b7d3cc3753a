import { describe, expect, it } from 'vitest';
import { validateRecords } from '../../src/domain/inputs.js';
import { applyScenario, changeSummary, type ScenarioSpec } from '../../src/domain/scenario.js';
import { landUseRaw, landUseSet } from './land-use-set.js';

const set = landUseSet();
const baseline = validateRecords(set, [landUseRaw('T1'), landUseRaw('T2')]).records;
const townships = [
  { id: 'T1', name: '甘蔗街道' },
  { id: 'T2', name: '白沙镇' },
];
const areasOf = (spec: ScenarioSpec, t = 'T1') => {
  const r = applyScenario(set, baseline, spec, townships);
  expect(r.issues).toEqual([]);
  const m = r.records.find((x) => x.township === t)!.values.get('land_area') as ReadonlyMap<
    string,
    { toString(): string }
  >;
  return Object.fromEntries([...m].map(([c, v]) => [c, v.toString()]));
};

describe('applying a scenario to a baseline', () => {
  it('moves areas by the change list, classes by id or name, townships by name', () => {
    // red line in 甘蔗街道: 120 hm² 林地 + 30 hm² paddy → built-up; total area unchanged (1600 hm²)
    const spec: ScenarioSpec = {
      changes: [
        { township: '甘蔗街道', from: '林地', to: 'built_up', area: '120' },
        { township: 'T1', from: 'Paddy', to: '建设用地', area: '30' },
      ],
    };
    expect(areasOf(spec)).toEqual({ forest: '880', paddy: '470', built_up: '250' });
    expect(areasOf(spec, 'T2')).toEqual({ forest: '1000', paddy: '500', built_up: '100' });
    expect(changeSummary(set, spec).map((c) => [c.from, c.to, c.area.toString()])).toEqual([
      ['forest', 'built_up', '120'],
      ['paddy', 'built_up', '30'],
    ]);
  });

  it('refuses converting more than the area available, naming the class and township, in zh and en', () => {
    const r = applyScenario(
      set,
      baseline,
      {
        changes: [
          { township: 'T1', from: 'paddy', to: 'built_up', area: '400' },
          { township: 'T1', from: 'paddy', to: 'forest', area: '200.5' },
        ],
      },
      townships,
    );
    expect(r.records).toEqual([]);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.township).toBe('甘蔗街道');
    expect(r.issues[0]!.message.zh).toBe('水田转出合计 600.5 hm²，超过可用面积 500 hm²');
    expect(r.issues[0]!.message.en).toContain(
      'Paddy: 600.5 hm² converted in all, more than the 500 hm² available',
    );
  });

  it('lists every bad line at once: unknown class, same class, non-positive area, unknown township', () => {
    const r = applyScenario(
      set,
      baseline,
      {
        changes: [
          { township: 'T1', from: '果园', to: 'built_up', area: '1' },
          { township: 'T1', from: 'forest', to: '林地', area: '1' },
          { township: 'T1', from: 'forest', to: 'built_up', area: '-5' },
          { township: '南通镇', from: 'forest', to: 'built_up', area: '5' },
        ],
      },
      townships,
    );
    expect(r.issues.map((i) => i.message.zh)).toEqual([
      '第 1 行：未知转出地类"果园"',
      '第 2 行：转出与转入同为林地',
      '第 3 行：面积"-5"须为正数（hm²）',
      '乡镇"南通镇"不在本情景的基准（已审核数据）中',
    ]);
  });

  it('takes a whole land-use table and edits of other inputs through the one validation', () => {
    const r = applyScenario(
      set,
      baseline,
      {
        changes: [{ township: 'T2', from: 'forest', to: 'built_up', area: '10' }],
        landUse: { T2: { 林地: '900', 水田: '500', 建设用地: '200' } },
        edits: { T2: { visitors: '2500' } },
      },
      townships,
    );
    expect(r.issues).toEqual([]);
    const t2 = r.records.find((x) => x.township === 'T2')!;
    const land = t2.values.get('land_area') as ReadonlyMap<string, { toString(): string }>;
    // table first (900 / 500 / 200), then the change list (10 hm² forest → built-up)
    expect(land.get('forest')!.toString()).toBe('890');
    expect(land.get('built_up')!.toString()).toBe('210');
    expect(t2.values.get('visitors')!.toString()).toBe('2500');
    // an edit the validation refuses comes back with the township's name
    const bad = applyScenario(set, baseline, { changes: [], edits: { T2: { visitors: 'abc' } } }, townships);
    expect(bad.records).toEqual([]);
    expect(bad.issues[0]!.township).toBe('白沙镇');
    expect(bad.issues[0]!.field).toBe('visitors');
  });
});

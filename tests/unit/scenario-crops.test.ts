/**
 * Crop outputs that follow their land in a scenario: the set declares `scalesWithLandClasses` on an input (data,
 * not code); applying a land-use change keeps the baseline's yield per hm² and scales the output with the area.
 * Worked by hand on the small land-use set with a grain product added:
 *   baseline paddy 1,000 hm², grain 6,000 t (6 t/hm²), grain price 2,700 元/t.
 */
import { describe, expect, it } from 'vitest';
import { appraise } from '../../src/domain/appraisal.js';
import { Dec } from '../../src/domain/decimal.js';
import { validateRecords } from '../../src/domain/inputs.js';
import { applyScenario } from '../../src/domain/scenario.js';
import { SetLoadError } from '../../src/methods/compile.js';
import { componentTable } from '../../src/report/appraisal.js';
import { landUseRaw, landUseSet, landUseSetFile } from './land-use-set.js';

type SetFile = ReturnType<typeof landUseSetFile>;
const withGrain =
  (classes: string[] = ['paddy']) =>
  (f: SetFile) => {
    f.inputs.push({
      id: 'grain_output',
      labels: { zh: '粮食产量', en: 'Grain output' },
      unit: 't',
      department: { zh: '统计局', en: 'Statistics' },
      group: 'g',
      scalesWithLandClasses: classes,
    } as never);
    f.parameters.push({
      id: 'grain_price',
      labels: { zh: '粮食价格', en: 'Grain price' },
      unit: '元/t',
      value: '2700',
      source: 'test',
      verified: true,
    } as never);
    f.products.push({
      id: 'grain',
      category: 'provisioning',
      labels: { zh: '粮食', en: 'Grain' },
      method: 'market_value',
      profiles: ['all'],
      components: [
        {
          id: 'grain',
          labels: { zh: '粮食', en: 'Grain' },
          ecosystem: 'farmland',
          quantity: { formula: 'grain_output', unit: 't' },
          value: { formula: 'Q * grain_price', unit: '元' },
        },
      ],
    } as never);
  };

const set = landUseSet(true, withGrain());
const raw = landUseRaw('T1', 2021, { forest: '1000', paddy: '1000', built_up: '100' });
const baseline = validateRecords(set, [{ ...raw, values: { ...raw.values, grain_output: '6000' } }]).records;
const grainOf = (records: typeof baseline) => (records[0]!.values.get('grain_output') as Dec).toString();

describe('crop outputs that scale with their land classes in a scenario', () => {
  it('30 hm² of paddy built over: grain −180 t and −486,000 元 a year', () => {
    const r = applyScenario(set, baseline, {
      changes: [{ township: 'T1', from: 'paddy', to: 'built_up', area: '30' }],
    });
    expect(r.issues).toEqual([]);
    // 6,000 t × (1,000 − 30) ÷ 1,000 = 6,000 × 970 ÷ 1,000 = 5,820 t: −180 t at 6 t/hm²
    expect(grainOf(r.records)).toBe('5820');
    expect(r.scaled).toHaveLength(1);
    const s = r.scaled![0]!;
    expect([s.input, s.areaBefore.toString(), s.areaAfter.toString()]).toEqual([
      'grain_output',
      '1000',
      '970',
    ]);
    const a = appraise(set, baseline, r.records, {
      profile: 'all',
      constantPriceYear: 2021,
      rate: new Dec('0.05'),
      horizon: 1,
    });
    const grain = a.cases.central.difference.byComponent.find((c) => c.id === 'grain')!;
    expect(grain.quantity.delta.toString()).toBe('-180');
    // −180 t × 2,700 元/t = −486,000 元 (−48.6 万元) a year
    expect(grain.value.delta.toString()).toBe('-486000');
    // carbon lost too: 30 hm² × 2 t/hm² × 100 元/t = 6,000 元; ΔGEP = −486,000 − 6,000 = −492,000 元
    expect(a.cases.central.difference.gep.delta.toString()).toBe('-492000');
    // the item table shows grain in t and 万元, and names the rule with its arithmetic
    const table = componentTable(set, a.cases.central.difference, r.scaled);
    const row = table.rows.find((x) => x.labels.zh === '粮食')!;
    expect(row.cells.unit).toBe('t');
    expect((row.cells.qDelta as Dec).toString()).toBe('-180');
    expect((row.cells.vDelta as Dec).div(1e4).toString()).toBe('-48.6');
    expect(table.notes[0]!.zh).toBe(
      '粮食产量随水田面积按基准单产推算：1000 → 970 hm²，6000 → 5820（× 970 ÷ 1000）。',
    );
  });

  it('land turned into paddy grows grain at the same yield; other classes leave it alone', () => {
    // forest 50 → paddy: 6,000 × 1,050 ÷ 1,000 = 6,300 t; forest → built-up does not touch grain
    const r = applyScenario(set, baseline, {
      changes: [
        { township: 'T1', from: 'forest', to: 'paddy', area: '50' },
        { township: 'T1', from: 'forest', to: 'built_up', area: '200' },
      ],
    });
    expect(grainOf(r.records)).toBe('6300');
    const untouched = applyScenario(set, baseline, {
      changes: [{ township: 'T1', from: 'forest', to: 'built_up', area: '200' }],
    });
    expect(grainOf(untouched.records)).toBe('6000');
    expect(untouched.scaled).toEqual([]);
  });

  it('pools the yield of several classes: paddy and forest as if both grew grain', () => {
    // classes paddy + forest: 2,000 hm² → 6,000 t (3 t/hm²); 30 paddy + 70 forest built over: 1,900 hm²
    // → 6,000 × 1,900 ÷ 2,000 = 5,700 t
    const pooled = landUseSet(true, withGrain(['paddy', 'forest']));
    const base = validateRecords(pooled, [
      { ...raw, values: { ...raw.values, grain_output: '6000' } },
    ]).records;
    const r = applyScenario(pooled, base, {
      changes: [
        { township: 'T1', from: 'paddy', to: 'built_up', area: '30' },
        { township: 'T1', from: 'forest', to: 'built_up', area: '70' },
      ],
    });
    expect(grainOf(r.records)).toBe('5700');
  });

  it('an edit of the output wins over the rule', () => {
    const r = applyScenario(set, baseline, {
      changes: [{ township: 'T1', from: 'paddy', to: 'built_up', area: '30' }],
      edits: { T1: { grain_output: '5900' } },
    });
    expect(grainOf(r.records)).toBe('5900');
    expect(r.scaled).toEqual([]);
  });

  it('refuses to scale from no area: the baseline has no paddy, the scenario adds some', () => {
    const none = validateRecords(set, [
      {
        ...landUseRaw('T1', 2021, { forest: '1000', paddy: '0', built_up: '100' }),
        values: {
          ...landUseRaw('T1', 2021, { forest: '1000', paddy: '0', built_up: '100' }).values,
          grain_output: '0',
        },
      },
    ]).records;
    const r = applyScenario(
      set,
      none,
      { changes: [{ township: 'T1', from: 'forest', to: 'paddy', area: '10' }] },
      [{ id: 'T1', name: '甘蔗街道' }],
    );
    expect(r.records).toEqual([]);
    expect(r.issues.map((i) => [i.township, i.field, i.message.zh])).toEqual([
      [
        '甘蔗街道',
        'grain_output',
        '基准没有水田面积，无法按单产推算"粮食产量"；请在其他指标修改中给出情景值',
      ],
    ]);
    expect(r.issues[0]!.message.en).toContain("give the scenario's value as an edit");
  });

  it('a set naming an unknown class for the rule is refused at load', () => {
    expect(() => landUseSet(true, withGrain(['dry_farmland']))).toThrow(SetLoadError);
    expect(() => landUseSet(true, withGrain(['dry_farmland']))).toThrow(
      /grain_output\.scalesWithLandClasses: unknown land class "dry_farmland"/,
    );
  });
});

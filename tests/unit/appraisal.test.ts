import { describe, expect, it } from 'vitest';
import { appraise, AppraisalError, presentValueOfStream } from '../../src/domain/appraisal.js';
import { Dec } from '../../src/domain/decimal.js';
import { validateRecords } from '../../src/domain/inputs.js';
import { applyScenario } from '../../src/domain/scenario.js';
import { SetLoadError } from '../../src/methods/compile.js';
import { landUseRaw, landUseSet } from './land-use-set.js';

const set = landUseSet();
const baseline = validateRecords(set, [landUseRaw('T1')]).records;
// the red line: 120 hm² forest + 30 hm² paddy → built-up
const scenario = applyScenario(set, baseline, {
  changes: [
    { township: 'T1', from: 'forest', to: 'built_up', area: '120' },
    { township: 'T1', from: 'paddy', to: 'built_up', area: '30' },
  ],
}).records;
const params = { profile: 'all', constantPriceYear: 2021, rate: new Dec('0.05'), horizon: 3 };

describe('appraisal of a scenario against its baseline', () => {
  const a = appraise(set, baseline, scenario, params);

  it('gives the annual ΔGEP in three cases from the parameter ranges', () => {
    // carbon lost: 120 hm² × 5 t/hm² + 30 hm² × 2 t/hm² = 660 t/a
    // central 660 t × 100 元/t = 66,000; low × 80 元/t = 52,800; high × 120 元/t = 79,200 (元/a, lost)
    expect(a.cases.central.difference.gep.delta.toString()).toBe('-66000');
    expect(a.cases.low.difference.gep.delta.toString()).toBe('-52800');
    expect(a.cases.high.difference.gep.delta.toString()).toBe('-79200');
    // the baseline GEP itself moves with the case: 6000 t × 80 + 300,000 = 780,000 元 in the low case
    expect(a.cases.low.difference.gep.before.toString()).toBe('780000');
    expect(a.varied.map((p) => p.id)).toEqual(['carbon_price']);
    expect(a.warnings).toEqual([]);
  });

  it('gives the present value over the project life, every year discounted', () => {
    // PV = −66,000 × (1/1.05 + 1/1.05² + 1/1.05³) = −66,000 × 2.7232480293704783… = −179,734.36993845…
    expect(a.cases.central.presentValue.toFixed(6)).toBe('-179734.369938');
    // the same from the stream form
    const stream = [1, 2, 3].map(() => new Dec(-66000));
    expect(presentValueOfStream(stream, new Dec('0.05')).toFixed(6)).toBe('-179734.369938');
    // a stream that starts in year 2 (no change in year 1): −66,000 × (1/1.05² + 1/1.05³) = −116,877.2271…
    expect(presentValueOfStream([new Dec(0), ...stream.slice(1)], new Dec('0.05')).toFixed(4)).toBe(
      '-116877.2271',
    );
    // low case: −52,800 × 2.72324802937… = −143,787.49595…
    expect(a.cases.low.presentValue.toFixed(4)).toBe('-143787.4960');
  });

  it('refuses a rate or horizon out of range, in zh and en', () => {
    expect(() => appraise(set, baseline, scenario, { ...params, rate: new Dec(1.5), horizon: 0 })).toThrow(
      AppraisalError,
    );
    try {
      appraise(set, baseline, scenario, { ...params, horizon: 0 });
    } catch (e) {
      expect((e as AppraisalError).messages.zh).toBe('评估期须为 1–200 的整数年');
    }
  });

  it('a set without ranges gives three equal cases', () => {
    const plain = landUseSet(false);
    const b = validateRecords(plain, [landUseRaw('T1')]).records;
    const s = applyScenario(plain, b, {
      changes: [{ township: 'T1', from: 'forest', to: 'built_up', area: '1' }],
    }).records;
    const r = appraise(plain, b, s, params);
    // 1 hm² × 5 t/hm² × 100 元/t = 500 元/a lost in every case
    expect(
      [r.cases.low, r.cases.central, r.cases.high].map((c) => c.difference.gep.delta.toString()),
    ).toEqual(['-500', '-500', '-500']);
  });
});

describe('low and high estimates in a set', () => {
  it('refuses estimates on the wrong side of the value or in the wrong shape, naming the parameter', () => {
    let message = '';
    try {
      landUseSet(true, (f) => {
        Object.assign(f.parameters[1]!, { low: '150' }); // carbon_price 100, low 150
        Object.assign(f.parameters[0]!, { high: '9' }); // per-class fix_rate, one number
      });
    } catch (e) {
      expect(e).toBeInstanceOf(SetLoadError);
      message = (e as Error).message;
    }
    expect(message).toContain('parameters.carbon_price');
    expect(message).toContain('the low estimate is above the value');
    expect(message).toContain('parameters.fix_rate.high');
    expect(message).toContain('gives its high estimate per land class');
  });

  it('takes per-class estimates for a per-class parameter', () => {
    const s = landUseSet(true, (f) => Object.assign(f.parameters[0]!, { low: { forest: '4' } }));
    const b = validateRecords(s, [landUseRaw('T1')]).records;
    const sc = applyScenario(s, b, {
      changes: [{ township: 'T1', from: 'forest', to: 'built_up', area: '10' }],
    }).records;
    // low case: 10 hm² × 4 t/hm² × 80 元/t = 3,200 元/a lost; high: 10 × 5 × 120 = 6,000
    const r = appraise(s, b, sc, params);
    expect(r.cases.low.difference.gep.delta.toString()).toBe('-3200');
    expect(r.cases.high.difference.gep.delta.toString()).toBe('-6000');
  });
});

describe('the appraisal table in the official layout', () => {
  it('has 序号 by category and product, the 单位 line and 合计 = ΔGEP, PV per row = Δ × annuity factor', async () => {
    const { appraisalTable } = await import('../../src/report/appraisal.js');
    const a = appraise(set, baseline, scenario, params);
    const t = appraisalTable({ project: 'P', alternative: 'A', version: 2, year: 2021, appraisal: a });
    expect(t.title.zh).toBe('项目生态产品价值影响评估表');
    expect(t.unitLine.zh).toBe('单位：万元');
    expect(t.rows.map((r) => [r.seq, r.labels.zh])).toEqual([
      ['一', '物质产品'],
      ['1', '水资源'],
      ['二', '调节服务'],
      ['1', '固碳'],
      ['三', '文化服务'],
      ['1', '休闲旅游'],
      ['', '合计（GEP）'],
    ]);
    const total = t.rows.at(-1)!;
    expect((total.cells.delta as Dec).toString()).toBe('-66000');
    expect((total.cells.low as Dec).toString()).toBe('-52800');
    // carbon row: −66,000 × 2.7232480293… = −179,734.37 (3 years at 5 %), as the total
    expect((t.rows[3]!.cells.pv as Dec).toFixed(2)).toBe('-179734.37');
    expect((total.cells.pv as Dec).toFixed(2)).toBe('-179734.37');
    expect(t.notes[1]!.zh).toContain('碳价');
  });
});

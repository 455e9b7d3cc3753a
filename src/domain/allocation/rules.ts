/**
 * The registry of allocation rules (资金分配规则). Each entry is pure: fund, rule parameters and the
 * townships' figures in, every township's amount (to the fen) with its parts and explanation out. A
 * fund-bounded rule's lines plus the part it retains add to the fund exactly (largest remainder); the
 * upstream–downstream rule settles transfers between townships, which add to 0.
 */
import { Dec, ONE, ZERO, formatFixed, sum } from '../decimal.js';
import { apportion, isWholeFen, roundToFen } from './money.js';
import { showFigure } from '../assessment/rules.js';
import type {
  AllocationInputs,
  AllocationKind,
  AllocationLine,
  AllocationPart,
  AllocationResult,
  AllocationRule,
  Fund,
  Text,
} from './types.js';

const yuan = (x: Dec) => `${formatFixed(x, 2)} 元`;
const yuanEn = (x: Dec) => `${formatFixed(x, 2)} yuan`;
const pct = (x: Dec) => `${x.times(100).toDecimalPlaces(4, Dec.ROUND_HALF_UP).toString()}%`;
const num = (x: Dec) => x.toDecimalPlaces(4, Dec.ROUND_HALF_UP).toString();

type Evaluate<R> = (fund: Fund & { rule: R }, inputs: AllocationInputs) => AllocationResult;
type Registry = {
  readonly [K in AllocationKind]: { labels: Text; evaluate: Evaluate<Extract<AllocationRule, { kind: K }>> };
};

function nameOf(inputs: AllocationInputs, t: string): Text {
  return inputs.names?.get(t) ?? { zh: t, en: t };
}

/** Reads one figure of every township; a missing one is an issue (never 0). */
function figures(
  inputs: AllocationInputs,
  figure: Text & { id: string },
  issues: Text[],
): Map<string, Dec> | undefined {
  const out = new Map<string, Dec>();
  for (const t of inputs.townships) {
    const v = inputs.figures.get(t)?.get(figure.id);
    if (v === undefined) {
      const n = nameOf(inputs, t);
      issues.push({ zh: `${n.zh}：缺少“${figure.zh}”`, en: `${n.en}: no figure for "${figure.en}"` });
    } else out.set(t, v);
  }
  return out.size === inputs.townships.length ? out : undefined;
}

const failed = (fund: Fund, issues: Text[]): AllocationResult => ({
  fund: fund.amount,
  lines: [],
  retained: fund.amount,
  total: fund.amount,
  issues,
});

function lines(
  rounded: ReadonlyMap<string, Dec>,
  parts: ReadonlyMap<string, AllocationPart[]>,
  explain: (t: string, amount: Dec) => Text,
): AllocationLine[] {
  return [...rounded.entries()].map(([township, amount]) => ({
    township,
    amount,
    parts: parts.get(township) ?? [],
    explanation: explain(township, amount),
  }));
}

export const ALLOCATION_RULES: Registry = {
  factor: {
    labels: { zh: '因素法', en: 'factor method' },
    evaluate: (fund, inputs) => {
      const issues: Text[] = [];
      const { factors } = fund.rule;
      const weightSum = sum(factors.map((f) => f.weight));
      if (!weightSum.eq(ONE))
        issues.push({
          zh: `因素权重之和为 ${pct(weightSum)}，应为 100%`,
          en: `factor weights add to ${pct(weightSum)}, not 100 %`,
        });
      const byFactor = factors.map((f) => ({
        f,
        values: figures(inputs, { id: f.id, ...f.labels }, issues),
      }));
      for (const { f, values } of byFactor)
        if (values && f.normalise === 'inverse')
          for (const [t, v] of values)
            if (!v.gt(0))
              issues.push({
                zh: `${nameOf(inputs, t).zh}：“${f.labels.zh}”须大于 0（按倒数归一化）`,
                en: `${nameOf(inputs, t).en}: "${f.labels.en}" must be above 0 (normalised by its inverse)`,
              });
      if (issues.length) return failed(fund, issues);
      const parts = new Map<string, AllocationPart[]>(inputs.townships.map((t) => [t, []]));
      const shares = new Map<string, Dec>(inputs.townships.map((t) => [t, ZERO]));
      for (const { f, values } of byFactor) {
        const basis = new Map([...values!].map(([t, v]) => [t, f.normalise === 'inverse' ? ONE.div(v) : v]));
        const all = sum(basis.values());
        for (const t of inputs.townships) {
          const n = all.isZero() ? ZERO : basis.get(t)!.div(all);
          shares.set(t, shares.get(t)!.plus(f.weight.times(n)));
          parts.get(t)!.push({
            labels: {
              zh: `${f.labels.zh}（权重 ${pct(f.weight)}，${showFigure(values!.get(t)!, f.unit)}，占比 ${pct(n)}）`,
              en: `${f.labels.en} (weight ${pct(f.weight)}, ${showFigure(values!.get(t)!, f.unit)}, share ${pct(n)})`,
            },
            amount: fund.amount.times(f.weight).times(n),
          });
        }
      }
      const rounded = apportion(fund.amount, shares);
      return {
        fund: fund.amount,
        retained: ZERO,
        total: sum(rounded.values()),
        issues,
        lines: lines(rounded, parts, (t, amount) => ({
          zh: `资金 ${yuan(fund.amount)} × 综合分配系数 ${pct(shares.get(t)!)} = ${yuan(amount)}（各因素按权重×该乡镇占比相加；最大余额法取整到分）`,
          en: `fund ${yuanEn(fund.amount)} × combined share ${pct(shares.get(t)!)} = ${yuanEn(amount)} (Σ factor weight × township share; largest remainder to the fen)`,
        })),
      };
    },
  },
  score_based: {
    labels: { zh: '按考核得分分配', en: 'by assessment score' },
    evaluate: (fund, inputs) => {
      const issues: Text[] = [];
      const { fullScore, topN, topReward } = fund.rule;
      const score = figures(inputs, { id: 'score', zh: '考核得分', en: 'assessment score' }, issues);
      const base = figures(inputs, { id: 'base', zh: '基数（保持性补偿）', en: 'base amount' }, issues);
      if (!score || !base) return failed(fund, issues);
      const kept = new Map<string, Dec>();
      for (const t of inputs.townships) {
        const s = Dec.max(ZERO, Dec.min(score.get(t)!, fullScore));
        kept.set(t, base.get(t)!.times(s).div(fullScore));
      }
      const ranks = new Map(
        inputs.townships.map((t) => [
          t,
          1 + inputs.townships.filter((o) => score.get(o)!.gt(score.get(t)!)).length,
        ]),
      );
      const top = new Map(inputs.townships.map((t) => [t, ranks.get(t)! <= topN ? topReward : ZERO]));
      const pool = fund.amount.minus(sum(kept.values())).minus(sum(top.values()));
      if (pool.isNeg())
        return failed(fund, [
          {
            zh: `资金 ${yuan(fund.amount)} 不足：保持性补偿与前 ${topN} 名奖励共需 ${yuan(fund.amount.minus(pool))}`,
            en: `the fund of ${yuanEn(fund.amount)} is short: base amounts and top-${topN} rewards need ${yuanEn(fund.amount.minus(pool))}`,
          },
        ]);
      const above = new Map(inputs.townships.map((t) => [t, Dec.max(ZERO, score.get(t)!.minus(fullScore))]));
      const allAbove = sum(above.values());
      const reward = new Map(
        inputs.townships.map((t) => [t, allAbove.isZero() ? ZERO : pool.times(above.get(t)!).div(allAbove)]),
      );
      const retained = allAbove.isZero() ? pool.times(100).floor().div(100) : ZERO;
      const exact = new Map(
        inputs.townships.map((t) => [t, kept.get(t)!.plus(top.get(t)!).plus(reward.get(t)!)]),
      );
      const rounded = roundToFen(exact, fund.amount.minus(retained));
      const parts = new Map(
        inputs.townships.map((t) => [
          t,
          [
            {
              labels: { zh: '保持性补偿（基数 × 得分/满分）', en: 'base kept (base × score / full score)' },
              amount: kept.get(t)!,
            },
            { labels: { zh: `前 ${topN} 名奖励`, en: `top-${topN} reward` }, amount: top.get(t)! },
            {
              labels: {
                zh: '提升性补偿（按超出满分的分数分配结余）',
                en: 'improvement reward (pool by points above full)',
              },
              amount: reward.get(t)!,
            },
          ],
        ]),
      );
      return {
        fund: fund.amount,
        retained,
        retainedReason: retained.isZero()
          ? undefined
          : {
              zh: '无乡镇得分超过满分，扣减部分留存',
              en: 'no township scored above full marks: the cuts are retained',
            },
        total: sum(rounded.values()).plus(retained),
        issues,
        lines: lines(rounded, parts, (t, amount) => ({
          zh: `得分 ${num(score.get(t)!)} 分（满分 ${num(fullScore)}），基数 ${yuan(base.get(t)!)} → 保持性 ${yuan(kept.get(t)!)}；排名第 ${ranks.get(t)} 名${top.get(t)!.isZero() ? '' : `，奖励 ${yuan(topReward)}`}；提升性 ${yuan(reward.get(t)!)}；合计 ${yuan(amount)}（取整到分）`,
          en: `score ${num(score.get(t)!)} of ${num(fullScore)}, base ${yuanEn(base.get(t)!)} → kept ${yuanEn(kept.get(t)!)}; rank ${ranks.get(t)}${top.get(t)!.isZero() ? '' : `, reward ${yuanEn(topReward)}`}; improvement ${yuanEn(reward.get(t)!)}; total ${yuanEn(amount)} (to the fen)`,
        })),
      };
    },
  },
  per_increment: {
    labels: { zh: '按GEP实际增量付费', en: 'payment per unit of real GEP increment' },
    evaluate: (fund, inputs) => {
      const issues: Text[] = [];
      const { ratePerUnit, unit } = fund.rule;
      const inc = figures(inputs, { id: 'increment', zh: 'GEP实际增量', en: 'real GEP increment' }, issues);
      if (!inc) return failed(fund, issues);
      const due = new Map([...inc].map(([t, v]) => [t, Dec.max(ZERO, v).times(ratePerUnit)]));
      const totalDue = sum(due.values());
      const scaled = totalDue.gt(fund.amount);
      const rounded = scaled
        ? apportion(fund.amount, due)
        : roundToFen(due, totalDue.toDecimalPlaces(2, Dec.ROUND_HALF_UP));
      const allocated = sum(rounded.values());
      const retained = fund.amount.minus(allocated);
      const parts = new Map(
        [...due].map(([t, d]) => [
          t,
          [{ labels: { zh: '应付（增量 × 单价）', en: 'due (increment × rate)' }, amount: d }],
        ]),
      );
      return {
        fund: fund.amount,
        retained,
        retainedReason: retained.isZero()
          ? undefined
          : { zh: '应付总额低于资金额，余额留存', en: 'the sum due is below the fund: the rest is retained' },
        total: allocated.plus(retained),
        issues,
        lines: lines(rounded, parts, (t, amount) => ({
          zh: `GEP实际增量 ${num(inc.get(t)!)} ${unit}（负增量不付）× ${yuan(ratePerUnit)}/${unit} = ${yuan(due.get(t)!)}${scaled ? `；应付总额 ${yuan(totalDue)} 超过资金，按比例缩减` : ''} → ${yuan(amount)}`,
          en: `real GEP increment ${num(inc.get(t)!)} ${unit} (none paid for a decrease) × ${yuanEn(ratePerUnit)}/${unit} = ${yuanEn(due.get(t)!)}${scaled ? `; total due ${yuanEn(totalDue)} exceeds the fund, scaled down` : ''} → ${yuanEn(amount)}`,
        })),
      };
    },
  },
  schedule: {
    labels: { zh: '按指标变化奖惩', en: 'reward–penalty schedule per point of change' },
    evaluate: (fund, inputs) => {
      const issues: Text[] = [];
      const r = fund.rule;
      const change = figures(inputs, { id: 'change', zh: '指标变化', en: 'change of the indicator' }, issues);
      if (!change) return failed(fund, issues);
      const exact = new Map<string, Dec>();
      const parts = new Map<string, AllocationPart[]>();
      for (const [t, c] of change) {
        const reward = c.gt(0) ? c.times(r.rewardPerUnit) : ZERO;
        const extra =
          r.extraAbove && c.gt(r.extraAbove.threshold)
            ? c.minus(r.extraAbove.threshold).times(r.extraAbove.perUnit)
            : ZERO;
        const penalty = c.lt(0) ? c.times(r.penaltyPerUnit) : ZERO;
        exact.set(t, reward.plus(extra).plus(penalty));
        parts.set(t, [
          { labels: { zh: '改善奖励', en: 'reward for improvement' }, amount: reward },
          { labels: { zh: '超额奖励', en: 'extra reward' }, amount: extra },
          { labels: { zh: '退步扣罚', en: 'penalty for deterioration' }, amount: penalty },
        ]);
      }
      const rounded = roundToFen(exact, sum(exact.values()).toDecimalPlaces(2, Dec.ROUND_HALF_UP));
      const net = sum(rounded.values());
      if (net.gt(fund.amount))
        issues.push({
          zh: `奖惩净额 ${yuan(net)} 超过资金 ${yuan(fund.amount)}`,
          en: `the net of rewards and penalties, ${yuanEn(net)}, exceeds the fund of ${yuanEn(fund.amount)}`,
        });
      return {
        fund: fund.amount,
        retained: fund.amount.minus(net),
        retainedReason: { zh: '资金减去奖惩净额', en: 'the fund less the net of rewards and penalties' },
        total: fund.amount,
        issues,
        lines: lines(rounded, parts, (t, amount) => ({
          zh: `变化 ${num(change.get(t)!)} ${r.unit}：每${r.unit}奖 ${yuan(r.rewardPerUnit)}、扣 ${yuan(r.penaltyPerUnit)}${r.extraAbove ? `，超过 ${num(r.extraAbove.threshold)} ${r.unit} 的部分每${r.unit}再奖 ${yuan(r.extraAbove.perUnit)}` : ''} → ${yuan(amount)}`,
          en: `change ${num(change.get(t)!)} ${r.unit}: ${yuanEn(r.rewardPerUnit)} per ${r.unit} up, ${yuanEn(r.penaltyPerUnit)} per ${r.unit} down${r.extraAbove ? `, ${yuanEn(r.extraAbove.perUnit)} more per ${r.unit} beyond ${num(r.extraAbove.threshold)}` : ''} → ${yuanEn(amount)}`,
        })),
      };
    },
  },
  upstream_downstream: {
    labels: { zh: '上下游横向生态补偿', en: 'upstream–downstream horizontal compensation' },
    evaluate: (fund, inputs) => {
      const issues: Text[] = [];
      const { period, pairs } = fund.rule;
      const expected = period === 'month' ? 12 : 1;
      const net = new Map<string, Dec>(inputs.townships.map((t) => [t, ZERO]));
      const parts = new Map<string, AllocationPart[]>(inputs.townships.map((t) => [t, []]));
      const settlements: NonNullable<AllocationResult['settlements']>[number][] = [];
      for (const pair of pairs) {
        const c = inputs.compliance?.get(pair.id);
        if (!c || c.length !== expected) {
          issues.push({
            zh: `断面“${pair.section.zh}”须有 ${expected} 个${period === 'month' ? '月' : '年度'}的达标结果，收到 ${c?.length ?? 0} 个`,
            en: `section "${pair.section.en}" needs ${expected} ${period === 'month' ? 'monthly' : 'yearly'} results, received ${c?.length ?? 0}`,
          });
          continue;
        }
        for (const t of [pair.upstream, pair.downstream])
          if (!net.has(t))
            issues.push({
              zh: `断面“${pair.section.zh}”的乡镇 ${t} 不在名单中`,
              en: `section "${pair.section.en}": township ${t} is not listed`,
            });
        if (issues.length) continue;
        const met = c.filter(Boolean).length;
        const upstreamNet = pair.amountPerPeriod.times(met - (c.length - met));
        net.set(pair.upstream, net.get(pair.upstream)!.plus(upstreamNet));
        net.set(pair.downstream, net.get(pair.downstream)!.minus(upstreamNet));
        const up = nameOf(inputs, pair.upstream);
        const down = nameOf(inputs, pair.downstream);
        const label = (who: 'up' | 'down'): Text => ({
          zh: `${pair.section.zh}（${up.zh}→${down.zh}）达标 ${met}/${c.length}${period === 'month' ? '个月' : '年'}${who === 'up' ? '，上游收' : '，下游付'}`,
          en: `${pair.section.en} (${up.en}→${down.en}) compliant ${met}/${c.length} ${period === 'month' ? 'months' : 'years'}${who === 'up' ? ', upstream receives' : ', downstream pays'}`,
        });
        parts.get(pair.upstream)!.push({ labels: label('up'), amount: upstreamNet });
        parts.get(pair.downstream)!.push({ labels: label('down'), amount: upstreamNet.neg() });
        settlements.push({
          pair,
          upstreamNet,
          periods: c.map((ok) => ({
            compliant: ok,
            payer: ok ? pair.downstream : pair.upstream,
            payee: ok ? pair.upstream : pair.downstream,
          })),
        });
      }
      if (issues.length) return failed(fund, issues);
      for (const p of pairs)
        if (!isWholeFen(p.amountPerPeriod))
          issues.push({
            zh: `断面“${p.section.zh}”的每期金额须精确到分`,
            en: `section "${p.section.en}": the amount per period must be whole fen`,
          });
      return {
        fund: fund.amount,
        retained: fund.amount,
        retainedReason: {
          zh: '横向补偿在乡镇之间结算，不动用资金',
          en: 'horizontal compensation is settled between townships; the fund is not drawn',
        },
        total: sum(net.values()).plus(fund.amount),
        settlements,
        issues,
        lines: lines(net, parts, (t, amount) => ({
          zh: `达标月份下游向上游支付、未达标月份上游向下游赔付，每期 ${pairs.map((p) => `${p.section.zh} ${yuan(p.amountPerPeriod)}`).join('、')}；净${amount.isNeg() ? '支付' : '收入'} ${yuan(amount.abs())}`,
          en: `each compliant period the downstream pays the upstream, each failed period the upstream pays the downstream (${pairs.map((p) => `${p.section.en} ${yuanEn(p.amountPerPeriod)}`).join(', ')} per period); net ${amount.isNeg() ? 'paid' : 'received'} ${yuanEn(amount.abs())}`,
        })),
      };
    },
  },
};

/** Splits a fund over the townships by its rule; see ALLOCATION_RULES for each kind. */
export function allocate(fund: Fund, inputs: AllocationInputs): AllocationResult {
  if (!isWholeFen(fund.amount) || fund.amount.isNeg())
    return failed(fund, [
      {
        zh: `资金额 ${fund.amount.toString()} 元须为非负且精确到分`,
        en: `the fund ${fund.amount.toString()} 元 must be ≥ 0 and whole fen`,
      },
    ]);
  const entry = ALLOCATION_RULES[fund.rule.kind] as { evaluate: Evaluate<AllocationRule> };
  return entry.evaluate(fund, inputs);
}

export const allocationLabels = (kind: AllocationKind): Text => ALLOCATION_RULES[kind].labels;

/**
 * Fund allocation (财政转移支付、生态补偿资金分配): a pure engine.
 *
 *   allocate(fund, inputs) → AllocationResult
 *
 * - `fund`: name, year, amount (元, whole fen), source and a rule from the registry in rules.ts: factor
 *   (因素法: weights × normalised indicators), score_based (base kept in proportion to the score, top-N
 *   reward, the cuts redistributed by points above full), per_increment (元 per unit of real GEP increment,
 *   scaled down when the fund is short), schedule (reward / penalty per unit of change), upstream_downstream
 *   (monthly or yearly settlement by section compliance: downstream pays when met, upstream when not).
 * - `inputs`: townships in order, their figures by id (factor ids, score, base, increment, change) and the
 *   compliance series of each section pair.
 * - Result: every township's amount to the fen with its parts and explanation ({zh,en}); lines + retained =
 *   the fund exactly (largest remainder, money.ts), or Σ = 0 for horizontal compensation. Missing figures
 *   are issues, never 0. decimal.js throughout; no floats.
 */
export * from './types.js';
export { ALLOCATION_RULES, allocate, allocationLabels } from './rules.js';
export { apportion, roundToFen, isWholeFen } from './money.js';

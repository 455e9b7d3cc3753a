import { Dec, ZERO, sum } from '../decimal.js';

const FEN = new Dec(100);

/** True when an amount in 元 is a whole number of fen (分). */
export const isWholeFen = (yuan: Dec): boolean => yuan.times(FEN).isInteger();

/**
 * Rounds amounts (元) to the fen so that they add to `total` exactly: each is floored to the fen and the
 * fen left over go one each to the largest remainders (ties: the earlier key). `total` must be a whole
 * number of fen within one fen per amount of the exact sum (largest-remainder method, 最大余额法).
 */
export function roundToFen<K>(amounts: ReadonlyMap<K, Dec>, total: Dec): Map<K, Dec> {
  if (!isWholeFen(total)) throw new RangeError(`total ${total.toString()} is not a whole number of fen`);
  const entries = [...amounts.entries()].map(([k, v], i) => {
    const fen = v.times(FEN);
    const floor = fen.floor();
    return { k, i, floor, rest: fen.minus(floor) };
  });
  let left = total
    .times(FEN)
    .minus(sum(entries.map((e) => e.floor)))
    .toNumber();
  if (left < 0 || left > entries.length)
    throw new RangeError(`amounts add to ${sum(amounts.values()).toString()} 元, not ${total.toString()} 元`);
  const order = [...entries].sort((a, b) => b.rest.comparedTo(a.rest) || a.i - b.i);
  const extra = new Set<number>();
  for (const e of order) {
    if (left <= 0) break;
    extra.add(e.i);
    left--;
  }
  return new Map(entries.map((e) => [e.k, e.floor.plus(extra.has(e.i) ? 1 : 0).div(FEN)]));
}

/** Splits `total` (元, whole fen) in proportion to non-negative weights, to the fen, adding up exactly. */
export function apportion<K>(total: Dec, weights: ReadonlyMap<K, Dec>): Map<K, Dec> {
  const all = sum(weights.values());
  if (all.isZero()) return new Map([...weights.keys()].map((k) => [k, ZERO]));
  const exact = new Map([...weights.entries()].map(([k, w]) => [k, total.times(w).div(all)]));
  return roundToFen(exact, total);
}

/**
 * Shares `total` fen out over `weights` in proportion, in whole fen, by largest remainder: the shares add up
 * to the total exactly, no share exceeds its weight when the total does not exceed their sum, and the leftover
 * fen go to the largest remainders, the earliest first among equals (the caller's order is canonical, so the
 * answer does not depend on the order lines came in). Products in BigInt: fen × fen passes 2^53.
 */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total === 0) return weights.map(() => 0);
  const t = BigInt(total);
  const s = BigInt(sum);
  const parts = weights.map((w, i) => {
    const product = t * BigInt(w);
    return { i, share: product / s, rest: product % s };
  });
  let left = t - parts.reduce((a, p) => a + p.share, 0n);
  const order = [...parts].sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  for (const p of order) {
    if (left <= 0n) break;
    p.share += 1n;
    left -= 1n;
  }
  return parts.map((p) => Number(p.share));
}

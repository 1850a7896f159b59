/**
 * The rows a tree sees, written to index[0…count) in ascending order (and flagged in inBag); returns count.
 */

/** Each row with probability `share` (stochastic boosting). */
export function randomRows(
  n: number,
  share: number,
  next: () => number,
  index: Uint32Array,
  inBag: Uint8Array,
): number {
  let count = 0;
  inBag.fill(0);
  for (let i = 0; i < n; i++)
    if (share >= 1 || next() < share) {
      index[count++] = i;
      inBag[i] = 1;
    }
  return count;
}

/** The value at share q of |values| (from an evenly spaced sample: the cut-off needs no exact order). */
function magnitudeQuantile(values: Float64Array, q: number): number {
  const step = Math.max(1, Math.floor(values.length / 20_000));
  const sample = new Float64Array(Math.ceil(values.length / step));
  for (let i = 0, j = 0; i < values.length; i += step, j++) sample[j] = Math.abs(values[i] as number);
  sample.sort();
  return sample[Math.min(sample.length - 1, Math.floor(q * sample.length))] ?? 0;
}

/**
 * Gradient-based one-side sampling (GOSS, as in LightGBM): every row among the `top` share by |gradient|,
 * and of the rest a random `other` share with gradient and hessian weighed up by (1 − top) ÷ other, so the
 * histograms' sums stay unbiased. Writes the sampled rows' hessians (their weight, or weight × factor) and
 * scales their gradients in place.
 */
export function gossRows(
  grad: Float64Array,
  hess: Float64Array,
  weight: Float64Array,
  goss: { top: number; other: number },
  next: () => number,
  index: Uint32Array,
  inBag: Uint8Array,
): number {
  const cut = magnitudeQuantile(grad, 1 - goss.top);
  const keep = goss.other / (1 - goss.top);
  const lift = (1 - goss.top) / goss.other;
  let count = 0;
  inBag.fill(0);
  for (let i = 0; i < grad.length; i++) {
    const g = grad[i] as number;
    if (Math.abs(g) >= cut) hess[i] = weight[i] as number;
    else if (next() < keep) {
      grad[i] = g * lift;
      hess[i] = (weight[i] as number) * lift;
    } else continue;
    index[count++] = i;
    inBag[i] = 1;
  }
  return count;
}

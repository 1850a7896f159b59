/**
 * Forecast errors as retail quotes them. Over open days with sales: RMSPE (the Rossmann competition's
 * metric), WAPE = Σ|actual − forecast| ÷ Σ actual, accuracy = 1 − WAPE (预测准确率), bias = Σ(forecast −
 * actual) ÷ Σ actual. Closed days are left out: a closed store's zero says nothing about the model.
 */
export interface Accuracy {
  days: number;
  rmspe: number;
  wape: number;
  accuracy: number;
  bias: number;
}

export function accuracyOf(actual: ArrayLike<number>, forecast: ArrayLike<number>): Accuracy {
  let days = 0;
  let squaredPct = 0;
  let absError = 0;
  let error = 0;
  let total = 0;
  for (let k = 0; k < actual.length; k++) {
    const a = actual[k] as number;
    if (!(a > 0)) continue;
    const f = forecast[k] as number;
    days++;
    squaredPct += ((a - f) / a) ** 2;
    absError += Math.abs(a - f);
    error += f - a;
    total += a;
  }
  const wape = total ? absError / total : Number.NaN;
  return {
    days,
    rmspe: days ? Math.sqrt(squaredPct / days) : Number.NaN,
    wape,
    accuracy: 1 - wape,
    bias: total ? error / total : Number.NaN,
  };
}

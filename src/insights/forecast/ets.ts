import { readFileSync } from 'node:fs';
import { initSync, MSTL } from '@bsull/augurs/mstl';
import type { Forecaster } from './models.js';
import { sold } from './stats.js';

let ready = false;
/** augurs ships WebAssembly; Node loads it from the package folder (no fetch, no download). */
function loadWasm(): void {
  if (ready) return;
  initSync({ module: readFileSync(new URL('mstl_bg.wasm', import.meta.resolve('@bsull/augurs/mstl'))) });
  ready = true;
}

/**
 * The exponential-smoothing baseline: per series (store, or store × category), weekly seasonality split off (MSTL) and the rest
 * forecast by AutoETS, on log sales of the last year with closed days imputed. It knows no plan:
 * promotions and holidays reach it only as they shaped the past.
 */
export const exponentialSmoothing: Forecaster = {
  name: 'ets',
  label: { zh: '指数平滑（MSTL + AutoETS）', en: 'Exponential smoothing (MSTL + AutoETS)' },
  forecast(history, origin, horizon, targets) {
    loadWasm();
    const { days } = history;
    const first = origin - 364;
    const series = new Map<number, Float64Array>();
    for (let i = 0; i < days.length; i++) {
      const day = days.day[i] as number;
      if (day < first || day > origin) continue;
      const id = days.series[i] as number;
      let values = series.get(id);
      if (!values) {
        values = new Float64Array(origin - first + 1).fill(Number.NaN);
        series.set(id, values);
      }
      if (sold(days, i)) values[day - first] = Math.log1p(days.sales[i] as number);
    }
    const forecasts = new Map<number, number[]>();
    for (const [id, values] of series) {
      // Days before the store's first sale and after its last one are not gaps to impute (with nothing after
      // them, imputation leaves them unknown and AutoETS finds no model): the series runs from first to last
      // sale, and its forecast starts as many days earlier as the origin lies past its last sale.
      const start = values.findIndex((v) => !Number.isNaN(v));
      const end = values.findLastIndex((v) => !Number.isNaN(v)) + 1;
      if (start < 0 || end - start < 28) continue;
      const model = MSTL.ets([7], { impute: true });
      try {
        model.fit(values.subarray(start, end));
        forecasts.set(id, model.predict(horizon + values.length - end).point.slice(values.length - end));
      } catch {
        // A series the model cannot fit gets no ETS forecast; its days fall back to zero below.
      } finally {
        model.free();
      }
    }
    return Float64Array.from(targets, (i) => {
      if (!days.open[i]) return 0;
      const ahead = (days.day[i] as number) - origin - 1;
      const log = forecasts.get(days.series[i] as number)?.[ahead];
      return log === undefined || Number.isNaN(log) ? 0 : Math.max(0, Math.expm1(log));
    });
  },
};

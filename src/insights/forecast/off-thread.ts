import { startWorker } from '../../model/index.js';
import type { BoostOptions } from '../gbt/index.js';
import type { History } from './frame.js';
import { ensembleSize, type ModelName } from './models.js';

export interface TrainingJob {
  history: History;
  model: ModelName;
  boost?: Partial<BoostOptions>;
  members?: number;
  /** Train only this member of the tree ensemble (see forecastAllOffThread). */
  member?: number;
  origin: number;
  horizon: number;
  targets: Int32Array;
}

/**
 * Trains and forecasts in a worker thread: a tree ensemble keeps a core busy for a minute, and on the main
 * thread the server would answer nobody (not even the progress of that very run) until it finished.
 * From the TypeScript sources (tests, `tsx`), the worker loads through tsx; from the build, as plain JS.
 */
export function forecastOffThread(
  job: TrainingJob,
  onProgress?: (share: number) => void,
): Promise<Float64Array> {
  const worker = startWorker(import.meta.url, './worker', job);
  return new Promise((resolve, reject) => {
    let forecast: Float64Array | undefined;
    worker.on('message', (message: { progress?: number; forecast?: Float64Array }) => {
      if (message.forecast) forecast = message.forecast;
      else if (message.progress !== undefined) onProgress?.(message.progress);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (forecast) resolve(forecast);
      else reject(new Error(`the forecast worker stopped (exit code ${code}) before it answered`));
    });
  });
}

/**
 * Trains `jobs` in worker threads, `parallel` at a time, started in order; the forecasts in the jobs' order.
 * A tree ensemble's members train as jobs of their own, so two cores stay busy to the end (a run and its
 * check window of three members each are six jobs, not two of which one finishes long before the other);
 * their forecasts are put together again by geometric mean. `onProgress(k, share)` tells how far job k has
 * got (1 when it is done).
 */
export async function forecastAllOffThread(
  jobs: TrainingJob[],
  parallel: number,
  onProgress?: (job: number, share: number) => void,
): Promise<Float64Array[]> {
  const parts = jobs.flatMap((job, k) => {
    const members = job.model === 'gbt' ? ensembleSize(job.members) : 1;
    return members === 1 || job.member !== undefined
      ? [{ k, job }]
      : Array.from({ length: members }, (_, member) => ({ k, job: { ...job, member } }));
  });
  const partsOf = jobs.map((_, k) => parts.filter((part) => part.k === k).length);
  const shares = new Float64Array(parts.length);
  const done: Float64Array[] = [];
  let next = 0;
  const report = (k: number) => {
    let sum = 0;
    parts.forEach((part, p) => {
      if (part.k === k) sum += shares[p] as number;
    });
    onProgress?.(k, sum / (partsOf[k] as number));
  };
  const lane = async () => {
    while (next < parts.length) {
      const p = next++;
      const { k, job } = parts[p] as { k: number; job: TrainingJob };
      done[p] = await forecastOffThread(job, (share) => {
        shares[p] = share;
        report(k);
      });
      shares[p] = 1;
      report(k);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, parts.length)) }, lane));
  return jobs.map((_, k) => {
    const mine = done.filter((_, p) => parts[p]?.k === k);
    if (mine.length === 1) return mine[0] as Float64Array;
    const out = new Float64Array((mine[0] as Float64Array).length);
    for (let i = 0; i < out.length; i++) {
      let logSum = 0;
      for (const forecast of mine) logSum += Math.log1p(forecast[i] as number);
      out[i] = Math.expm1(logSum / mine.length);
    }
    return out;
  });
}

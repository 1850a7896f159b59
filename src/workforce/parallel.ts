import { availableParallelism } from 'node:os';
import { startWorker } from '../model/index.js';
import type { RulesFile } from './rules.js';
import type { ScheduleOptions, StoreSchedule } from './solve.js';
import type { Requirement, StaffMember } from './types.js';

export interface StoreJob {
  store: string;
  requirements: Requirement[];
  staff: StaffMember[];
  rules: RulesFile;
  options: ScheduleOptions;
}

/**
 * Every store of the requirements solved on its own, `parallel` at a time in worker threads (stores share no
 * staff, so their programs are independent); the schedules in the stores' order. `onDone` hears each as it ends.
 */
export async function scheduleStores(
  requirements: readonly Requirement[],
  staff: readonly StaffMember[],
  rules: RulesFile,
  options: ScheduleOptions & { parallel?: number; stores?: string[] } = {},
  onDone?: (schedule: StoreSchedule, done: number, total: number) => void,
): Promise<StoreSchedule[]> {
  const stores = options.stores ?? [...new Set(requirements.map((r) => r.store))].sort();
  const { parallel = Math.max(1, availableParallelism()), stores: _, ...solverOptions } = options;
  const jobs: StoreJob[] = stores.map((store) => ({
    store,
    requirements: requirements.filter((r) => r.store === store),
    staff: staff.filter((s) => s.store === store),
    rules,
    options: {
      ...solverOptions,
      ...(solverOptions.warmStart
        ? { warmStart: solverOptions.warmStart.filter((s) => s.store === store) }
        : {}),
    },
  }));
  const out: StoreSchedule[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const k = next;
      next += 1;
      out[k] = await solveOffThread(jobs[k] as StoreJob);
      done += 1;
      onDone?.(out[k] as StoreSchedule, done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, lane));
  return out;
}

function solveOffThread(job: StoreJob): Promise<StoreSchedule> {
  const worker = startWorker(import.meta.url, './worker', job);
  return new Promise((resolve, reject) => {
    let result: StoreSchedule | undefined;
    worker.on('message', (message: StoreSchedule) => {
      result = message;
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (result) resolve(result);
      else
        reject(
          new Error(
            `the schedule worker for store ${job.store} stopped (exit code ${code}) before it answered`,
          ),
        );
    });
  });
}

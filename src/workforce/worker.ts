import { parentPort, workerData } from 'node:worker_threads';
import type { StoreJob } from './parallel.js';
import { scheduleStore } from './solve.js';

/** Solves one store in a worker thread (see parallel.ts): HiGHS is single-threaded WebAssembly and blocks. */
const job = workerData as StoreJob;
const result = await scheduleStore(job.store, job.requirements, job.staff, job.rules, job.options);
parentPort?.postMessage(result);

import { parentPort, workerData } from 'node:worker_threads';
import { forecasterOf } from './models.js';
import type { TrainingJob } from './off-thread.js';

/** Runs one forecaster in a worker thread (see off-thread.ts): progress as it trains, then the forecast. */
const job = workerData as TrainingJob;
let reported = -1;
const forecast = forecasterOf(job.model, job.boost, job.members, job.member).forecast(
  job.history,
  job.origin,
  job.horizon,
  job.targets,
  (share) => {
    // A message a round would be thousands; a step of 0.5% is smooth enough for a bar.
    if (share - reported < 0.005 && share < 1) return;
    reported = share;
    parentPort?.postMessage({ progress: share });
  },
);
parentPort?.postMessage({ forecast }, [forecast.buffer as ArrayBuffer]);

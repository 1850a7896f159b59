import { CronExpressionParser } from 'cron-parser';
import { CHAIN_TIME_ZONE, ZhongtaiError } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { salesSource } from './frame.js';

/**
 * The nightly refresh: forecasts are retrained on a cron schedule (after the night's loads), and the page
 * says when the last run finished and how the forecast did on the last day with sales.
 */

/** Parses a cron schedule, or refuses it naming the field. */
export function checkSchedule(schedule: string, field = '--schedule'): string {
  try {
    CronExpressionParser.parse(schedule, { tz: CHAIN_TIME_ZONE });
    if (schedule.trim().split(/\s+/).length !== 5) throw new Error('five fields');
  } catch {
    throw new ZhongtaiError('BAD_REQUEST', {
      en: `${field} must be a cron schedule of five fields (minute hour day month weekday), e.g. "30 2 * * *": got "${schedule}"`,
      zh: `${field} 须为五段 cron 表达式（分 时 日 月 周），如 "30 2 * * *"，收到 "${schedule}"`,
    });
  }
  return schedule;
}

/** The next time the schedule comes round after `after` (read in the chain's time zone, whatever the server's). */
export function nextScheduled(schedule: string, after: Date): Date {
  return CronExpressionParser.parse(schedule, { tz: CHAIN_TIME_ZONE, currentDate: after }).next().toDate();
}

export interface LastDayAccuracy {
  /** The last day with sales. */
  date: string;
  runId: number;
  /** The run's origin: the last day it knew. */
  origin: string;
  stores: number;
  actual: number;
  forecast: number;
  /** 1 − WAPE over the stores forecast that day. */
  accuracy: number;
}

/**
 * How the newest store forecast made before the last day with sales did on that day ("yesterday", the
 * morning after a nightly run), over the stores with sales that day; null when no run covers it.
 */
export async function lastDayAccuracy(engine: Warehouse): Promise<LastDayAccuracy | null> {
  const sales = await salesSource(engine, 'store');
  const [row] = await engine.query(
    `WITH sales AS (${sales}),
     last_day AS (SELECT max(date) AS d FROM sales),
     run AS (
       SELECT r.run_id, r.origin FROM forecast_run r, last_day
       WHERE r.level = 'store' AND r.origin < last_day.d
         AND EXISTS (SELECT 1 FROM forecast f WHERE f.run_id = r.run_id AND f.date = last_day.d)
       ORDER BY r.run_id DESC LIMIT 1),
     scored AS (
       SELECT s.sales, f.p50 FROM run
       JOIN forecast f ON f.run_id = run.run_id
       JOIN last_day ON f.date = last_day.d
       JOIN sales s ON s.store_id = f.store_id AND s.date = f.date
       WHERE s.sales > 0)
     SELECT CAST((SELECT d FROM last_day) AS VARCHAR) AS date, (SELECT run_id FROM run) AS run_id,
            CAST((SELECT origin FROM run) AS VARCHAR) AS origin, count(*) AS stores,
            sum(sales) AS actual, sum(p50) AS forecast, sum(abs(sales - p50)) AS error
     FROM scored`,
  );
  if (!row || row.run_id === null || Number(row.stores) === 0) return null;
  const actual = Number(row.actual);
  return {
    date: String(row.date),
    runId: Number(row.run_id),
    origin: String(row.origin),
    stores: Number(row.stores),
    actual,
    forecast: Number(row.forecast),
    accuracy: actual > 0 ? 1 - Number(row.error) / actual : 0,
  };
}

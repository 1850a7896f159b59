import type { FastifyInstance } from 'fastify';
import { runEvery } from '../../appstore/index.js';
import { type ForecastStatus, forecastRequestSchema } from '../../contract/index.js';
import {
  type ForecastOptions,
  forecastRuns,
  forecastSales,
  lastDayAccuracy,
  nextScheduled,
} from '../../insights/index.js';
import { takingTurns, ZhongtaiError } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { callerOf } from '../auth.js';
import { parseBody } from '../body.js';
import { needs } from '../openapi.js';

/** POST /api/v1/forecast: trains on the warehouse's history and answers P10/P50/P90 per series (store, store × category, store × SKU) and day. */
interface RunProgress {
  step: string;
  /** 0…1 of the whole run. */
  share: number;
  started: number;
}

export interface ForecastSchedule {
  /** Cron, chain time: retrain the store forecast when it comes round (after the night's loads). */
  schedule: string;
  /** How often to look whether it has come round. */
  checkMs?: number;
  /** The clock (tests move it past a scheduled time instead of waiting for one). */
  now?: () => Date;
}

export function forecastRoutes(app: FastifyInstance, engine: Warehouse, nightly?: ForecastSchedule): void {
  // Runs in the order asked, the first under way: one run already keeps both cores busy, and two at once
  // would each take twice as long, hold two copies of the history, and race to number their runs.
  const runs = new Set<RunProgress>();
  const inTurn = takingTurns();
  /** A run in its turn, its progress shown by GET /api/v1/forecast/progress whoever asked for it. */
  const queued = async (options: Omit<ForecastOptions, 'onProgress'>) => {
    const run: RunProgress = { step: 'queued', share: 0, started: Date.now() };
    runs.add(run);
    try {
      return await inTurn('forecast', () => {
        run.step = 'reading';
        run.started = Date.now();
        return forecastSales(engine, {
          ...options,
          onProgress: (step, _share, overall) => {
            run.step = step;
            run.share = overall;
          },
        });
      });
    } finally {
      runs.delete(run);
    }
  };
  let lastError: string | null = null;
  if (nightly && !engine.readOnly) {
    // Due when a scheduled time has come round since the newest store run (or since the server started, when
    // there is none): a server down at 02:30 catches up once when it comes back, not once per missed night.
    const now = nightly.now ?? (() => new Date());
    const startedAt = now();
    const stop = runEvery('nightly forecast', nightly.checkMs ?? 60_000, async () => {
      const [latest] = (await forecastRuns(engine, 50)).filter((r) => r.level === 'store');
      const since = latest ? new Date(`${latest.createdAt.replace(' ', 'T')}Z`) : startedAt;
      if (nextScheduled(nightly.schedule, since) > now()) return;
      try {
        await queued({ level: 'store', horizon: latest?.horizon ?? 42, model: 'gbt' });
        lastError = null;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        throw error;
      }
    });
    app.addHook('onClose', stop);
  }
  app.post(
    '/api/v1/forecast',
    needs('forecast.run', {
      summary:
        'Forecast daily sales per store, store × category or store × SKU with P10/P50/P90, saved as a forecast run 销售预测',
      description:
        'Runs one at a time, in the order asked; GET /api/v1/forecast/progress tells how far it has got.',
      body: forecastRequestSchema,
      bodyOptional: true,
      answers: { '200': 'The run id, origin, interval and one row per series and day' },
      answerSchema: {
        type: 'object',
        properties: {
          runId: { type: 'integer' },
          origin: { type: 'string' },
          model: { type: 'string' },
          interval: { type: 'object' },
          rows: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                store: { type: 'integer' },
                category: { type: 'string', description: 'levels category and store-sku' },
                sku: { type: 'integer', description: 'level store-sku' },
                date: { type: 'string' },
                p10: { type: 'number' },
                p50: { type: 'number' },
                p90: { type: 'number' },
              },
            },
          },
          seconds: { type: 'number' },
        },
      },
    }),
    async (request) => {
      // A global model learns from every store and answers for every store: only a caller who may read all.
      if (!callerOf(request).scope.all)
        throw new ZhongtaiError('FORBIDDEN', {
          en: 'Training a forecast reads every store; ask an analyst. Your forecasts show in the catalogue metrics.',
          zh: '训练预测需要读取全部门店数据，请联系数据分析师；您可在指标中查看权限范围内的预测',
        });
      const { rounds, ...options } = parseBody(forecastRequestSchema, request.body);
      return queued({ ...options, ...(rounds ? { boost: { rounds } } : {}) });
    },
  );
  // How far the run under way has got, and how many wait behind it (training happens off the main thread,
  // so this answers).
  app.get(
    '/api/v1/forecast/progress',
    needs('forecast.run', {
      summary: 'How far the forecast run under way has got, and how many wait behind it 预测进度',
      answers: {
        '200':
          'running: false, or running: true with step (queued, reading, 验证 / validating, 训练 / training), share (0…1), seconds and queued (runs waiting their turn)',
      },
    }),
    async () => {
      const [run] = runs;
      return run
        ? {
            running: true,
            step: run.step,
            share: Math.round(run.share * 1000) / 1000,
            seconds: (Date.now() - run.started) / 1000,
            queued: runs.size - 1,
          }
        : { running: false };
    },
  );
  // Which runs exist (level, origin, model): no store's figures.
  app.get(
    '/api/v1/forecast/runs',
    needs('data.read', {
      summary: 'The forecast runs kept in the warehouse, newest first 预测记录',
      answers: { '200': 'runs: runId, createdAt, level, model, origin, horizon, series, seconds' },
    }),
    async () => ({
      runs: await forecastRuns(engine),
    }),
  );
  // When the forecast was last refreshed and how it did on the last day with sales: the forecast page's
  // first line, for everyone who reads forecasts (one chain-wide figure, no store's).
  app.get(
    '/api/v1/forecast/status',
    needs('data.read', {
      summary:
        'When the forecast was last refreshed, the nightly schedule, and its accuracy on the last day with sales 预测刷新状态',
      answers: {
        '200':
          'lastRun (or null), schedule and nextRun (cron, chain time; null without one), lastError, lastDay: date, runId, origin, stores, accuracy (1 − WAPE)',
      },
    }),
    async (): Promise<ForecastStatus> => {
      const [lastRun] = await forecastRuns(engine, 1);
      const lastDay = await lastDayAccuracy(engine);
      return {
        lastRun: lastRun ?? null,
        schedule: nightly?.schedule ?? null,
        nextRun: nightly ? nextScheduled(nightly.schedule, new Date()).toISOString() : null,
        lastError,
        lastDay: lastDay
          ? {
              date: lastDay.date,
              runId: lastDay.runId,
              origin: lastDay.origin,
              stores: lastDay.stores,
              accuracy: lastDay.accuracy,
            }
          : null,
      };
    },
  );
}

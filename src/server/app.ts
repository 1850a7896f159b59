import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { AlertRules, Channels, Subscriptions } from '../alerts/index.js';
import { type AppStore, runEvery } from '../appstore/index.js';
import type { Spec } from '../ingest/index.js';
import { refreshDueAudiences } from '../insights/index.js';
import { chainToday, MemberCenter, startRelay } from '../members/index.js';
import { forgetDataFacts, type QueryLimits, queryBudget } from '../metrics/index.js';
import { PACKAGE_ROOT, packageVersion } from '../model/index.js';
import { FlashGate, PromotionCenter, startPromotionRelay, warehouseFacts } from '../promotions/index.js';
import { type Engine, isWarehouse, replicator, type Warehouse } from '../warehouse/index.js';
import {
  parseRules,
  type RulesFile,
  startWorkforceRelay,
  subscribeClocks,
  WorkforceCenter,
} from '../workforce/index.js';
import { apiRoutesOf, installAuth } from './auth.js';
import { installErrorHandler } from './errors.js';
import { installJsonDepthLimit, installSecurityHeaders } from './hardening.js';
import { type LogLevel, loggerOptions } from './log.js';
import { openApiRoute } from './openapi.js';
import { alertRoutes } from './routes/alerts.js';
import { audienceRoutes } from './routes/audiences.js';
import { authRoutes } from './routes/auth.js';
import { catalogRoutes } from './routes/catalog.js';
import { dashboardRoutes } from './routes/dashboards.js';
import { exportRoutes } from './routes/export.js';
import { type ForecastSchedule, forecastRoutes } from './routes/forecast.js';
import { healthRoutes } from './routes/health.js';
import { auditUnrecordedLoads, ingestRoutes } from './routes/ingest.js';
import { insightRoutes } from './routes/insights.js';
import { memberAnalyticsRoutes } from './routes/member-analytics.js';
import { memberRoutes } from './routes/members.js';
import { promotionRoutes } from './routes/promotions.js';
import { queryRoutes } from './routes/query.js';
import { replenishRoutes } from './routes/replenish.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { targetRoutes } from './routes/targets.js';
import { tokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';
import { workforceRoutes } from './routes/workforce.js';

const projectRoot = PACKAGE_ROOT;

export interface ServerOptions {
  engine: Engine;
  /** Users, sessions, tokens, grants, the audit log, dashboards: nothing is served without one. */
  appStore: AppStore;
  /** Mark the session cookie Secure (behind an HTTPS proxy); on by itself for requests that came over HTTPS. */
  secureCookies?: boolean;
  /** Origins that may show /embed/ pages in a frame (CSP frame-ancestors); default any. */
  embedOrigins?: string[];
  /**
   * The warehouse file when `engine` is ClickHouse: pushed events land there (synced on after each load), and
   * forecasts are trained and kept there, so forecasting and replenishment answer from it.
   */
  warehouse?: Warehouse;
  /** Mapping specs of the sources that may push events (POST /api/v1/ingest/{source}). */
  specs?: Spec[];
  /** Folder of the built web app; defaults to web/dist of this package. */
  webRoot?: string;
  /** Log requests and errors as JSON lines (pino): a level, or true for `info`. Off by default in tests. */
  logger?: boolean | LogLevel;
  /** Where the log goes instead of standard output (tests read it for secrets; `serve --log-file`). */
  logStream?: NodeJS.WritableStream;
  /** Time and size limits of one query, and how many heavy ones run at once (DEFAULT_LIMITS otherwise). */
  queryLimits?: Partial<QueryLimits>;
  /** How often the member center's outbox is relayed into the warehouse; default 2 s. */
  relayEveryMs?: number;
  /** How often due alert rules are evaluated and the delivery queue sent; default 30 s. */
  alertCheckMs?: number;
  /** This server's address as a browser on this machine reaches it (subscriptions' pictures); default 127.0.0.1. */
  baseUrl?: string;
  /** The address recipients open from a message (behind a proxy); ZHONGTAI_PUBLIC_URL. */
  publicUrl?: string;
  /** How often daily audiences are checked for a refresh; default 10 minutes. */
  audienceCheckMs?: number;
  /** How long a client may take to send its whole request; default 30 s. */
  requestTimeoutMs?: number;
  /** Redis for the flash sales' hot counters (a gate in front of PostgreSQL, which stays the record). */
  redisUrl?: string;
  /** Retrain the store forecast on this cron schedule (chain time), e.g. "30 2 * * *"; checked every `checkMs`. */
  forecastSchedule?: ForecastSchedule;
  /** The working-time rules schedules are made and checked by (a rules file; default cn-standard, 4–9 h shifts). */
  workforceRules?: RulesFile;
  /** Time clocks publishing punches over MQTT: the broker and the topic (e.g. zhongtai/clock/#). */
  clockMqtt?: { url: string; topic: string };
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  // Embed tokens travel in the path and run past the router's default 100 characters for a parameter.
  const app = Fastify({
    logger: options.logger || options.logStream ? loggerOptions(options.logger, options.logStream) : false,
    bodyLimit: 1_048_576,
    // A client that trickles its request in is cut off (408) rather than holding a connection open; Node
    // checks every `connectionsCheckingInterval`. No idle timeout on the socket: a long forecast run is
    // silent while it trains.
    serverFactory: (handler) => {
      const requestTimeout = options.requestTimeoutMs ?? 30_000;
      return createServer(
        {
          requestTimeout,
          headersTimeout: Math.min(requestTimeout, 10_000),
          connectionsCheckingInterval: Math.min(Math.ceil(requestTimeout / 4), 5_000),
        },
        handler,
      );
    },
    routerOptions: { maxParamLength: 4096 },
  });
  const store = options.appStore;
  installErrorHandler(app);
  installJsonDepthLimit(app);
  await installSecurityHeaders(app, options.embedOrigins ?? ['*']);
  await app.register(fastifyRateLimit, { global: false });
  await installAuth(app, store);
  healthRoutes(app, options.engine);
  catalogRoutes(app);
  const budget = queryBudget(options.queryLimits);
  queryRoutes(app, options.engine, store, budget);
  exportRoutes(app, options.engine, store, budget);
  // Loads, forecasts and replenishment belong to the warehouse: the engine itself, or the file beside the
  // engine that answers queries (ClickHouse), into which each load's months are swapped before the answer
  // goes back, so the next query sees them.
  const queried = options.engine;
  // Alert rules reading what a load wrote are evaluated after it (bound once the rules are open, below).
  let afterLoad: (tables: string[]) => Promise<void> = async () => {};
  const warehouse = isWarehouse(queried) ? queried : options.warehouse;
  if (warehouse) {
    const replicate = warehouse === queried ? undefined : replicator(warehouse, queried);
    if (options.specs?.length) await auditUnrecordedLoads(warehouse, store);
    ingestRoutes(app, warehouse, options.specs ?? [], store, async (loadId, tables) => {
      if (replicate) {
        await replicate(loadId, tables);
        forgetDataFacts(queried);
      }
      await afterLoad(tables);
    });
    forecastRoutes(app, warehouse, options.forecastSchedule);
    replenishRoutes(app, warehouse);
    memberAnalyticsRoutes(app, warehouse);
    targetRoutes(app, warehouse, store);
  }
  dashboardRoutes(app, store);
  insightRoutes(app, options.engine);
  // The member center keeps its tables in the application store; stores named by grants are read from the
  // warehouse's store table. Its outbox is relayed into the warehouse every few seconds.
  const members = await MemberCenter.open(store);
  memberRoutes(app, members, options.engine);
  if (warehouse) audienceRoutes(app, warehouse, members, store);
  // Alerts: rules evaluated when their schedule comes round, messages sent from the queue (a channel down keeps
  // them waiting), both every 30 s.
  const channels = await Channels.open(store);
  const alertRules = await AlertRules.open(store, options.engine, channels);
  alertRoutes(app, channels, alertRules, store);
  // Subscriptions picture a dashboard by opening it in headless Chromium at this server's own address (known once
  // it listens), unless told where it is reached.
  const subscriptions = await Subscriptions.open(store, options.engine, channels, {
    get baseUrl() {
      if (options.baseUrl) return options.baseUrl;
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : 3000;
      return `http://127.0.0.1:${port}`;
    },
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
  });
  subscriptionRoutes(app, subscriptions, channels, store);
  afterLoad = async (tables) => {
    // Not awaited: the load's answer does not wait for the rules. A rule that fails here is retried on its
    // schedule; the load has landed either way.
    void alertRules
      .evaluateAfterLoad(tables)
      .then(() => channels.deliverDue())
      .catch((error: unknown) => app.log.error(error));
  };
  const stopAlerts = runEvery('alerts', options.alertCheckMs ?? 30_000, async () => {
    await alertRules.evaluateDue();
    await subscriptions.deliverDue();
    await channels.deliverDue();
  });
  app.addHook('onClose', stopAlerts);
  // The promotion center prices by the member center's tiers and the warehouse's stores and products.
  const gate = options.redisUrl ? await FlashGate.connect(options.redisUrl) : undefined;
  if (gate) app.addHook('onClose', () => gate.close());
  const promotions = await PromotionCenter.open(store, {
    ...(gate ? { gate } : {}),
    members,
    ...(options.engine ? { facts: warehouseFacts(options.engine) } : {}),
  });
  promotionRoutes(app, promotions, options.engine);
  // Flash orders not paid in time give their stock back; groups not full in time fail and refund; pre-sale
  // balances not paid in time keep or refund their deposits; paid members get their monthly coupons.
  const stopReleasing = runEvery('promotion center sweep', 5_000, async () => {
    await promotions.campaigns.releaseUnpaid();
    await promotions.campaigns.failExpiredGroups();
    await promotions.campaigns.settleUnpaidPresales();
    await promotions.grantPaidCoupons();
  });
  app.addHook('onClose', stopReleasing);
  // The workforce center plans from the warehouse's traffic, tickets and employees; its outbox is relayed too.
  const workforce = warehouse ? await WorkforceCenter.open(store) : undefined;
  const workforceRules = options.workforceRules ?? parseRules({});
  if (warehouse && workforce) workforceRoutes(app, warehouse, workforce, store, workforceRules);
  if (workforce && options.clockMqtt) {
    const clocks = await subscribeClocks(workforce, options.clockMqtt, (error) => app.log.error(error));
    app.addHook('onClose', () => clocks.stop());
  }
  if (warehouse && !warehouse.readOnly) {
    const stops = [
      ...(workforce
        ? [startWorkforceRelay(workforce, warehouse, workforceRules, options.relayEveryMs ?? 2_000)]
        : []),
      startRelay(store, warehouse, options.relayEveryMs ?? 2_000),
      startPromotionRelay(store, warehouse, options.relayEveryMs ?? 2_000),
      // Daily audiences list their members again once a day, on the first check of the chain's new day.
      runEvery('audience refresh', options.audienceCheckMs ?? 600_000, () =>
        refreshDueAudiences(warehouse, chainToday()),
      ),
    ];
    app.addHook('onClose', async () => {
      for (const stop of stops) await stop();
    });
  }
  authRoutes(app, store, options.secureCookies ?? false);
  userRoutes(app, store);
  tokenRoutes(app, store);
  openApiRoute(app, () => apiRoutesOf(app), packageVersion());

  const webRoot = options.webRoot ?? join(projectRoot, 'web', 'dist');
  if (existsSync(join(webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false });
    // Client-side routes of the web app all load its one page.
    app.get('/*', (request, reply) => {
      if (request.url.startsWith('/api/')) return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  } else {
    app.get('/', async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send('The web app is not built: run `npm run build`. 网页端尚未构建，请运行 npm run build。'),
    );
  }
  return app;
}

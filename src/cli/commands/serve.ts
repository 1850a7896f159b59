import { existsSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { seedDemoDashboards } from '../../appstore/index.js';
import { generateDemo, isEmpty } from '../../demo/index.js';
import { loadSpec } from '../../ingest/index.js';
import { checkSchedule } from '../../insights/index.js';
import { seedDemoMembers } from '../../members/index.js';
import { DEFAULT_LIMITS, dataRange, startRollupRefresher } from '../../metrics/index.js';
import { ZhongtaiError } from '../../model/index.js';
import { seedDemoPromotions } from '../../promotions/index.js';
import type { LogLevel } from '../../server/index.js';
import { isWarehouse } from '../../warehouse/index.js';
import { readRules } from '../../workforce/index.js';
import { ensureFirstUsers, openAppStoreOf } from '../access.js';
import { engineOptions, openClickHouse } from '../engine.js';
import { openDb } from '../open.js';
import { collect, DEFAULT_DB, integer } from '../options.js';
import { progressReporter } from '../progress.js';
import { startSubscriptions } from '../subscriptions.js';

export function serveCommand(program: Command): void {
  engineOptions(program.command('serve'))
    .description('serve the API and the web app 启动 API 与网页端')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .option('--port <n>', 'port', integer('port'), Number(process.env.PORT ?? 3000))
    .option('--host <host>', 'address to listen on', process.env.HOST ?? '127.0.0.1')
    .option(
      '--public-url <url>',
      'the address people open from alert and subscription messages (behind a proxy) 消息中链接的访问地址',
      process.env.ZHONGTAI_PUBLIC_URL,
    )
    .option('--demo-if-empty', 'generate the demo chain first when the file holds no sales', false)
    .option(
      '--spec <file>',
      'mapping spec of a source that may push events to /api/v1/ingest/{source} (repeatable)',
      collect,
      [],
    )
    .option(
      '--app-db <url>',
      'PostgreSQL URL for users, dashboards and saved questions (default: a folder beside the data file)',
      process.env.ZHONGTAI_APP_DB,
    )
    .option(
      '--redis <url>',
      'Redis for flash sales’ hot counters, e.g. redis://127.0.0.1:6379/0 (PostgreSQL stays the record) 秒杀热点计数',
      process.env.ZHONGTAI_REDIS_URL,
    )
    .option('--secure-cookies', 'mark the session cookie Secure (serving behind an HTTPS proxy)', false)
    .option(
      '--embed-origin <origin>',
      'an origin that may frame /embed/ pages, e.g. https://intranet.example.cn (repeatable; default any)',
      collect,
      [],
    )
    .addOption(
      new Option('--log-level <level>', 'request and error log level (JSON lines) 日志级别')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default(process.env.ZHONGTAI_LOG_LEVEL ?? 'info'),
    )
    .option(
      '--log-file <file>',
      'append the log to this file (reopened on SIGHUP, for logrotate) instead of standard output 日志文件',
      process.env.ZHONGTAI_LOG_FILE,
    )
    .option(
      '--query-timeout <seconds>',
      'stop a query after this many seconds 单个查询超时（秒）',
      integer('query timeout'),
      DEFAULT_LIMITS.timeoutMs / 1000,
    )
    .option(
      '--max-cells <n>',
      'refuse answers larger than this many cells (rows × columns) 单个结果的单元格上限',
      integer('max cells'),
      DEFAULT_LIMITS.maxCells,
    )
    .option(
      '--heavy-queries <n>',
      'heavy queries (fine cuts over many groups) run at once; more wait 同时运行的大型查询数',
      integer('heavy queries'),
      DEFAULT_LIMITS.heavySlots,
    )
    .option(
      '--forecast-schedule <cron>',
      'retrain the store forecast on this schedule, chain time (e.g. "30 2 * * *", after the night\'s loads) 夜间预测刷新',
      process.env.ZHONGTAI_FORECAST_SCHEDULE,
    )
    .option(
      '--clock-mqtt <url>',
      'time clocks publishing punches over MQTT, e.g. mqtt://127.0.0.1:1883 (topic: --clock-topic) 考勤机 MQTT',
    )
    .option('--clock-topic <topic>', 'the topic of the clocks’ punches', 'zhongtai/clock/#')
    .option(
      '--workforce-rules <file>',
      'the rules file schedules are made and checked by (see examples/workforce/rules.yaml) 排班规则',
    )
    .action(async (opts) => {
      if (opts.forecastSchedule) checkSchedule(opts.forecastSchedule, '--forecast-schedule');
      const workforceRules = opts.workforceRules ? readRules(opts.workforceRules) : undefined;
      const clickhouse = opts.engine === 'clickhouse';
      const engine = clickhouse ? await openClickHouse(opts) : await openDb(opts.db, opts.demoIfEmpty);
      if (isWarehouse(engine) && opts.demoIfEmpty && (await isEmpty(engine))) {
        console.log(`No data yet in ${opts.db}: generating the demo chain 首次启动，正在生成演示数据…`);
        const progress = progressReporter();
        // With its planted anomalies, so the overview's 智能洞察 has something true to find (README: demo).
        const summary = await generateDemo(engine, { anomalies: true }, progress.update);
        progress.stop();
        console.log(
          `${summary.salesLines.toLocaleString('en')} sales lines in ${summary.seconds.toFixed(1)} s`,
        );
      }
      const specs = (opts.spec as string[]).map((path) => loadSpec(path));
      // Dashboards and saved questions: beside the data file, or in PostgreSQL when --app-db names one.
      const appStore = await openAppStoreOf(opts);
      // The demo chain comes with its ready-made dashboards (only into a store that has none).
      const [demo] = await engine.query("SELECT 1 AS yes FROM zhongtai_meta WHERE key = 'demo'");
      const end = demo ? (await dataRange(engine))?.to : undefined;
      if (end) {
        const made = await seedDemoDashboards(appStore, end);
        if (made) console.log(`${made} ready-made dashboards for the demo chain 已创建演示看板`);
      }
      await ensureFirstUsers(engine, appStore, Boolean(demo));
      // On ClickHouse, pushes still land in the warehouse file (checked, deduplicated there) and are swapped in;
      // forecasts train on it and are kept in it.
      const warehouse =
        clickhouse && (specs.length || existsSync(opts.db)) ? await openDb(opts.db, true) : undefined;
      if (clickhouse && !warehouse)
        console.log(
          `No warehouse file at ${opts.db}: forecasting and replenishment are off 未找到数据文件，预测与补货不可用`,
        );
      // The web server loads when it is asked for, not with every command's help.
      const { buildServer, reopenableLogFile } = await import('../../server/index.js');
      const app = await buildServer({
        engine,
        ...(warehouse ? { warehouse } : {}),
        specs,
        appStore,
        secureCookies: opts.secureCookies,
        ...(opts.redis ? { redisUrl: opts.redis } : {}),
        queryLimits: {
          timeoutMs: opts.queryTimeout * 1000,
          maxCells: opts.maxCells,
          heavySlots: opts.heavyQueries,
        },
        ...(opts.logLevel === 'silent' ? {} : { logger: opts.logLevel as LogLevel }),
        ...(opts.logFile && opts.logLevel !== 'silent' ? { logStream: reopenableLogFile(opts.logFile) } : {}),
        ...(opts.embedOrigin.length ? { embedOrigins: opts.embedOrigin } : {}),
        ...(opts.publicUrl ? { publicUrl: String(opts.publicUrl).replace(/\/$/, '') } : {}),
        ...(opts.forecastSchedule ? { forecastSchedule: { schedule: opts.forecastSchedule } } : {}),
        ...(workforceRules ? { workforceRules } : {}),
        ...(opts.clockMqtt ? { clockMqtt: { url: opts.clockMqtt, topic: opts.clockTopic } } : {}),
      });
      try {
        await app.listen({ port: opts.port, host: opts.host });
      } catch (error) {
        await engine.close();
        await warehouse?.close();
        await appStore.close();
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new ZhongtaiError('BAD_REQUEST', {
            en: `Port ${opts.port} is already in use; choose another with --port (or PORT=…)`,
            zh: `端口 ${opts.port} 已被占用，请用 --port（或 PORT=…）换一个端口`,
          });
        }
        throw error;
      }
      // Sources that stream (MQTT, NATS) are subscribed by the server, which holds the data file; only once
      // it listens, so a failed start leaves no subscriber behind.
      // On ClickHouse: pushes are synced as they land; streams and pulls reach it through clickhouse-sync.
      const subscriptions = isWarehouse(engine) ? await startSubscriptions(engine, specs) : [];
      // Rollups are built now if missing, and take in what pushes, pulls and subscriptions load.
      const stopRefresher = isWarehouse(engine) ? startRollupRefresher(engine) : async () => undefined;
      // The demo chain's members enter the member center, and a sample of its last fortnight's orders the
      // promotion center, in the background as of their orders' times: the pages are served meanwhile, and the
      // relays carry wallets and discounts into the warehouse as they come.
      const seeding =
        end && isWarehouse(engine)
          ? seedDemoMembers(appStore, engine, end)
              .then(async (seeded) => {
                if (seeded)
                  console.log(
                    `${seeded.members} demo members in the member center (${seeded.writes} writes) 演示会员已写入会员中心`,
                  );
                const promoted = await seedDemoPromotions(appStore, engine, end);
                if (promoted)
                  console.log(
                    `${promoted.checkouts} demo checkouts through the promotion center 演示促销结算已写入促销中心`,
                  );
              })
              .catch((error: unknown) => console.error(`demo members: ${(error as Error).message}`))
          : Promise.resolve();
      const shown = ['0.0.0.0', '::', '127.0.0.1'].includes(opts.host) ? 'localhost' : opts.host;
      console.log(
        `zhongtai 中台 is serving ${clickhouse ? `${opts.clickhouseUrl} (${opts.clickhouseDatabase})` : opts.db}\n  Dashboard 看板:  http://${shown}:${opts.port}/\n  API:            http://${shown}:${opts.port}/api/v1/openapi.json`,
      );
      const stop = async () => {
        await seeding;
        for (const subscription of subscriptions) await subscription.stop();
        await stopRefresher();
        await app.close();
        await appStore.close();
        await engine.close();
        await warehouse?.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

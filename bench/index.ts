import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { benchAlerts } from './alerts.js';
import { benchCampaigns } from './campaigns.js';
import { benchClickHouse } from './clickhouse.js';
import { benchClv } from './clv.js';
import { benchFlash } from './flash.js';
import { benchForecast } from './forecast.js';
import { benchIngest } from './ingest.js';
import { benchLoad } from './load.js';
import { benchMembers } from './members.js';
import { benchPricing } from './pricing.js';
import { benchPush } from './push.js';
import { benchQueries } from './queries.js';
import { benchSchedule } from './schedule.js';
import { benchTraffic } from './traffic.js';
import { benchWeb } from './web.js';

const program = new Command('bench').description('zhongtai benchmarks (npm run bench -- <name>)');
program
  .command('queries')
  .description('dashboard queries through the metric layer vs hand-written DuckDB SQL')
  .option('--lines <n>', 'sales lines in the demo chain', (v) => Number(v.replace(/_/g, '')), 10_000_000)
  .option('--stores <n>', 'stores in the demo chain', Number, 200)
  .option('--runs <n>', 'runs per query (median)', Number, 5)
  .action((opts) => benchQueries(opts));
program
  .command('alerts')
  .description('dashboard query p50/p99 alone and while 500 alert rules evaluate (default demo chain)')
  .option('--rules <n>', 'alert rules', Number, 500)
  .option('--db <file>', 'a demo chain file (default: the default demo, made once)')
  .action((opts) => benchAlerts(opts));
program
  .command('ingest')
  .description('a POS CSV through a mapping spec with cleansing vs DuckDB read_csv into the same table')
  .option('--lines <n>', 'lines in the CSV', (v) => Number(v.replace(/_/g, '')), 10_000_000)
  .option('--runs <n>', 'alternating runs (median)', Number, 3)
  .action((opts) => benchIngest(opts));
program
  .command('push')
  .description('events pushed to /api/v1/ingest at a fixed rate: sustained events/s and visibility delay')
  .option('--rate <n>', 'offered events per second', Number, 5000)
  .option('--seconds <n>', 'how long', Number, 20)
  .option('--batch <n>', 'events per request', Number, 250)
  .action((opts) => benchPush(opts));
program
  .command('forecast')
  .description('rolling-origin backtest of every forecast model on Rossmann (real data) or the demo chain')
  .option('--dataset <name>', 'rossmann-100, rossmann (all 1,115 stores) or demo', 'rossmann-100')
  .option(
    '--level <level>',
    'store, category (store × category; demo only), or store-sku (a demo chain of --stores stores, the whole assortment)',
    'store',
  )
  .option('--stores <n>', 'store-sku: stores in the demo chain', Number, 200)
  .option(
    '--lines <n>',
    'store-sku: sales lines in the demo chain',
    (v) => Number(v.replace(/_/g, '')),
    40_000_000,
  )
  .option('--models <list>', 'models to run, comma-separated', 'gbt,ets,median_8,seasonal_naive')
  .option('--members <n>', 'members of the tree ensemble (default all)', Number)
  .option('--weather', "Rossmann: also import each store's state and the daily weather per state")
  .option(
    '--origins <dates>',
    'Rossmann: the days before the windows, comma-separated (default: the three standard)',
  )
  .option(
    '--parallel <n>',
    'workers at once (default 2: one fold at a time, its members on both cores, so each fold has its own seconds; more: folds side by side)',
    Number,
  )
  .option('--no-single', 'no one-model gbt row beside the ensemble')
  .option('--run', 'also time zhongtai forecast itself (run + check window) on a copy, with peak memory')
  .action((opts) => benchForecast(opts));
program
  .command('traffic')
  .description(
    'the hourly traffic / daily ticket forecast behind staffing vs seasonal naive (Melbourne, Favorita)',
  )
  .action(() => benchTraffic());
program
  .command('schedule')
  .description(
    'staff schedules on Melbourne footfall: ours vs greedy vs the proven optimum; then a chain in parallel',
  )
  .option(
    '--weeks <mondays>',
    'weeks to plan, comma-separated',
    '2016-03-07,2016-05-09,2016-08-08,2016-11-07',
  )
  .option('--limit <s>', 'solver seconds a store-week', Number, 8)
  .option('--exact <s>', 'also run HiGHS until it proves the optimum (or this many seconds)', Number)
  .option('--no-chain', 'skip the chain of --stores stores')
  .option('--stores <n>', 'stores in the chain', Number, 30)
  .option('--chain-weeks <n>', 'weeks each chain store plans at once', Number, 4)
  .option('--parallel <n>', 'stores solved at once (default: the cores)', Number)
  .action((opts) => benchSchedule(opts));
program
  .command('clv')
  .description(
    'customer lifetime value on all CDNOW customers: hold-out purchases and spend vs the naive baseline',
  )
  .option(
    '--data <dir>',
    'the CDNOW data set',
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'datasets', 'cdnow'),
  )
  .action((opts) => benchClv(opts));
program
  .command('campaigns')
  .description('campaign lift on The Complete Journey: each campaign against households not targeted (DiD)')
  .option(
    '--data <dir>',
    'the Complete Journey data set',
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'datasets', 'completejourney'),
  )
  .option('--replicates <n>', 'bootstrap resamples per campaign', Number, 1000)
  .action((opts) => benchCampaigns(opts));
program
  .command('pricing')
  .description('the pricing engine: 30-line carts against 200 running promotions, p50 and p99')
  .option('--carts <n>', 'carts priced', Number, 2_000)
  .option('--promotions <n>', 'promotions running', Number, 200)
  .option('--lines <n>', 'lines per cart', Number, 30)
  .action((opts) => benchPricing(opts));
program
  .command('flash')
  .description(
    'a flash sale’s opening burst on PostgreSQL alone and with the Redis gate: requests/s, p50/p99, sold = stock',
  )
  .option(
    '--url <url>',
    'PostgreSQL server (a database zhongtai_flash_bench is made fresh)',
    'postgres://postgres@127.0.0.1:5432',
  )
  .option('--orders <n>', 'requests at once', Number, 5_000)
  .option('--stock <n>', 'units on sale', Number, 500)
  .option('--members <n>', 'members sending them', Number, 1_000)
  .option('--pool <n>', 'connections to the server', Number, 10)
  .option('--redis <url>', 'Redis for the gate', 'redis://127.0.0.1:6379/0')
  .option('--runs <n>', 'bursts of each kind (medians reported)', Number, 3)
  .action((opts) => benchFlash(opts));
program
  .command('members')
  .description(
    'wallet payments from concurrent clients on PostgreSQL: one hot account and many, vs a bare UPDATE',
  )
  .option(
    '--url <url>',
    'PostgreSQL server (a database zhongtai_members_bench is made fresh)',
    'postgres://postgres@127.0.0.1:5432',
  )
  .option('--members <n>', 'accounts', Number, 10_000)
  .option('--clients <n>', 'concurrent clients', Number, 50)
  .option('--seconds <n>', 'seconds per case', Number, 10)
  .option('--pool <n>', 'connections to the server (the server’s default pool is 10)', Number, 10)
  .action((opts) => benchMembers(opts));
program
  .command('web')
  .description(
    'the web app in headless Chromium over the default demo: first tile, all tiles, main thread blocked',
  )
  .option('--runs <n>', 'page loads per dashboard (median)', Number, 5)
  .action((opts) => benchWeb(opts));
program
  .command('clickhouse')
  .description(
    'the query set on DuckDB, one ClickHouse server and two ClickHouse shards, same data, same run',
  )
  .option('--lines <n>', 'sales lines in the demo chain', (v) => Number(v.replace(/_/g, '')), 10_000_000)
  .option('--stores <n>', 'stores in the demo chain', Number, 200)
  .option('--runs <n>', 'runs per query (median)', Number, 5)
  .action((opts) => benchClickHouse(opts));
program
  .command('load')
  .description(
    'the API under load on loopback (autocannon): cached and uncached queries, with and without RLS',
  )
  .option('--connections <n>', 'clients at once', Number, 20)
  .option('--seconds <n>', 'seconds per scenario', Number, 10)
  .action((opts) => benchLoad(opts));
await program.parseAsync(process.argv);

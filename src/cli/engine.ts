import type { Command } from 'commander';
import { Option } from 'commander';
import { ZhongtaiError } from '../model/index.js';
import { ClickHouseEngine, copyToClickHouse, type Engine, type Warehouse } from '../warehouse/index.js';
import { openDb } from './open.js';
import { progressReporter } from './progress.js';

/** --engine, --clickhouse-url and --clickhouse-database, for the commands that read through the catalogue. */
/** The scale-out engine's options, listed under their own heading after the command's own (--db first). */
export const CLICKHOUSE_HELP = 'ClickHouse 扩展引擎 (scale-out engine):';

export function engineOptions(command: Command): Command {
  const option = (flags: string, description: string, fallback?: string) => {
    const made = new Option(flags, description).helpGroup(CLICKHOUSE_HELP);
    return fallback === undefined ? made : made.default(fallback);
  };
  return command
    .addOption(
      new Option('--engine <engine>', 'duckdb (the --db file) or clickhouse')
        .choices(['duckdb', 'clickhouse'])
        .default(process.env.ZHONGTAI_ENGINE ?? 'duckdb')
        .helpGroup(CLICKHOUSE_HELP),
    )
    .addOption(
      option(
        '--clickhouse-url <url>',
        'ClickHouse HTTP interface, e.g. http://127.0.0.1:8123',
        process.env.ZHONGTAI_CLICKHOUSE_URL,
      ),
    )
    .addOption(
      option(
        '--clickhouse-database <name>',
        'ClickHouse database',
        process.env.ZHONGTAI_CLICKHOUSE_DATABASE ?? 'zhongtai',
      ),
    )
    .addOption(
      option(
        '--clickhouse-cluster <name>',
        "a cluster named in every node's remote_servers: facts sharded by store over it",
        process.env.ZHONGTAI_CLICKHOUSE_CLUSTER,
      ),
    )
    .addOption(
      option(
        '--clickhouse-nodes <urls>',
        "with --clickhouse-cluster: every node's HTTP interface, comma-separated (dimensions are kept on each)",
        process.env.ZHONGTAI_CLICKHOUSE_NODES,
      ),
    );
}

export interface EngineChoice {
  engine?: string;
  clickhouseUrl?: string;
  clickhouseDatabase?: string;
  clickhouseCluster?: string;
  clickhouseNodes?: string;
}

/** Refuses --engine clickhouse without a URL before any work starts. */
export function checkEngineChoice(opts: EngineChoice): void {
  if (opts.engine === 'clickhouse' && !opts.clickhouseUrl) missingUrl();
}

function missingUrl(): never {
  throw new ZhongtaiError('BAD_REQUEST', {
    en: 'Give --clickhouse-url (or ZHONGTAI_CLICKHOUSE_URL), e.g. http://127.0.0.1:8123',
    zh: '请提供 --clickhouse-url（或环境变量 ZHONGTAI_CLICKHOUSE_URL），例如 http://127.0.0.1:8123',
  });
}

export async function openClickHouse(opts: EngineChoice): Promise<ClickHouseEngine> {
  if (!opts.clickhouseUrl) missingUrl();
  const nodes = (opts.clickhouseNodes ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (opts.clickhouseCluster && !/^\w+$/.test(opts.clickhouseCluster))
    throw new ZhongtaiError('BAD_REQUEST', {
      en: '--clickhouse-cluster: letters, digits and _ only',
      zh: '--clickhouse-cluster 只能包含字母、数字和下划线',
    });
  return ClickHouseEngine.open({
    url: opts.clickhouseUrl,
    database: opts.clickhouseDatabase ?? 'zhongtai',
    ...(opts.clickhouseCluster
      ? {
          cluster: {
            name: opts.clickhouseCluster,
            nodes: [opts.clickhouseUrl, ...nodes.filter((n) => n !== opts.clickhouseUrl)],
          },
        }
      : {}),
  });
}

/** The engine a reading command asks: the DuckDB file, or ClickHouse when --engine clickhouse. */
export function openReadEngine(opts: EngineChoice & { db: string }): Promise<Engine> {
  return opts.engine === 'clickhouse' ? openClickHouse(opts) : openDb(opts.db, false, true);
}

/**
 * With --engine clickhouse, what a command loaded into the warehouse file (checked, deduplicated, undoable
 * there) is then copied to ClickHouse, whole tables replaced.
 */
export async function syncIfClickHouse(opts: EngineChoice, warehouse: Warehouse): Promise<void> {
  if (opts.engine !== 'clickhouse') return;
  const house = await openClickHouse(opts);
  const progress = progressReporter();
  try {
    const copied = await copyToClickHouse(warehouse, house, (table, rows, total) =>
      progress.update(`copy ${table}`, rows, total),
    );
    progress.stop();
    const rows = copied.reduce((sum, c) => sum + c.rows, 0);
    console.log(
      `Copied 已同步 ${copied.length} tables, ${rows.toLocaleString('en')} rows to ${opts.clickhouseUrl} (${opts.clickhouseDatabase})`,
    );
  } finally {
    progress.stop();
  }
}

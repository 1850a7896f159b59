import type { Command } from 'commander';
import { syncIfClickHouse } from '../engine.js';
import { openDb } from '../open.js';
import { DEFAULT_DB } from '../options.js';

export function clickhouseCommand(program: Command): void {
  program
    .command('clickhouse-sync')
    .description('copy the warehouse to ClickHouse, whole tables replaced 同步数据到 ClickHouse')
    .option('--db <file>', 'DuckDB data file (where data is loaded and cleansed)', DEFAULT_DB)
    .option('--clickhouse-url <url>', 'ClickHouse HTTP interface', process.env.ZHONGTAI_CLICKHOUSE_URL)
    .option(
      '--clickhouse-database <name>',
      'ClickHouse database',
      process.env.ZHONGTAI_CLICKHOUSE_DATABASE ?? 'zhongtai',
    )
    .addHelpText(
      'after',
      `
Loads (import, push, pull, demo) land in the embedded warehouse, where they are checked, deduplicated and
can be rolled back; this copies its tables to ClickHouse, each emptied first (running it twice gives one copy).
Then serve or query with --engine clickhouse.

Example:
  zhongtai clickhouse-sync --db data/zhongtai.duckdb --clickhouse-url http://127.0.0.1:8123
  zhongtai serve --engine clickhouse --clickhouse-url http://127.0.0.1:8123`,
    )
    .action(async (opts) => {
      const from = await openDb(opts.db, false, true);
      try {
        await syncIfClickHouse({ ...opts, engine: 'clickhouse' }, from);
      } finally {
        await from.close();
      }
    });
}

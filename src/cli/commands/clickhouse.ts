import type { Command } from 'commander';
import { engineOptions, syncIfClickHouse } from '../engine.js';
import { openDb } from '../open.js';
import { DEFAULT_DB } from '../options.js';

export function clickhouseCommand(program: Command): void {
  engineOptions(program.command('clickhouse-sync'))
    .description('copy the warehouse to ClickHouse, whole tables replaced 同步数据到 ClickHouse')
    .option('--db <file>', 'DuckDB data file (where data is loaded and cleansed)', DEFAULT_DB)
    .addHelpText(
      'after',
      `
Loads (import, push, pull, demo) land in the embedded warehouse, where they are checked, deduplicated and
can be rolled back; this copies its tables to ClickHouse, each emptied first (running it twice gives one copy).
Then serve or query with --engine clickhouse.

Examples:
  zhongtai clickhouse-sync --db data/zhongtai.duckdb --clickhouse-url http://127.0.0.1:8123
  zhongtai clickhouse-sync --clickhouse-url http://ch1:8123 --clickhouse-cluster zhongtai \\
      --clickhouse-nodes http://ch1:8123,http://ch2:8123      # facts sharded by store, dimensions on every node
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

import type { Command } from 'commander';
import { rollupStatus } from '../../metrics/index.js';
import { openDb } from '../open.js';
import { DEFAULT_DB } from '../options.js';
import { refreshAndReport } from '../rollups.js';

export function rollupsCommand(program: Command): void {
  program
    .command('rollups')
    .description('rollups (pre-aggregations) with their size, age and changed days waiting 汇总表状态')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .option('--refresh', 'take in the changed days now (import, pull and serve do it themselves)')
    .option('--format <format>', 'table or json', 'table')
    .addHelpText(
      'after',
      `
A rollup sums a fact per day, store and channel. Queries read it when it kept every dimension asked and no
day of their range changed since it was refreshed; otherwise they read the rows (meta.rollups says which).

Examples:
  zhongtai rollups
  zhongtai rollups --refresh`,
    )
    .action(async (opts) => {
      const engine = await openDb(opts.db, false, !opts.refresh);
      try {
        if (opts.refresh) await refreshAndReport(engine);
        const rows = await rollupStatus(engine);
        if (opts.format === 'json') return console.log(JSON.stringify(rows, null, 2));
        for (const r of rows) {
          const state = r.builtAt
            ? `${r.rows.toLocaleString('en')} rows, built ${r.builtAt}, ${r.changedDays === 'all' ? 'every day' : `${r.changedDays} days`} waiting 待更新`
            : 'not built yet 尚未构建';
          console.log(`${r.rollup.padEnd(12)} ${r.fact.padEnd(11)} ${state}`);
        }
      } finally {
        await engine.close();
      }
    });
}

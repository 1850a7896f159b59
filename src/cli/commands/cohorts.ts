import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { lastSalesDay, memberCohorts } from '../../insights/index.js';
import { csvLines } from '../../model/index.js';
import { textTable } from '../format.js';
import { openDb } from '../open.js';
import { DEFAULT_DB, integer } from '../options.js';

export function cohortsCommand(program: Command): void {
  program
    .command('cohorts')
    .description(
      'member cohorts by first purchase or registration month: retention and spend per member 同期群',
    )
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .addOption(
      new Option('--by <what>', 'what starts a cohort')
        .choices(['first-purchase', 'registration'])
        .default('first-purchase'),
    )
    .option('--from <month>', 'first cohort month YYYY-MM (default: 11 months before the last)')
    .option('--to <month>', 'last cohort month YYYY-MM (default: the month of the last sales day)')
    .option('--months <n>', 'months followed after the cohort’s own', integer('months'), 12)
    .option('--out <file>', 'write cohort,members,month,active,retention,spend,spend_per_member as CSV')
    .addHelpText(
      'after',
      `
Retention of month k = the cohort's members with a completed order in the k-th month after their cohort month,
over the cohort's size; spend per member = their net spend that month over the cohort's size.

Examples:
  zhongtai cohorts --db data/zhongtai.duckdb
  zhongtai cohorts --db data/zhongtai.duckdb --by registration --from 2026-01 --out cohorts.csv`,
    )
    .action(async (opts) => {
      const warehouse = await openDb(opts.db, false, true);
      try {
        const last = (await lastSalesDay(warehouse)).slice(0, 7);
        const to = opts.to ?? last;
        const [y, m] = to.split('-').map(Number) as [number, number];
        const from = opts.from ?? new Date(Date.UTC(y, m - 12, 1)).toISOString().slice(0, 7);
        const cohorts = await memberCohorts(warehouse, {
          by: opts.by === 'registration' ? 'registration' : 'first_purchase',
          from,
          to,
        });
        const months = Math.min(opts.months, Math.max(0, ...cohorts.map((c) => c.active.length - 1)));
        const percent = (n: number, of: number) => (of ? `${((100 * n) / of).toFixed(1)}%` : '—');
        console.log(
          `Retention by ${opts.by} month 留存率（按${opts.by === 'registration' ? '注册' : '首购'}月）`,
        );
        console.log(
          textTable(
            ['cohort 同期群', 'members 人数', ...Array.from({ length: months + 1 }, (_, k) => `M${k}`)],
            cohorts.map((c) => [
              c.month,
              String(c.members),
              ...Array.from({ length: months + 1 }, (_, k) =>
                k < c.active.length ? percent(c.active[k] ?? 0, c.members) : '',
              ),
            ]),
            [false, true, ...Array.from({ length: months + 1 }, () => true)],
          ),
        );
        if (opts.out) {
          const header = ['cohort', 'members', 'month', 'active', 'retention', 'spend', 'spend_per_member'];
          const rows = cohorts.flatMap((c) =>
            c.active
              .slice(0, months + 1)
              .map((active, k) => [
                c.month,
                c.members,
                k,
                active,
                (active / Math.max(1, c.members)).toFixed(4),
                (c.spend[k] ?? 0).toFixed(2),
                ((c.spend[k] ?? 0) / Math.max(1, c.members)).toFixed(2),
              ]),
          );
          writeFileSync(opts.out, csvLines([header, ...rows], '\n'));
          console.log(`Written 已写入 ${opts.out}`);
        }
      } finally {
        await warehouse.close();
      }
    });
}

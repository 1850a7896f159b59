import type { Command } from 'commander';
import { type PhaseSummary, phaseTargets } from '../../alerts/index.js';
import { importFiles, loadSpec, rollbackLoad } from '../../ingest/index.js';
import { textTable } from '../format.js';
import { openDb } from '../open.js';
import { DEFAULT_DB } from '../options.js';

const said = (phased: PhaseSummary) =>
  console.log(
    `Phased ${phased.targets} targets to ${phased.storeDays.toLocaleString('en')} store-days in ${phased.seconds.toFixed(1)} s 已分解到门店日`,
  );

/** Targets (目标): import a planning sheet, phase it to store-days, show a month's targets and attainment. */
export function targetsCommand(program: Command): void {
  const targets = program
    .command('targets')
    .description('targets per store, region, format or chain, phased to days 目标管理')
    .addHelpText(
      'after',
      `
A target is a KPI's value (net_sales, gross_profit, orders, units) for a period at a level: one store (its code),
a region, a format or the whole chain. Phasing spreads it over stores and days by last year's like days (same
weekday 52 weeks before; 国庆 day to 国庆 day; Spring Festival ± n to Spring Festival ± n); the KPIs target_<kpi>
and attainment_<kpi> (达成率: actual ÷ the phased target of the days with sales so far) read the result.

Examples:
  zhongtai targets import --db data/zhongtai.duckdb examples/targets/december.csv
  zhongtai targets show --db data/zhongtai.duckdb --month 2026-12`,
    );
  targets
    .command('import')
    .description('load target sheets (CSV or xlsx) and phase them 导入目标并分解')
    .argument('<files...>', 'sheets with 指标,层级,编码,开始,结束,目标')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .option('--spec <file>', 'the mapping of the sheets', 'examples/targets/spec.yaml')
    .action(async (files: string[], opts) => {
      const warehouse = await openDb(opts.db, false);
      try {
        const result = await importFiles(warehouse, loadSpec(opts.spec), files);
        console.log(
          `Load ${result.loadId}: ${result.loaded} targets loaded, ${result.rejected} rejected, ${result.skipped} unchanged 目标已导入`,
        );
        // A sheet that cannot be phased (two levels over one store) is not kept: targets and their days agree.
        const phased = await phaseTargets(warehouse).catch(async (error: unknown) => {
          await rollbackLoad(warehouse, result.loadId);
          console.error(`Load ${result.loadId} rolled back: its targets were not kept 导入已撤销`);
          throw error;
        });
        said(phased);
      } finally {
        await warehouse.close();
      }
    });
  targets
    .command('phase')
    .description('phase every target again (after last year’s data or the stores changed) 重新分解')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .action(async (opts) => {
      const warehouse = await openDb(opts.db, false);
      try {
        const phased = await phaseTargets(warehouse);
        said(phased);
      } finally {
        await warehouse.close();
      }
    });
  targets
    .command('show')
    .description("a month's targets by region with what was sold and the attainment so far 查看目标与达成")
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .requiredOption('--month <month>', 'YYYY-MM')
    .action(async (opts) => {
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) throw new Error('--month: YYYY-MM 月份格式');
      const warehouse = await openDb(opts.db, false, true);
      try {
        const rows = await warehouse.query(
          `SELECT t.kpi, t.level, t.code, CAST(t.period_start AS VARCHAR) AS start, CAST(t.period_end AS VARCHAR) AS "end",
                  CAST(t.value AS VARCHAR) AS value,
                  CAST((SELECT sum(d.value) FROM target_to_date d JOIN store s USING (store_id)
                        WHERE d.kpi = t.kpi AND d.date BETWEEN t.period_start AND t.period_end
                          AND CASE t.level WHEN 'store' THEN s.code = t.code WHEN 'region' THEN s.region = t.code
                                           WHEN 'format' THEN s.format = t.code ELSE TRUE END) AS VARCHAR) AS to_date
           FROM target t WHERE strftime(t.period_start, '%Y-%m') = $1 ORDER BY t.kpi, t.level, t.code`,
          [opts.month],
        );
        console.log(
          textTable(
            ['kpi 指标', 'level 层级', 'code 编码', 'period 期间', 'target 目标', 'to date 截至目前'],
            rows.map((r) => [
              String(r.kpi),
              String(r.level),
              String(r.code),
              `${String(r.start).slice(0, 10)} … ${String(r.end).slice(0, 10)}`,
              String(r.value),
              r.to_date === null ? '—' : String(r.to_date),
            ]),
            [false, false, false, false, true, true],
          ),
        );
        console.log(
          'Attainment 达成率: zhongtai query --metrics net_sales,attainment_net_sales --by region --period mtd',
        );
      } finally {
        await warehouse.close();
      }
    });
}

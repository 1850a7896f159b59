import type { Command } from 'commander';
import type { AppStore } from '../../appstore/index.js';
import { DEMO_DEFAULTS, exportDemo, generateDemo, isEmpty } from '../../demo/index.js';
import { relayOutbox, seedDemoMembers } from '../../members/index.js';
import { relayPromotions, seedDemoPromotions } from '../../promotions/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { ensureFirstUsers, openAppStoreOf } from '../access.js';
import { checkEngineChoice, engineOptions, syncIfClickHouse } from '../engine.js';
import { openDb } from '../open.js';
import { DEFAULT_DB, integer } from '../options.js';
import { progressReporter } from '../progress.js';
import { refreshAndReport } from '../rollups.js';

export function demoCommand(program: Command): void {
  engineOptions(program.command('demo'))
    .description('generate a realistic demo retail chain and load it 生成演示连锁零售数据')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .option('--stores <n>', 'number of stores', integer('stores'), DEMO_DEFAULTS.stores)
    .option('--days <n>', 'days of history', integer('days'), DEMO_DEFAULTS.days)
    .option('--end <date>', 'last day of history (YYYY-MM-DD)', DEMO_DEFAULTS.end)
    .option('--seed <n>', 'random seed: same seed, same data', integer('seed'), DEMO_DEFAULTS.seed)
    .option('--skus <n>', 'number of SKUs', integer('skus'), DEMO_DEFAULTS.skus)
    .option(
      '--lines <n>',
      'approximate number of sales lines: ticket volumes (and staff) scale to it 销售行数（按比例缩放客流）',
      integer('lines'),
      DEMO_DEFAULTS.lines,
    )
    .option('--replace', 'replace data already in the file', false)
    .option(
      '--anomalies',
      'plant known anomalies in the last fortnight (a store’s conversion collapses, a category sells below cost in a region) 植入已知异常',
      false,
    )
    .option('--app-db <url>', 'PostgreSQL URL of the application store (users)', process.env.ZHONGTAI_APP_DB)
    .option(
      '--export <dir>',
      "also write the chain's raw exports (POS, ERP, CRM, counters) to this folder; see examples/demo/spec.yaml",
    )
    .addHelpText(
      'after',
      `
Examples:
  zhongtai demo                                  # 30 stores, 760 days, ~16M lines (ticket volumes scaled to fit)
  zhongtai demo --db big.duckdb --stores 500 --days 730 --lines 100000000
  zhongtai demo --replace --seed 7               # a different chain in the same file
  zhongtai demo --db demo.duckdb --export exports/   # then: zhongtai import --db rebuilt.duckdb --spec examples/demo/spec.yaml exports/*`,
    )
    .action(async (opts) => {
      checkEngineChoice(opts);
      const engine = await openDb(opts.db, true);
      const progress = progressReporter();
      try {
        // With --export on a file that already holds a chain (and no --replace), only export it.
        if (!(opts.export && !opts.replace && !(await isEmpty(engine)))) {
          const summary = await generateDemo(engine, { ...opts, lines: opts.lines }, progress.update);
          progress.stop();
          const rate = Math.round(summary.salesLines / summary.seconds);
          console.log(
            `Demo chain ready 演示数据已生成: ${summary.stores} stores, ${summary.start} … ${summary.end}, ` +
              `${summary.salesLines.toLocaleString('en')} sales lines, ${summary.orders.toLocaleString('en')} orders, ` +
              `${summary.members.toLocaleString('en')} members in ${summary.seconds.toFixed(1)} s (${rate.toLocaleString('en')} lines/s)` +
              (summary.scale !== 1 ? `; ticket volumes ×${summary.scale.toFixed(3)} to match --lines` : ''),
          );
          await refreshAndReport(engine);
          // Its people: an administrator and a sample user of each role, passwords shown once; and its most
          // frequent members in the member center, their recent orders paid from the wallet, relayed back.
          const store = await openAppStoreOf(opts);
          try {
            await ensureFirstUsers(engine, store, true);
            await seedMemberCenter(store, engine, summary.end);
            await seedPromotionCenter(store, engine, summary.end);
          } finally {
            await store.close();
          }
          await syncIfClickHouse(opts, engine);
        }
        if (opts.export) {
          const exported = await exportDemo(engine, opts.export);
          console.log(
            `Raw exports written to 原始导出已写入 ${exported.dir}: ${exported.files.map((f) => f.split('/').pop()).join(', ')}`,
          );
        }
      } finally {
        progress.stop();
        await engine.close();
      }
    });
}

async function seedMemberCenter(store: AppStore, warehouse: Warehouse, end: string): Promise<void> {
  const started = Date.now();
  const seeded = await seedDemoMembers(store, warehouse, end);
  if (!seeded) {
    console.log('The member center already holds members: left as it is. 会员中心已有会员，未重新写入。');
    return;
  }
  const relayed = await relayOutbox(store, warehouse);
  console.log(
    `Member center 会员中心: ${seeded.members} members, ${seeded.writes} writes in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
      `${relayed.relayed} changes relayed to the warehouse 已同步至数据仓库`,
  );
}

async function seedPromotionCenter(store: AppStore, warehouse: Warehouse, end: string): Promise<void> {
  const started = Date.now();
  const seeded = await seedDemoPromotions(store, warehouse, end);
  if (!seeded) {
    console.log(
      'The promotion center already holds checkouts: left as it is. 促销中心已有结算，未重新写入。',
    );
    return;
  }
  const relayed = await relayPromotions(store, warehouse);
  console.log(
    `Promotion center 促销中心: ${seeded.promotions} promotions, ${seeded.coupons} coupons issued, ${seeded.checkouts} checkouts in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
      `${relayed} changes relayed to the warehouse 已同步至数据仓库`,
  );
}

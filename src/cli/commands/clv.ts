import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { customerValue, lastSalesDay, memberPurchases } from '../../insights/index.js';
import { csvLines } from '../../model/index.js';
import { openDb } from '../open.js';
import { DEFAULT_DB, integer } from '../options.js';

export function clvCommand(program: Command): void {
  program
    .command('clv')
    .description('customer lifetime value per member: BG/NBD and Gamma-Gamma 会员终身价值')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .option('--calibration-end <date>', 'fit on orders to this day (default: the last day with sales)')
    .option('--horizon-days <n>', 'days ahead to value', integer('horizon days'), 90)
    .option('--out <file>', 'write member,p_alive,expected_purchases,expected_value as CSV')
    .option('--limit <n>', 'members to print, most valuable first', integer('limit'), 10)
    .addHelpText(
      'after',
      `
Each member's completed orders are counted per day (weeks as the time unit); BG/NBD (Fader, Hardie and Lee
2005) gives the chance she is still a customer and the purchases to expect, Gamma-Gamma the spend per purchase
(her own mean shrunk toward everyone's). Expected value = the two multiplied, undiscounted, over the horizon.

Examples:
  zhongtai clv --db data/zhongtai.duckdb --horizon-days 90 --out clv.csv
  zhongtai clv --db data/zhongtai.duckdb --calibration-end 2026-09-30 --horizon-days 365`,
    )
    .action(async (opts) => {
      const warehouse = await openDb(opts.db, false, true);
      try {
        const end = opts.calibrationEnd ?? (await lastSalesDay(warehouse));
        const started = Date.now();
        const purchases = await memberPurchases(warehouse, end);
        const answer = customerValue(purchases, end, opts.horizonDays);
        const { model, spend, members } = answer;
        console.log(
          `${members.length.toLocaleString('en')} members with orders to ${end} 位会员, fitted in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
        console.log(
          `BG/NBD r ${model.r.toFixed(3)} α ${model.alpha.toFixed(3)} a ${model.a.toFixed(3)} b ${model.b.toFixed(3)} (log-likelihood ${model.logLikelihood.toFixed(1)}); Gamma-Gamma p ${spend.p.toFixed(3)} q ${spend.q.toFixed(3)} γ ${spend.gamma.toFixed(3)}`,
        );
        if (model.atBoundary)
          console.log(
            'Note 提示: a parameter ran to the edge of its range — these members do not look like buy-till-you-die customers (hardly anyone seems to drop out, or everyone buys at one rate); read P(alive) and the forecasts with care. 模型参数触及边界，会员购买行为与模型假设不符，请谨慎解读。',
          );
        const total = members.reduce((s, m) => s + m.expectedValue, 0);
        const alive = members.reduce((s, m) => s + m.pAlive, 0);
        console.log(
          `Next ${opts.horizonDays} days 未来 ${opts.horizonDays} 天: ${members.reduce((s, m) => s + m.expectedPurchases, 0).toFixed(0)} purchases, ¥${total.toFixed(2)} expected; ${((100 * alive) / Math.max(1, members.length)).toFixed(1)}% of members likely still active 仍活跃`,
        );
        const top = [...members].sort((a, b) => b.expectedValue - a.expectedValue).slice(0, opts.limit);
        for (const m of top)
          console.log(
            `  ${m.member}  P(alive) ${m.pAlive.toFixed(3)}  purchases ${m.expectedPurchases.toFixed(2)}  ¥${m.expectedValue.toFixed(2)}`,
          );
        if (opts.out) {
          const rows = members.map((m) => [
            m.member,
            m.pAlive.toFixed(4),
            m.expectedPurchases.toFixed(4),
            m.expectedValue.toFixed(2),
          ]);
          writeFileSync(
            opts.out,
            csvLines([['member', 'p_alive', 'expected_purchases', 'expected_value'], ...rows], '\n'),
          );
          console.log(`Written 已写入 ${opts.out}`);
        }
      } finally {
        await warehouse.close();
      }
    });
}

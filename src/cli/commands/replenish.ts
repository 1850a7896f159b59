import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import {
  DEFAULT_POLICY,
  dayNumber,
  isoDay,
  lastSalesDay,
  type PolicyOptions,
  readSeries,
  simulateReplenishment,
  suggestOrders,
} from '../../insights/index.js';
import { openDb } from '../open.js';
import { DEFAULT_DB, integer, list } from '../options.js';

const share = (value: string) => {
  const n = Number(value.replace(/%$/, '')) / (value.endsWith('%') ? 100 : 1);
  if (!(n > 0 && n < 1))
    throw new InvalidArgumentError('--service-level must be between 0 and 1, e.g. 0.95 or 95%');
  return n;
};

const csvCell = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

export function replenishCommand(program: Command): void {
  program
    .command('replenish')
    .description(
      'order suggestions per store × SKU from forecast sales (以销定采), or a simulation against a naive rule 补货建议',
    )
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .option('--date <date>', 'the evening the orders are placed (default: the last day with sales)')
    .option(
      '--lead-time <days>',
      'days from order to delivery (1 = next morning)',
      integer('lead time'),
      DEFAULT_POLICY.leadTime,
    )
    .option('--review <days>', 'days between orders', integer('review'), DEFAULT_POLICY.reviewPeriod)
    .option('--service-level <p>', 'share of demand to serve from stock', share, DEFAULT_POLICY.serviceLevel)
    .option('--stores <ids>', 'only these stores, e.g. 1,2,3', list)
    .option('--out <file>', 'write every suggestion as CSV')
    .option('--limit <n>', 'rows to print', integer('limit'), 20)
    .option(
      '--simulate <days>',
      'replay the last N days with these suggestions and with the naive rule',
      integer('simulate'),
    )
    .addHelpText(
      'after',
      `
Order = forecast demand until the next delivery + safety stock (service level × the forecast's error)
− on hand − on order, rounded up to packs; perishables are capped at what is expected to sell within
their shelf life. The naive rule reorders what sold since the last order.

Examples:
  zhongtai replenish --db data/zhongtai.duckdb --out orders.csv
  zhongtai replenish --db data/zhongtai.duckdb --simulate 56 --service-level 95%`,
    )
    .action(async (opts) => {
      const engine = await openDb(opts.db, false, true);
      try {
        const date = opts.date ?? (await lastSalesDay(engine));
        const policy: PolicyOptions = {
          ...DEFAULT_POLICY,
          leadTime: opts.leadTime,
          reviewPeriod: opts.review,
          serviceLevel: opts.serviceLevel,
        };
        const stores = opts.stores?.map(Number);
        if (opts.simulate) {
          const set = await readSeries(engine, {
            from: isoDay(dayNumber(date) - opts.simulate - policy.window + 1),
            to: date,
            ...(stores ? { stores } : {}),
          });
          const results = simulateReplenishment(set, opts.simulate, policy);
          console.log(
            `Simulation 补货模拟: ${set.series.length} store × SKU series, the ${opts.simulate} days to ${date}, lead time ${policy.leadTime}, review ${policy.reviewPeriod}, service level ${policy.serviceLevel}`,
          );
          const rows = [
            [
              'policy 策略',
              'fill rate 满足率',
              'lost 缺货',
              'lost ¥',
              'waste 损耗',
              'waste ¥',
              'avg stock 平均库存',
            ],
            ...results.map((r) => [
              r.policy === 'forecast' ? 'forecast 以销定采' : 'naive 卖多少补多少',
              `${(r.fillRate * 100).toFixed(2)}%`,
              r.lost.toFixed(0),
              r.lostValue.toFixed(0),
              r.wasted.toFixed(0),
              r.wastedValue.toFixed(0),
              r.averageStock.toFixed(2),
            ]),
          ];
          const width = (t: string) => [...t].reduce((w, ch) => w + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
          const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ''))));
          const pad = (c: string, i: number) => ' '.repeat((widths[i] ?? 0) - width(c));
          for (const r of rows)
            console.log(r.map((c, i) => (i === 0 ? c + pad(c, i) : pad(c, i) + c)).join('  '));
          return;
        }
        const suggestions = await suggestOrders(engine, date, policy, stores);
        const orders = suggestions.filter((s) => s.order > 0).sort((a, b) => b.orderCost - a.orderCost);
        if (opts.out) {
          const header =
            'store,sku,name,on_hand,on_order,demand,safety_stock,order_qty,packs,order_cost,shelf_life_days';
          const lines = suggestions.map((s) =>
            [
              s.store,
              s.sku,
              s.name,
              s.onHand,
              s.onOrder,
              s.demand.toFixed(2),
              s.safety.toFixed(2),
              s.order,
              s.packs,
              s.orderCost.toFixed(2),
              s.shelfLife ?? '',
            ]
              .map(csvCell)
              .join(','),
          );
          writeFileSync(opts.out, `${header}\n${lines.join('\n')}\n`);
        }
        console.log(
          `Orders for the evening of ${date} 补货建议: ${orders.length} of ${suggestions.length} store × SKU lines to order${opts.out ? `; all written to ${opts.out}` : ''}`,
        );
        for (const s of orders.slice(0, opts.limit)) {
          console.log(
            `store ${s.store}  sku ${s.sku} ${s.name}: on hand ${s.onHand}, on order ${s.onOrder}, demand ${s.demand.toFixed(1)} + safety ${s.safety.toFixed(1)} → order ${s.order} (${s.packs} packs, ¥${s.orderCost.toFixed(2)} at cost)`,
          );
        }
      } finally {
        await engine.close();
      }
    });
}

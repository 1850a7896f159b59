import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemo } from '../src/demo/index.js';
import { refreshRollups, runQuery } from '../src/metrics/index.js';
import { openWarehouse, type Warehouse } from '../src/warehouse/index.js';
import { median, table, timed } from './stats.js';

/**
 * Dashboard questions asked through the metric layer and as SQL written by hand for DuckDB, alternating
 * in one run, so the ratio is measured on the same machine at the same moment.
 */
interface Case {
  name: string;
  ours: object;
  raw: (to: string) => string;
}

const day = (d: string) => `DATE '${d}'`;
const minus = (to: string, days: number) =>
  new Date(Date.parse(`${to}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
const yearBefore = (d: string) => `${Number(d.slice(0, 4)) - 1}${d.slice(4)}`;

export function cases(to: string): Case[] {
  const from30 = minus(to, 29);
  const fromQuarter = minus(to, 90);
  return [
    {
      name: 'chain overview 30 days, YoY',
      ours: {
        metrics: ['net_sales', 'orders', 'atv', 'gross_margin'],
        timeRange: { from: from30, to },
        compare: 'yoy',
      },
      raw: () => `
        WITH cur AS (SELECT sum(net) AS net, sum(net - cost) AS gp FROM sales_line WHERE date BETWEEN ${day(from30)} AND ${day(to)}),
             cur_o AS (SELECT count(*) AS n FROM orders WHERE status = 'completed' AND date BETWEEN ${day(from30)} AND ${day(to)}),
             prev AS (SELECT sum(net) AS net, sum(net - cost) AS gp FROM sales_line WHERE date BETWEEN ${day(yearBefore(from30))} AND ${day(yearBefore(to))}),
             prev_o AS (SELECT count(*) AS n FROM orders WHERE status = 'completed' AND date BETWEEN ${day(yearBefore(from30))} AND ${day(yearBefore(to))})
        SELECT cur.net, cur_o.n, cur.net / cur_o.n, cur.gp / cur.net, prev.net, prev_o.n, prev.net / prev_o.n, prev.gp / prev.net
        FROM cur, cur_o, prev, prev_o`,
    },
    {
      name: 'store × month: sales, orders, ATV',
      ours: { metrics: ['net_sales', 'orders', 'atv'], dimensions: ['store', 'month'] },
      raw: () => `
        WITH s AS (SELECT s.name, date_trunc('month', l.date) AS m, sum(l.net) AS net FROM sales_line l JOIN store s USING (store_id) GROUP BY 1, 2),
             o AS (SELECT s.name, date_trunc('month', o.date) AS m, count(*) AS n FROM orders o JOIN store s USING (store_id) WHERE o.status = 'completed' GROUP BY 1, 2)
        SELECT s.name, s.m, s.net, o.n, s.net / o.n FROM s JOIN o USING (name, m) ORDER BY 1, 2`,
    },
    {
      name: 'region × format × week: gross margin',
      ours: {
        metrics: ['net_sales', 'gross_margin'],
        dimensions: ['region', 'format', 'week'],
        timeRange: { from: fromQuarter, to },
      },
      raw: () => `
        SELECT s.region, s.format, date_trunc('week', l.date) AS w, sum(l.net), sum(l.net - l.cost) / sum(l.net)
        FROM sales_line l JOIN store s USING (store_id) WHERE l.date BETWEEN ${day(fromQuarter)} AND ${day(to)} GROUP BY 1, 2, 3 ORDER BY 3, 1, 2`,
    },
    {
      name: 'top 100 SKUs by gross profit, quarter',
      ours: {
        metrics: ['gross_profit', 'gross_margin'],
        dimensions: ['sku'],
        timeRange: { from: fromQuarter, to },
        order: [{ by: 'gross_profit', desc: true }],
        limit: 100,
      },
      raw: () => `
        SELECT p.name, sum(l.net - l.cost) AS gp, sum(l.net - l.cost) / sum(l.net) FROM sales_line l JOIN product p USING (sku)
        WHERE l.date BETWEEN ${day(fromQuarter)} AND ${day(to)} GROUP BY 1 ORDER BY gp DESC LIMIT 100`,
    },
    {
      name: 'hour × weekday conversion, quarter',
      ours: {
        metrics: ['conversion_rate'],
        dimensions: ['weekday', 'hour_of_day'],
        timeRange: { from: fromQuarter, to },
      },
      raw: () => `
        WITH o AS (SELECT isodow(date) AS wd, hour(ts) AS h, count(*) AS n FROM orders
                   WHERE status = 'completed' AND channel IN ('pos', 'self_checkout', 'scan_and_go') AND date BETWEEN ${day(fromQuarter)} AND ${day(to)} GROUP BY 1, 2),
             t AS (SELECT isodow(date) AS wd, hour AS h, sum(visitors_in) AS v FROM traffic WHERE date BETWEEN ${day(fromQuarter)} AND ${day(to)} GROUP BY 1, 2)
        SELECT t.wd, t.h, o.n / t.v FROM t LEFT JOIN o USING (wd, h) ORDER BY 1, 2`,
    },
    {
      name: '动销率 SKU movement, store × week, 4 weeks',
      ours: {
        metrics: ['sku_movement_rate'],
        dimensions: ['store', 'week'],
        timeRange: { from: minus(to, 27), to },
      },
      raw: () => `
        WITH s AS (SELECT st.name, date_trunc('week', l.date) AS w, count(DISTINCT CASE WHEN l.qty > 0 THEN l.sku END) AS n
                   FROM sales_line l JOIN store st USING (store_id) WHERE l.date BETWEEN ${day(minus(to, 27))} AND ${day(to)} GROUP BY 1, 2),
             i AS (SELECT st.name, date_trunc('week', p.date) AS w, count(DISTINCT p.sku) AS n
                   FROM (SELECT store_id, sku, date FROM sales_line WHERE qty > 0 AND date BETWEEN ${day(minus(to, 27))} AND ${day(to)}
                         UNION ALL SELECT store_id, sku, date FROM inventory_snapshot WHERE on_hand_qty > 0 AND date BETWEEN ${day(minus(to, 27))} AND ${day(to)}) p
                   JOIN store st USING (store_id) GROUP BY 1, 2)
        SELECT i.name, i.w, s.n / i.n FROM i LEFT JOIN s USING (name, w) ORDER BY 2, 1`,
    },
    {
      name: '库存天数 days of inventory by category, month',
      ours: { metrics: ['days_of_inventory'], dimensions: ['category_l1'], timeRange: { from: from30, to } },
      raw: () => `
        WITH e AS (SELECT p.category_l1 AS c, arg_max(v, date) AS v FROM (
                     SELECT p.category_l1, i.date, sum(i.on_hand_cost) AS v FROM inventory_snapshot i JOIN product p USING (sku)
                     WHERE i.date BETWEEN ${day(from30)} AND ${day(to)} GROUP BY 1, 2) p GROUP BY 1),
             g AS (SELECT p.category_l1 AS c, sum(l.cost) AS cogs FROM sales_line l JOIN product p USING (sku)
                   WHERE l.date BETWEEN ${day(from30)} AND ${day(to)} GROUP BY 1)
        SELECT e.c, e.v / (g.cogs / 30) FROM e JOIN g USING (c) ORDER BY 2 DESC`,
    },
    {
      name: '复购率 member repurchase, month',
      ours: { metrics: ['repurchase_rate', 'active_members'], timeRange: { from: from30, to } },
      raw: () => `
        WITH m AS (SELECT member_id, count(*) AS n FROM orders
                   WHERE status = 'completed' AND member_id IS NOT NULL AND date BETWEEN ${day(from30)} AND ${day(to)} GROUP BY 1)
        SELECT count(*) FILTER (WHERE n >= 2) / count(*), count(*) FROM m`,
    },
    {
      name: 'category L1 × channel, orders from lines, month',
      ours: {
        metrics: ['net_sales', 'orders', 'atv'],
        dimensions: ['category_l1', 'channel'],
        timeRange: { from: from30, to },
      },
      raw: () => `
        SELECT p.category_l1, l.channel, sum(l.net), count(DISTINCT CASE WHEN l.qty > 0 THEN l.order_id END),
               sum(l.net) / count(DISTINCT CASE WHEN l.qty > 0 THEN l.order_id END)
        FROM sales_line l JOIN product p USING (sku) WHERE l.date BETWEEN ${day(from30)} AND ${day(to)} GROUP BY 1, 2`,
    },
  ];
}

/** The benchmark's demo chain of `lines` sales lines over `stores` stores (made once, kept in .bench-cache). */
export async function benchChain(options: { lines: number; stores: number }): Promise<{
  engine: Warehouse;
  lines: number;
  to: string;
}> {
  const dir = '.bench-cache';
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `demo-${options.stores}s-${options.lines}.duckdb`);
  const fresh = !existsSync(path);
  const engine = await openWarehouse({ path });
  if (fresh) {
    console.log(
      `Generating ${options.lines.toLocaleString('en')} demo lines into ${path} (cached for later runs)…`,
    );
    const summary = await generateDemo(
      engine,
      { stores: options.stores, days: 730, lines: options.lines, skus: 5000 },
      (phase, done, total) => process.stderr.write(`\r  ${phase} ${done}/${total}   `),
    );
    process.stderr.write('\n');
    console.log(
      `Generated ${summary.salesLines.toLocaleString('en')} sales lines in ${summary.seconds.toFixed(1)} s = ` +
        `${Math.round(summary.salesLines / summary.seconds).toLocaleString('en')} lines/s; file ${(statSync(path).size / 2 ** 30).toFixed(2)} GiB`,
    );
  }
  const [{ n, to } = { n: 0, to: '' }] = (await engine.query(
    'SELECT count(*) AS n, CAST(max(date) AS VARCHAR) AS "to" FROM sales_line',
  )) as { n: number; to: string }[];
  return { engine, lines: Number(n), to };
}

export async function benchQueries(options: { lines: number; runs: number; stores: number }): Promise<void> {
  const { engine, lines: n, to } = await benchChain(options);
  const refreshed = await refreshRollups(engine);
  for (const r of refreshed)
    console.log(
      `rollup ${r.rollup}: ${r.rows.toLocaleString('en')} rows, ${r.days === 'all' ? 'built' : `${r.days} days`} in ${r.seconds.toFixed(1)} s`,
    );
  console.log(
    `\n${Number(n).toLocaleString('en')} sales lines; medians of ${options.runs} runs, ours from the rows, ours with rollups and raw SQL alternating\n`,
  );
  const rows: (string | number)[][] = [
    [
      'query',
      'ours, rows (ms)',
      'raw SQL (ms)',
      'ratio',
      'ours, rollups (ms)',
      'rollups read',
      'cached (ms)',
    ],
  ];
  // Each run asks the engine: the result cache would otherwise answer every run after the first.
  const fromRows = { rollups: false, cache: false };
  const withRollups = { cache: false };
  for (const c of cases(to)) {
    await runQuery(engine, c.ours, fromRows);
    await engine.query(c.raw(to));
    const read = (await runQuery(engine, c.ours, withRollups)).meta.rollups;
    const ours: number[] = [];
    const raw: number[] = [];
    const rolled: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      ours.push(await timed(() => runQuery(engine, c.ours, fromRows)));
      raw.push(await timed(() => engine.query(c.raw(to))));
      rolled.push(await timed(() => runQuery(engine, c.ours, withRollups)));
    }
    // The same question again with nothing written since: the result cache answers.
    await runQuery(engine, c.ours);
    const hits: number[] = [];
    for (let i = 0; i < 3; i++) hits.push(await timed(() => runQuery(engine, c.ours)));
    rows.push([
      c.name,
      median(ours),
      median(raw),
      median(ours) / median(raw),
      median(rolled),
      read.join(' ') || '—',
      median(hits),
    ]);
  }
  console.log(table(rows));
  console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  await engine.close();
}

import { type Column, TABLES, type Table } from '../../model/index.js';
import { quoteName as q } from './literals.js';

/** The ClickHouse type of each column type of the model (booleans as UInt8: 18.x has no Bool). */
const TYPES: Record<Column['type'], string> = {
  string: 'String',
  int: 'Int32',
  bigint: 'Int64',
  money: 'Decimal(18,2)',
  quantity: 'Decimal(12,3)',
  double: 'Float64',
  date: 'Date',
  timestamp: 'DateTime',
  bool: 'UInt8',
};

export const SCHEMA_VERSION = 1;

/**
 * A MergeTree table per model table, sorted by day and store where it has them (a range of days and a
 * store's grant read only their parts), else by its key. Nullable columns cannot sort a MergeTree.
 */
export function createTableSql(table: Table, name = table.name): string {
  const columns = table.columns.map(
    (c) => `${q(c.name)} ${c.nullable ? `Nullable(${TYPES[c.type]})` : TYPES[c.type]}`,
  );
  const sortable = (name: string) => table.columns.some((c) => c.name === name && !c.nullable);
  const order =
    table.kind === 'fact' ? ['date', 'store_id', 'sku'].filter(sortable) : table.key.filter(sortable);
  // Facts by month: a load's months are replaced whole and at once (REPLACE PARTITION), never half-visible.
  const partition = table.kind === 'fact' && sortable('date') ? ' PARTITION BY toYYYYMM(`date`)' : '';
  return `CREATE TABLE IF NOT EXISTS ${q(name)} (${columns.join(', ')}) ENGINE = MergeTree()${partition} ORDER BY (${order.map(q).join(', ') || 'tuple()'})`;
}

/** The local table of a sharded fact: what each shard holds of it. */
export const localName = (table: string) => `${table}_local`;

/**
 * On a cluster: each fact is a local MergeTree on every shard and, under the model's name, a Distributed
 * table over them, split by store (a store's rows on one shard); dimensions are whole on every node, so the
 * joins above the facts run where the query arrives.
 */
export function clusterStatements(cluster: string, database: string): string[] {
  const out: string[] = [];
  for (const table of TABLES) {
    if (table.kind !== 'fact') {
      out.push(createTableSql(table));
      continue;
    }
    const byStore = table.columns.some((c) => c.name === 'store_id' && !c.nullable);
    out.push(
      createTableSql(table, localName(table.name)),
      `CREATE TABLE IF NOT EXISTS ${q(table.name)} AS ${q(localName(table.name))} ENGINE = Distributed(${q(cluster)}, ${q(database)}, ${q(localName(table.name))}, ${byStore ? 'intHash32(store_id)' : 'rand()'})`,
    );
  }
  return out;
}

/**
 * The model's tables, and the catalogue's forecast facts as empty tables: forecasts are trained and kept in
 * the embedded warehouse for now (the views that pick each day's newest run need window functions, which
 * 18.x lacks), so on ClickHouse the forecast metrics answer nothing rather than fail.
 */
export function schemaStatements(cluster?: { name: string; database: string }): string[] {
  return [
    'CREATE TABLE IF NOT EXISTS zhongtai_meta (key String, value String) ENGINE = ReplacingMergeTree() ORDER BY key',
    ...(cluster ? clusterStatements(cluster.name, cluster.database) : TABLES.map((t) => createTableSql(t))),
    `CREATE TABLE IF NOT EXISTS forecast_day (store_id Int32, date Date, run_id Int64, p10 Float64, p50 Float64,
       p90 Float64, actual Nullable(Float64), abs_error Nullable(Float64)) ENGINE = MergeTree() ORDER BY (date, store_id)`,
    // The same view as on DuckDB (see SKU_PRESENCE_VIEW there). Created if missing, like every table here:
    // dropping and re-creating it on each open raced when two engines opened the same nodes at once.
    `CREATE VIEW IF NOT EXISTS sku_presence AS SELECT store_id, sku, date, toUInt8(1) AS sold FROM sales_line
       WHERE qty > 0 UNION ALL SELECT store_id, sku, date, toUInt8(0) AS sold FROM inventory_snapshot WHERE on_hand_qty > 0`,
    `CREATE TABLE IF NOT EXISTS forecast_sku_day (store_id Int32, sku Int32, date Date, run_id Int64, p10 Float64,
       p50 Float64, p90 Float64) ENGINE = MergeTree() ORDER BY (date, store_id, sku)`,
    MEMBERSHIP_REVENUE_DAY_VIEW,
    // As on DuckDB: phased targets to the last day with sales. A join, not a scalar subquery: ClickHouse runs a
    // view's scalar subqueries when it is created, and on a cluster the other shards' tables may not exist yet.
    // On a cluster the day is found once and sent to the shards (GLOBAL), not asked by each shard of the others.
    `CREATE VIEW IF NOT EXISTS target_to_date AS SELECT kpi, store_id, date, value FROM target_day
       ${cluster ? 'GLOBAL ' : ''}CROSS JOIN (SELECT max(date) AS last_day FROM (SELECT date FROM sales_line UNION ALL SELECT date FROM store_day_sales))
       WHERE date <= last_day`,
    // The newest forecasts of the days after the last day with sales, as on DuckDB (empty here: forecasts live in
    // the warehouse file, so projections on ClickHouse are actual only).
    `CREATE VIEW IF NOT EXISTS forecast_rest AS SELECT store_id, date, p50 FROM forecast_day
       ${cluster ? 'GLOBAL ' : ''}CROSS JOIN (SELECT max(date) AS last_day FROM (SELECT date FROM sales_line UNION ALL SELECT date FROM store_day_sales))
       WHERE date > last_day`,
  ];
}

/**
 * Membership fees sold and earned by day: the same view as on DuckDB (see MEMBERSHIP_REVENUE_DAY_VIEW there),
 * in ClickHouse 18's words — each period's days by ARRAY JOIN over range(n), whole fen shared out as
 * ⌊fen·(k+1)/n⌋ − ⌊fen·k/n⌋, Decimal(18,2) throughout so the days add up to the sale exactly.
 */
const PERIODS = `SELECT membership_id, any(store_id) AS store_id, any(plan) AS plan,
    maxIf(date, change = 'sale') AS sold_on, maxIf(date, change = 'start') AS starts_on,
    toInt64(maxIf(date, change = 'end') - maxIf(date, change = 'start')) AS n,
    toInt64(round(toFloat64(sumIf(amount, change = 'sale')) * 100)) AS fen
  FROM paid_member_change GROUP BY membership_id`;
export const MEMBERSHIP_REVENUE_DAY_VIEW = `CREATE VIEW IF NOT EXISTS membership_revenue_day AS
  SELECT membership_id, sold_on AS date, store_id, plan, toDecimal64(fen, 2) / 100 AS sold, toDecimal64(0, 2) AS earned
  FROM (${PERIODS})
  UNION ALL
  SELECT membership_id, starts_on + k AS date, store_id, plan, toDecimal64(0, 2) AS sold,
         toDecimal64(intDiv(fen * (k + 1), n) - intDiv(fen * k, n), 2) / 100 AS earned
  FROM (${PERIODS})
  ARRAY JOIN range(toUInt64(greatest(n, 0))) AS k`;

import { type Column, FIRST_VERSION, STORE_VERSIONED, TABLES, type Table } from '../../model/index.js';

/**
 * Versioned schema migrations. A file is stamped with the version it was migrated to; opening an older
 * file applies the missing steps in one transaction, a newer one is refused.
 */
/** Table name → its column names, as the file holds them now. */
export type Schema = Map<string, Set<string>>;

export interface Migration {
  version: number;
  description: string;
  /** The statements, given the columns each table has now (so a step adds only what is missing). */
  statements: (existing: Schema) => string[];
}

/** The DuckDB type of each column type of the model. */
export const DUCKDB_TYPES: Record<Column['type'], string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  money: 'DECIMAL(18,2)',
  quantity: 'DECIMAL(12,3)',
  double: 'DOUBLE',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  bool: 'BOOLEAN',
};

export function createTableSql(table: Table): string {
  const columns = table.columns.map(
    (col) => `"${col.name}" ${DUCKDB_TYPES[col.type]}${col.nullable ? '' : ' NOT NULL'}`,
  );
  // Keys are enforced on the small dimension tables only: an index on a 100M-row fact would slow
  // every bulk load, and fact loads dedupe on their natural key themselves.
  if (table.kind === 'dimension') columns.push(`PRIMARY KEY (${table.key.map((k) => `"${k}"`).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS "${table.name}" (${columns.join(', ')})`;
}

const SQL_TYPE_OF = (table: Table, column: string) => {
  const found = table.columns.find((col) => col.name === column);
  if (!found) throw new Error(`no column ${table.name}.${column}`);
  return DUCKDB_TYPES[found.type];
};

/**
 * Brings any older file to the model as declared now: the tables and columns it lacks. A file created fresh
 * (already in shape) needs nothing.
 */
function reconcile(existing: Schema): string[] {
  const statements = TABLES.filter((t) => !existing.has(t.name)).map(createTableSql);
  for (const table of TABLES) {
    const columns = existing.get(table.name);
    if (!columns) continue;
    for (const col of table.columns) {
      if (!columns.has(col.name))
        statements.push(
          `ALTER TABLE "${table.name}" ADD COLUMN "${col.name}" ${SQL_TYPE_OF(table, col.name)}`,
        );
    }
  }
  return statements;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'unified retail data model: dimensions, facts, calendar',
    statements: () => TABLES.map(createTableSql),
  },
  {
    version: 2,
    description:
      'ingest: load history, rejects, store attributes, store-day sales summaries, load_id on facts',
    statements: (existing) => [
      ...reconcile(existing),
      'ALTER TABLE store ALTER COLUMN selling_area_m2 DROP NOT NULL',
      'ALTER TABLE store_day ALTER COLUMN selling_area_m2 DROP NOT NULL',
      `CREATE TABLE IF NOT EXISTS ingest_load (
         load_id BIGINT PRIMARY KEY, source VARCHAR NOT NULL, spec VARCHAR NOT NULL, spec_hash VARCHAR NOT NULL,
         files VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP, status VARCHAR NOT NULL,
         loaded BIGINT NOT NULL DEFAULT 0, rejected BIGINT NOT NULL DEFAULT 0, skipped BIGINT NOT NULL DEFAULT 0,
         message VARCHAR)`,
      `CREATE TABLE IF NOT EXISTS ingest_reject (
         load_id BIGINT NOT NULL, file VARCHAR NOT NULL, line BIGINT, field VARCHAR, reason VARCHAR NOT NULL, raw VARCHAR)`,
    ],
  },
  {
    version: 3,
    description: 'live sources: high-water marks, last run, last error',
    statements: () => [
      `CREATE TABLE IF NOT EXISTS ingest_source_state (
         source VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, watermark VARCHAR, rows_total BIGINT NOT NULL DEFAULT 0,
         last_run TIMESTAMP, last_success TIMESTAMP, last_error VARCHAR)`,
    ],
  },
  {
    version: 4,
    description: 'store history: attribute versions with validity dates',
    statements: (existing) => [...reconcile(existing), seedStoreHistory()],
  },
  {
    version: 5,
    description: 'load lineage: the SHA-256 of every file a load read',
    statements: () => ['ALTER TABLE ingest_load ADD COLUMN IF NOT EXISTS file_hashes VARCHAR'],
  },
  {
    version: 6,
    description: 'rollback of any load: rows a load overwrote or deleted, and the keys it wrote',
    statements: () => [
      `CREATE TABLE IF NOT EXISTS ingest_undo (
         load_id BIGINT NOT NULL, table_name VARCHAR NOT NULL, kind VARCHAR NOT NULL, row_json VARCHAR NOT NULL)`,
    ],
  },
  {
    version: 7,
    description: 'forecasts: the forecast fact and the runs that wrote it',
    statements: (existing) => [
      ...reconcile(existing),
      `CREATE TABLE IF NOT EXISTS forecast_run (
         run_id BIGINT PRIMARY KEY, created_at TIMESTAMP NOT NULL, level VARCHAR NOT NULL, model VARCHAR NOT NULL,
         origin DATE NOT NULL, horizon INTEGER NOT NULL, series INTEGER NOT NULL, seconds DOUBLE NOT NULL,
         interval_q10 DOUBLE, interval_q90 DOUBLE)`,
    ],
  },
  {
    version: 8,
    description: 'forecasts per store × category and store × SKU: the category of a forecast row',
    statements: (existing) => reconcile(existing),
  },
  {
    version: 9,
    description: 'forecast_day: the newest store forecast of each day beside its actual',
    statements: () => [FORECAST_DAY_VIEW],
  },
  {
    version: 10,
    description:
      'rollups: the days of each fact changed since its rollups were refreshed, and when each was built',
    statements: () => [
      'CREATE TABLE IF NOT EXISTS fact_change (table_name VARCHAR NOT NULL, date DATE)',
      `CREATE TABLE IF NOT EXISTS rollup_state (
         rollup_id VARCHAR PRIMARY KEY, fact_table VARCHAR NOT NULL, definition VARCHAR NOT NULL,
         built_at TIMESTAMP NOT NULL, rows BIGINT NOT NULL)`,
    ],
  },
  {
    version: 11,
    description:
      'forecast_sku_day: the newest store × SKU forecast of each day (suppliers see their products)',
    statements: () => [FORECAST_SKU_DAY_VIEW],
  },
  {
    version: 12,
    description: 'sku_presence: the store-SKU-days with a sale or with stock (动销率 divides by them)',
    statements: () => [SKU_PRESENCE_VIEW],
  },
  {
    version: 13,
    description: 'weather_day: daily weather per city or area, observed and forecast (a forecast input)',
    statements: (existing) => reconcile(existing),
  },
  {
    version: 14,
    description: 'wallet_entry, points_entry: the member center’s ledgers, relayed from its outbox',
    statements: (existing) => reconcile(existing),
  },
  {
    version: 15,
    description: 'paid_member_change: paid membership periods as member counts and sales, from the outbox',
    statements: (existing) => reconcile(existing),
  },
  {
    version: 16,
    description:
      'member center: member codes and merges on member; membership_revenue_day: membership fees earned by day',
    statements: (existing) => [...reconcile(existing), MEMBERSHIP_REVENUE_DAY_VIEW],
  },
  {
    version: 17,
    description: 'promotion_allocation: the promotion center’s discounts by checkout line, from its outbox',
    statements: (existing) => reconcile(existing),
  },
  {
    version: 18,
    description: 'paid_member_change.renewals: paid periods bought by members who paid before (续费)',
    statements: (existing) => reconcile(existing),
  },
  {
    version: 19,
    description:
      'center_promotion, coupon_issue, promotion_allocation.coupon_code and order_ref: the promotion center’s promotions, coupons issued and redeemed, the till’s order',
    statements: (existing) => reconcile(existing),
  },
  {
    version: 20,
    description:
      'campaign_target (targeted members and hold-outs), campaign_result, member_score, member.recruited_by, campaign.other_cost; costs, budgets, coupon faces and issue days may be unknown',
    statements: (existing) => [
      ...reconcile(existing),
      'ALTER TABLE sales_line ALTER COLUMN cost DROP NOT NULL',
      'ALTER TABLE campaign ALTER COLUMN budget DROP NOT NULL',
      'ALTER TABLE coupon ALTER COLUMN face_value DROP NOT NULL',
      'ALTER TABLE coupon ALTER COLUMN issued_date DROP NOT NULL',
      // Audiences (人群): saved rules over members and their member lists, kept beside the members they list.
      `CREATE TABLE IF NOT EXISTS audience (
         audience_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, rule VARCHAR NOT NULL, owner VARCHAR NOT NULL,
         stores VARCHAR, schedule VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, refreshed_at TIMESTAMP,
         size BIGINT NOT NULL DEFAULT 0)`,
      'CREATE TABLE IF NOT EXISTS audience_member (audience_id INTEGER NOT NULL, member_id BIGINT NOT NULL)',
      MEMBER_ORDERS_VIEW,
    ],
  },
  {
    version: 21,
    description:
      'target, target_day: targets as set and phased to store-days; target_to_date: the phased days to the last day with sales',
    statements: (existing) => [...reconcile(existing), TARGET_TO_DATE_VIEW],
  },
  {
    version: 22,
    description:
      'forecast_rest: the newest store forecast of the days after the last day with sales (预计达成)',
    statements: () => [FORECAST_REST_VIEW],
  },
];

/** The days still to come of the newest store forecasts: projections add them to what was sold. */
const FORECAST_REST_VIEW = `CREATE OR REPLACE VIEW forecast_rest AS
  SELECT store_id, date, p50 FROM forecast_day WHERE date > (SELECT greatest(
    coalesce((SELECT max(date) FROM sales_line), DATE '1900-01-01'),
    coalesce((SELECT max(date) FROM store_day_sales), DATE '1900-01-01')))`;

/**
 * Phased targets up to the last day with sales (store-day or line facts): attainment (达成率) divides what was sold by
 * the target of the days sold so far, so a month-to-date figure on the 12th is fair.
 */
const TARGET_TO_DATE_VIEW = `CREATE OR REPLACE VIEW target_to_date AS
  SELECT * FROM target_day WHERE date <= (SELECT greatest(
    coalesce((SELECT max(date) FROM sales_line), DATE '1900-01-01'),
    coalesce((SELECT max(date) FROM store_day_sales), DATE '1900-01-01')))`;

/**
 * Members' orders as member analytics reads them (RFM, lifetime value, cohorts, tiers, clerks): the order headers
 * where the warehouse has them; a warehouse loaded from line-level exports only (a panel such as The Complete
 * Journey, whose lines carry their basket) has no headers at all, and its orders are rebuilt from the lines. The
 * check is on the whole table, read once: a chain with headers never pays for the rebuild.
 */
const MEMBER_ORDERS_VIEW = `CREATE OR REPLACE VIEW member_orders AS
  SELECT order_id, ts, date, store_id, channel, member_id, status, net FROM orders
  UNION ALL
  SELECT order_id, min(ts), min(date), any_value(store_id), any_value(channel), any_value(member_id), 'completed', sum(net)
  FROM sales_line WHERE member_id IS NOT NULL AND (SELECT count(*) FROM (SELECT 1 FROM orders LIMIT 1)) = 0
  GROUP BY order_id`;

/**
 * Paid membership fees as sold and as earned, per period and day: the sale (price less any refund) on the day
 * bought, and that amount earned evenly over the days the period ran — in whole fen, the k-th day taking
 * ⌊fen·(k+1)/n⌋ − ⌊fen·k/n⌋, so the days add up to the sale exactly and the running total on any day equals
 * the member center's ledger (earned to the end of that day). What is sold and not yet earned is the
 * deferred revenue (递延收入). Decimal throughout: DuckDB divides decimals as doubles, so fen become yuan by
 * multiplying by 0.01.
 */
export const MEMBERSHIP_REVENUE_DAY_VIEW = `CREATE OR REPLACE VIEW membership_revenue_day AS
  WITH periods AS (
    SELECT membership_id, any_value(store_id) AS store_id, any_value(plan) AS plan,
           max(CASE WHEN change = 'start' THEN date END) AS starts_on,
           max(CASE WHEN change = 'end' THEN date END) AS ends_after,
           max(CASE WHEN change = 'sale' THEN date END) AS sold_on,
           CAST(round(sum(CASE WHEN change = 'sale' THEN amount ELSE 0 END) * 100) AS BIGINT) AS fen
    FROM paid_member_change GROUP BY membership_id),
  spans AS (SELECT *, CAST(datediff('day', starts_on, ends_after) AS BIGINT) AS n FROM periods),
  days AS (SELECT *, unnest(range(n)) AS k FROM spans WHERE n > 0)
  SELECT membership_id, sold_on AS date, store_id, plan, CAST(CAST(fen AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) AS sold,
         CAST(0 AS DECIMAL(18,2)) AS earned
  FROM spans
  UNION ALL
  SELECT membership_id, CAST(starts_on + CAST(k AS INTEGER) AS DATE), store_id, plan, CAST(0 AS DECIMAL(18,2)),
         CAST(CAST(fen * (k + 1) // n - fen * k // n AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2))
  FROM days`;

/**
 * The catalogue's forecast fact: per store and day, the newest store-level run that forecast it, beside
 * what the store then sold (from sales lines, else store-day summaries) and the absolute error. A view, so
 * a new run or a late sale shows at once; the compiler's date filter reaches the sales scans through the join.
 */
export const FORECAST_DAY_VIEW = `CREATE OR REPLACE VIEW forecast_day AS
  WITH latest AS (
    SELECT store_id, date, run_id, p10, p50, p90 FROM forecast WHERE level = 'store'
    QUALIFY row_number() OVER (PARTITION BY store_id, date ORDER BY run_id DESC) = 1),
  lines AS (SELECT store_id, date, sum(net) AS sales FROM sales_line GROUP BY ALL),
  summaries AS (SELECT store_id, date, sum(net_sales) AS sales FROM store_day_sales GROUP BY ALL)
  SELECT f.store_id, f.date, f.run_id, f.p10, f.p50, f.p90, coalesce(l.sales, s.sales) AS actual,
         abs(coalesce(l.sales, s.sales) - f.p50) AS abs_error
  FROM latest f
  LEFT JOIN lines l ON l.store_id = f.store_id AND l.date = f.date
  LEFT JOIN summaries s ON s.store_id = f.store_id AND s.date = f.date`;

/**
 * Per store, SKU and day, the newest store × SKU run that forecast it: the forecast a product dimension,
 * filter or a supplier's grant needs (the store-level view cannot be cut by product).
 */
export const FORECAST_SKU_DAY_VIEW = `CREATE OR REPLACE VIEW forecast_sku_day AS
  SELECT store_id, sku, date, run_id, p10, p50, p90 FROM forecast WHERE level = 'store-sku' AND sku IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY store_id, sku, date ORDER BY run_id DESC) = 1`;

/**
 * Each store-SKU-day that sold or held stock. 动销率's denominator is the SKUs on hand *or sold* in a period
 * (DESIGN.md): a SKU received and sold out between two snapshots counts, so the rate cannot pass 100%.
 */
export const SKU_PRESENCE_VIEW = `CREATE OR REPLACE VIEW sku_presence AS
  SELECT store_id, sku, date, true AS sold FROM sales_line WHERE qty > 0
  UNION ALL
  SELECT store_id, sku, date, false AS sold FROM inventory_snapshot WHERE on_hand_qty > 0`;

/** A first version, valid since ever, for every store that has none. */
export function seedStoreHistory(): string {
  const cols = STORE_VERSIONED.map((c) => `"${c}"`).join(', ');
  return `INSERT INTO store_history (store_id, valid_from, valid_to, ${cols})
    SELECT store_id, DATE '${FIRST_VERSION}', NULL, ${cols} FROM store WHERE store_id NOT IN (SELECT store_id FROM store_history)`;
}

export const LATEST_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/**
 * The unified retail data model, as data. Engines print their DDL from it, so DuckDB and (later)
 * ClickHouse hold the same tables. Money is exact DECIMAL(18,2), quantities DECIMAL(12,3).
 */
export type ColumnType =
  | 'string'
  | 'int'
  | 'bigint'
  | 'money'
  | 'quantity'
  | 'double'
  | 'date'
  | 'timestamp'
  | 'bool';

export interface Column {
  name: string;
  type: ColumnType;
  nullable?: boolean;
}

export interface Table {
  name: string;
  kind: 'dimension' | 'fact';
  columns: Column[];
  /** Natural key; loads are idempotent on it. */
  key: string[];
}

const c = (name: string, type: ColumnType, nullable = false): Column => ({ name, type, nullable });

/** A store's attributes; every one of them is versioned in store_history. */
const STORE_ATTRIBUTES: Column[] = [
  c('code', 'string'),
  c('name', 'string'),
  c('format', 'string'),
  c('region', 'string'),
  c('city', 'string'),
  c('open_date', 'date'),
  c('close_date', 'date', true),
  c('selling_area_m2', 'double', true),
];

/** What every entry of the member center's ledgers carries into the warehouse. */
const LEDGER_ENTRY: Column[] = [
  c('entry_id', 'bigint'),
  c('member_code', 'string'),
  c('date', 'date'),
  c('ts', 'timestamp'),
  c('kind', 'string'),
  c('store_id', 'int', true),
];

export const TABLES: Table[] = [
  {
    name: 'store',
    kind: 'dimension',
    key: ['store_id'],
    columns: [c('store_id', 'int'), ...STORE_ATTRIBUTES],
  },
  {
    // Versions of each store's attributes with their validity, so KPIs of a past period cut by region or
    // format count each store where it was then. valid_to is exclusive; NULL for the current version.
    name: 'store_history',
    kind: 'dimension',
    key: ['store_id', 'valid_from'],
    columns: [
      c('store_id', 'int'),
      c('valid_from', 'date'),
      c('valid_to', 'date', true),
      ...STORE_ATTRIBUTES,
    ],
  },
  {
    // Attributes a source knows of a store beyond the model's (competition distance, assortment class …).
    name: 'store_attribute',
    kind: 'dimension',
    key: ['store_id', 'name'],
    columns: [c('store_id', 'int'), c('name', 'string'), c('value', 'string', true)],
  },
  {
    name: 'supplier',
    kind: 'dimension',
    key: ['supplier_id'],
    columns: [c('supplier_id', 'int'), c('code', 'string'), c('name', 'string')],
  },
  {
    name: 'product',
    kind: 'dimension',
    key: ['sku'],
    columns: [
      c('sku', 'int'),
      c('code', 'string'),
      c('name', 'string'),
      c('category_l1', 'string'),
      c('category_l2', 'string'),
      c('category_l3', 'string'),
      c('brand', 'string'),
      c('supplier_id', 'int'),
      c('unit', 'string'),
      c('shelf_life_days', 'int', true),
      c('list_price', 'money'),
      c('unit_cost', 'money'),
      c('pack_size', 'int'),
    ],
  },
  {
    name: 'member',
    kind: 'dimension',
    key: ['member_id'],
    columns: [
      c('member_id', 'bigint'),
      c('registered_at', 'timestamp'),
      c('registered_channel', 'string'),
      c('home_store_id', 'int', true),
      c('tier', 'string'),
      c('tier_since', 'date'),
      c('paid_until', 'date', true),
      // Members of the member center: its code, and the member a merged record now belongs to (会员数 leaves
      // merged records out).
      c('member_code', 'string', true),
      c('merged_into', 'bigint', true),
      // The employee who recruited the member (导购拉新), where the till or the app recorded one.
      c('recruited_by', 'int', true),
    ],
  },
  {
    name: 'employee',
    kind: 'dimension',
    key: ['employee_id'],
    columns: [
      c('employee_id', 'int'),
      c('name', 'string'),
      c('store_id', 'int'),
      c('role', 'string'),
      c('hourly_cost', 'money'),
      c('hired_on', 'date'),
    ],
  },
  {
    name: 'calendar',
    kind: 'dimension',
    key: ['date'],
    columns: [
      c('date', 'date'),
      c('weekday', 'int'),
      c('iso_year', 'int'),
      c('iso_week', 'int'),
      c('month', 'int'),
      c('quarter', 'int'),
      c('year', 'int'),
      c('is_workday', 'bool'),
      c('is_holiday', 'bool'),
      c('is_makeup_workday', 'bool'),
      c('holiday_name', 'string', true),
      c('holiday_source', 'string'),
      c('spring_festival_offset', 'int'),
    ],
  },
  {
    name: 'channel',
    kind: 'dimension',
    key: ['channel'],
    columns: [c('channel', 'string'), c('name_zh', 'string'), c('name_en', 'string'), c('in_store', 'bool')],
  },
  {
    name: 'promotion',
    kind: 'dimension',
    key: ['promotion_id'],
    columns: [
      c('promotion_id', 'int'),
      c('name', 'string'),
      c('category_l1', 'string', true),
      c('start_date', 'date'),
      c('end_date', 'date'),
      c('discount_pct', 'double'),
    ],
  },
  {
    name: 'campaign',
    kind: 'dimension',
    key: ['campaign_id'],
    columns: [
      c('campaign_id', 'int'),
      c('name', 'string'),
      c('type', 'string'),
      c('start_date', 'date'),
      c('end_date', 'date'),
      // The plan, where the source has one; what was spent besides coupons (media, print, SMS) in other_cost.
      c('budget', 'money', true),
      c('other_cost', 'money', true),
    ],
  },
  {
    name: 'sales_line',
    kind: 'fact',
    key: ['order_id', 'line_no'],
    columns: [
      c('order_id', 'bigint'),
      c('line_no', 'int'),
      c('ts', 'timestamp'),
      c('date', 'date'),
      c('store_id', 'int'),
      c('channel', 'string'),
      c('sku', 'int'),
      c('member_id', 'bigint', true),
      c('qty', 'quantity'),
      c('gross', 'money'),
      c('discount', 'money'),
      c('net', 'money'),
      // Unknown where the source does not say (a public panel without costs): margins then stay empty, never 0.
      c('cost', 'money', true),
      c('promotion_id', 'int', true),
      c('coupon_id', 'bigint', true),
    ],
  },
  {
    name: 'orders',
    kind: 'fact',
    key: ['order_id'],
    columns: [
      c('order_id', 'bigint'),
      c('ts', 'timestamp'),
      c('date', 'date'),
      c('store_id', 'int'),
      c('channel', 'string'),
      c('member_id', 'bigint', true),
      c('status', 'string'),
      c('net', 'money'),
      c('items', 'int'),
    ],
  },
  {
    // Days each store traded: the denominator of PSD and 坪效. Sources without tickets (a closed day in a
    // POS summary export) still say the store was closed, so the flag is kept, not inferred from sales.
    name: 'store_day',
    kind: 'fact',
    key: ['store_id', 'date'],
    columns: [
      c('store_id', 'int'),
      c('date', 'date'),
      c('is_open', 'bool'),
      c('selling_area_m2', 'double', true),
      c('promo', 'bool', true),
      c('holiday', 'string', true),
      c('school_holiday', 'bool', true),
    ],
  },
  {
    // Sales delivered as store-day summaries (a POS export of daily takings and ticket counts) instead of lines.
    name: 'store_day_sales',
    kind: 'fact',
    key: ['store_id', 'date', 'channel'],
    columns: [
      c('store_id', 'int'),
      c('date', 'date'),
      c('channel', 'string', true),
      c('net_sales', 'money'),
      c('orders', 'int', true),
      c('units', 'quantity', true),
      c('cost', 'money', true),
    ],
  },
  {
    name: 'traffic',
    kind: 'fact',
    key: ['store_id', 'date', 'hour', 'source'],
    columns: [
      c('store_id', 'int'),
      c('date', 'date'),
      c('hour', 'int'),
      c('visitors_in', 'int'),
      c('source', 'string'),
    ],
  },
  {
    name: 'inventory_snapshot',
    kind: 'fact',
    key: ['date', 'store_id', 'sku'],
    columns: [
      c('date', 'date'),
      c('store_id', 'int'),
      c('sku', 'int'),
      c('on_hand_qty', 'quantity'),
      c('on_hand_cost', 'money'),
    ],
  },
  {
    name: 'receipt',
    kind: 'fact',
    key: ['receipt_id', 'sku'],
    columns: [
      c('receipt_id', 'bigint'),
      c('date', 'date'),
      c('store_id', 'int'),
      c('sku', 'int'),
      c('supplier_id', 'int'),
      c('qty', 'quantity'),
      c('cost', 'money'),
    ],
  },
  // The member center's ledgers, relayed from its outbox: one row per wallet or points entry, kept by the
  // entry's id so a batch relayed twice lands once.
  {
    name: 'wallet_entry',
    kind: 'fact',
    key: ['entry_id'],
    columns: [
      ...LEDGER_ENTRY,
      c('principal', 'money'),
      c('bonus', 'money'),
      c('principal_after', 'money'),
      c('bonus_after', 'money'),
    ],
  },
  {
    name: 'points_entry',
    kind: 'fact',
    key: ['entry_id'],
    columns: [...LEDGER_ENTRY, c('points', 'int'), c('balance_after', 'int')],
  },
  // Paid membership as changes the warehouse sums: +1 member the day a period starts, −1 the day after it ends
  // (a refund moves that day), and the sale (price less refund) on the day it was bought. Kept by period and
  // change, so a refund relayed later replaces the period's rows.
  {
    name: 'paid_member_change',
    kind: 'fact',
    key: ['membership_id', 'change'],
    columns: [
      c('membership_id', 'bigint'),
      c('change', 'string'),
      c('member_code', 'string'),
      c('date', 'date'),
      c('store_id', 'int', true),
      c('plan', 'string'),
      c('members', 'int'),
      c('amount', 'money'),
      c('renewals', 'int', true),
    ],
  },
  // The promotion center's discounts as shared to the lines of each checkout (分摊), and taken back by returns:
  // one row per checkout line, promotion and event, so a relay sent twice lands once.
  {
    name: 'promotion_allocation',
    kind: 'fact',
    key: ['entry'],
    columns: [
      c('entry', 'string'),
      c('checkout_id', 'bigint'),
      c('date', 'date'),
      c('ts', 'timestamp'),
      c('store_id', 'int'),
      c('channel', 'string'),
      c('sku', 'int'),
      c('promotion_id', 'string'),
      c('member_code', 'string', true),
      c('amount', 'money'),
      // A coupon's share names its template as the promotion (coupon:<template>) and the code here.
      c('coupon_code', 'string', true),
      // The till's order number (checkout reference): the sales lines of that order carry it as order_id.
      c('order_ref', 'string', true),
    ],
  },
  // The promotion center's promotions and coupon templates (coupon:<template>), as the BI names them.
  {
    name: 'center_promotion',
    kind: 'dimension',
    key: ['promotion_id'],
    columns: [
      c('promotion_id', 'string'),
      c('name_zh', 'string'),
      c('name_en', 'string'),
      c('kind', 'string'),
      c('starts', 'date', true),
      c('ends', 'date', true),
      c('budget', 'money', true),
    ],
  },
  // Coupons issued by the promotion center (发券): one row a coupon, its template as the promotion.
  {
    name: 'coupon_issue',
    kind: 'fact',
    key: ['coupon_code'],
    columns: [
      c('coupon_code', 'string'),
      c('promotion_id', 'string'),
      c('member_code', 'string', true),
      c('date', 'date'),
      c('ts', 'timestamp'),
      c('face', 'money', true),
    ],
  },
  {
    name: 'member_event',
    kind: 'fact',
    key: ['member_id', 'ts', 'type'],
    columns: [
      c('member_id', 'bigint'),
      c('ts', 'timestamp'),
      c('date', 'date'),
      c('type', 'string'),
      c('store_id', 'int', true),
      c('amount', 'money', true),
    ],
  },
  {
    name: 'app_activity',
    kind: 'fact',
    key: ['member_id', 'date', 'channel'],
    columns: [c('member_id', 'bigint'), c('date', 'date'), c('channel', 'string')],
  },
  {
    name: 'shift',
    kind: 'fact',
    key: ['employee_id', 'start_ts'],
    columns: [
      c('employee_id', 'int'),
      c('store_id', 'int'),
      c('date', 'date'),
      c('start_ts', 'timestamp'),
      c('end_ts', 'timestamp'),
      c('role', 'string'),
    ],
  },
  {
    name: 'attendance',
    kind: 'fact',
    key: ['employee_id', 'clock_in'],
    columns: [
      c('employee_id', 'int'),
      c('store_id', 'int'),
      c('date', 'date'),
      c('clock_in', 'timestamp'),
      c('clock_out', 'timestamp'),
      c('role', 'string'),
      c('hours', 'quantity'),
      c('labour_cost', 'money'),
    ],
  },
  {
    name: 'coupon',
    kind: 'fact',
    key: ['coupon_id'],
    columns: [
      c('coupon_id', 'bigint'),
      c('campaign_id', 'int'),
      c('member_id', 'bigint'),
      // Unknown in sources that list redemptions only (Complete Journey).
      c('face_value', 'money', true),
      c('issued_date', 'date', true),
      c('redeemed_date', 'date', true),
      c('order_id', 'bigint', true),
    ],
  },
  {
    // The members a campaign aimed at (target) and, where it kept one, its randomised hold-out: members of the
    // audience deliberately not contacted, the control its lift is measured against.
    name: 'campaign_target',
    kind: 'fact',
    key: ['campaign_id', 'member_id'],
    columns: [c('campaign_id', 'int'), c('member_id', 'bigint'), c('arm', 'string')],
  },
  {
    // Each campaign's evaluation as last run (zhongtai campaigns evaluate), dated by the campaign's last day: what
    // the campaign KPIs sum. Estimates, kept to the fen like the rest of the money.
    name: 'campaign_result',
    kind: 'fact',
    key: ['campaign_id'],
    columns: [
      c('campaign_id', 'int'),
      c('date', 'date'),
      c('evaluated_at', 'timestamp'),
      c('design', 'string'),
      c('targeted', 'int'),
      c('control', 'int'),
      c('redemptions', 'int'),
      c('lift_per_member', 'double', true),
      c('lift_low', 'double', true),
      c('lift_high', 'double', true),
      c('incremental_sales', 'money', true),
      c('incremental_gross_profit', 'money', true),
      c('cost', 'money', true),
      // The whole evaluation as JSON (interval, balance, overlaps, notes): what the campaign page shows.
      c('detail', 'string', true),
    ],
  },
  {
    // Each member's scores as of a day (zhongtai members score): RFM and its segment, the lifetime-value model's
    // P(alive) and expected purchases and spend over the next year, and the member's CLV band. The home store is
    // copied so a store's managers see their own members' scores only.
    name: 'member_score',
    kind: 'dimension',
    key: ['member_id'],
    columns: [
      c('member_id', 'bigint'),
      c('as_of', 'date'),
      c('home_store_id', 'int', true),
      c('recency_days', 'int', true),
      c('frequency', 'int'),
      c('monetary', 'money'),
      c('rfm_segment', 'string', true),
      c('p_alive', 'double', true),
      c('expected_purchases', 'double', true),
      c('expected_value', 'money', true),
      c('clv_band', 'string', true),
    ],
  },
  {
    // Targets (目标/预算) as a chain sets them: a KPI's value for a period (a month, a week) at a level — one store
    // (its code), a region, a format, or the whole chain (code empty). Phased to store-days into target_day.
    name: 'target',
    kind: 'fact',
    key: ['kpi', 'level', 'code', 'period_start'],
    columns: [
      c('kpi', 'string'),
      c('level', 'string'),
      c('code', 'string'),
      c('period_start', 'date'),
      c('period_end', 'date'),
      c('value', 'money'),
    ],
  },
  {
    // Each target spread over its stores and days by last year's curve (zhongtai targets phase): what the
    // target_<kpi> and attainment_<kpi> metrics sum. The days of one target add up to it to the fen.
    name: 'target_day',
    kind: 'fact',
    key: ['kpi', 'store_id', 'date'],
    columns: [c('kpi', 'string'), c('store_id', 'int'), c('date', 'date'), c('value', 'money')],
  },
  {
    // Daily weather per area — a city, or the area a store's `weather_area` attribute names (Rossmann: its
    // German state): observed days and, ahead, a weather service's forecast. Optional: forecasts use it
    // where it is loaded.
    name: 'weather_day',
    kind: 'fact',
    key: ['area', 'date'],
    columns: [
      c('area', 'string'),
      c('date', 'date'),
      c('temp_max_c', 'double', true),
      c('temp_mean_c', 'double', true),
      c('temp_min_c', 'double', true),
      c('precip_mm', 'double', true),
      // Eighths of the sky (oktas, 0…8).
      c('cloud_cover', 'double', true),
      // What the day brought, as the source names it (e.g. Rain, Snow, Fog-Rain, Rain-Thunderstorm; 雨, 雪).
      c('events', 'string', true),
    ],
  },
  {
    // Forecasts written by `zhongtai forecast`: one row per run, store and day (category set for store ×
    // category runs, sku and its category for store × SKU runs),
    // so dashboards can show actual against forecast.
    name: 'forecast',
    kind: 'fact',
    key: ['run_id', 'store_id', 'category', 'sku', 'date'],
    columns: [
      c('run_id', 'bigint'),
      c('level', 'string'),
      c('model', 'string'),
      c('store_id', 'int'),
      c('sku', 'int', true),
      c('category', 'string', true),
      c('date', 'date'),
      c('p10', 'double'),
      c('p50', 'double'),
      c('p90', 'double'),
    ],
  },
];

/** Every fact row records the load that brought it (null for generated demo data). */
for (const table of TABLES) {
  if (table.kind === 'fact') table.columns.push(c('load_id', 'bigint', true));
}

/** The store attributes whose changes open a new version in store_history. */
export const STORE_VERSIONED = [
  'code',
  'name',
  'format',
  'region',
  'city',
  'open_date',
  'close_date',
  'selling_area_m2',
];

/** Since-ever start of a store's first version. */
export const FIRST_VERSION = '1900-01-01';

export function tableByName(name: string): Table {
  const table = TABLES.find((t) => t.name === name);
  if (!table) throw new Error(`no table ${name} in the model`);
  return table;
}

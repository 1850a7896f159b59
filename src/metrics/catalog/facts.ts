import { col, type Expr } from '../../warehouse/index.js';

/** Groups of dimensions that reach a fact through one key. */
export type DimensionGroup =
  | 'time'
  | 'hour'
  | 'store'
  | 'product'
  | 'member'
  | 'channel'
  | 'promotion'
  | 'campaign';

/**
 * A fact as the compiler sees it: its table, its date, and the keys through which dimension groups
 * reach it. A fact without a key for a group cannot be cut by that group's dimensions.
 */
export interface FactDef {
  id: string;
  table: string;
  /** The day of a row, used for time ranges and day-or-coarser grains. */
  date: Expr;
  /** The hour a row falls in (a timestamp), when the source has one. */
  timestamp?: Expr;
  /** An hour-of-day column, for sources that count by hour (people counters). */
  hourColumn?: string;
  keys: Partial<Record<'store' | 'product' | 'member' | 'channel' | 'promotion' | 'campaign', string>>;
  /** The model table whose columns the keys are, when `table` is derived from it (a rollup). */
  columnsOf?: string;
}

const f = (name: string) => col(name, 'f');

export const FACTS: FactDef[] = [
  {
    id: 'sales_line',
    table: 'sales_line',
    date: f('date'),
    timestamp: f('ts'),
    keys: { store: 'store_id', product: 'sku', member: 'member_id', channel: 'channel' },
  },
  {
    id: 'orders',
    table: 'orders',
    date: f('date'),
    timestamp: f('ts'),
    keys: { store: 'store_id', member: 'member_id', channel: 'channel' },
  },
  { id: 'traffic', table: 'traffic', date: f('date'), hourColumn: 'hour', keys: { store: 'store_id' } },
  { id: 'store_day', table: 'store_day', date: f('date'), keys: { store: 'store_id' } },
  {
    id: 'store_day_sales',
    table: 'store_day_sales',
    date: f('date'),
    keys: { store: 'store_id', channel: 'channel' },
  },
  {
    id: 'inventory_snapshot',
    table: 'inventory_snapshot',
    date: f('date'),
    keys: { store: 'store_id', product: 'sku' },
  },
  {
    id: 'wallet_entry',
    table: 'wallet_entry',
    date: f('date'),
    timestamp: f('ts'),
    keys: { store: 'store_id' },
  },
  { id: 'paid_member_change', table: 'paid_member_change', date: f('date'), keys: { store: 'store_id' } },
  {
    id: 'promotion_allocation',
    table: 'promotion_allocation',
    date: f('date'),
    timestamp: f('ts'),
    keys: { store: 'store_id', product: 'sku', channel: 'channel', promotion: 'promotion_id' },
  },
  {
    id: 'coupon_issue',
    table: 'coupon_issue',
    date: f('date'),
    timestamp: f('ts'),
    keys: { promotion: 'promotion_id' },
  },
  // A view over paid_member_change: fees sold on the day bought, earned day by day over the period.
  {
    id: 'membership_revenue_day',
    table: 'membership_revenue_day',
    date: f('date'),
    keys: { store: 'store_id' },
  },
  {
    id: 'points_entry',
    table: 'points_entry',
    date: f('date'),
    timestamp: f('ts'),
    keys: { store: 'store_id' },
  },
  {
    id: 'member_registration',
    table: 'member',
    date: { kind: 'time_bucket', grain: 'day', expr: f('registered_at') },
    timestamp: f('registered_at'),
    keys: { store: 'home_store_id', member: 'member_id' },
  },
  {
    id: 'app_activity',
    table: 'app_activity',
    date: f('date'),
    keys: { member: 'member_id', channel: 'channel' },
  },
  { id: 'attendance', table: 'attendance', date: f('date'), keys: { store: 'store_id' } },
  // Published rosters (the workforce center relays each published week here).
  { id: 'shift', table: 'shift', date: f('date'), keys: { store: 'store_id' } },
  // Targets phased to store-days, and the same to the last day with sales (a view): 目标 and 达成率.
  { id: 'target_day', table: 'target_day', date: f('date'), keys: { store: 'store_id' } },
  {
    id: 'target_to_date',
    table: 'target_to_date',
    date: f('date'),
    keys: { store: 'store_id' },
    columnsOf: 'target_day',
  },
  // The newest store forecast of the days after the last day with sales (a view): the rest of a month, projected.
  { id: 'forecast_rest', table: 'forecast_rest', date: f('date'), keys: { store: 'store_id' } },
  // Each campaign's last evaluation, on the campaign's last day (chain-wide: campaigns have no store).
  { id: 'campaign_result', table: 'campaign_result', date: f('date'), keys: { campaign: 'campaign_id' } },
  // Members' scores as of the day they were made (member_score.as_of), by home store.
  {
    id: 'member_score',
    table: 'member_score',
    date: f('as_of'),
    keys: { store: 'home_store_id', member: 'member_id' },
  },
  // The newest store forecast of each store-day beside its actual (a view: see the warehouse's migrations).
  { id: 'forecast_day', table: 'forecast_day', date: f('date'), keys: { store: 'store_id' } },
  // The newest store × SKU forecast of each day (a view): forecasts cut by product, category or supplier.
  {
    id: 'forecast_sku_day',
    table: 'forecast_sku_day',
    date: f('date'),
    keys: { store: 'store_id', product: 'sku' },
  },
  // Store-SKU-days with a sale or with stock (a view): the SKUs 动销率 divides by.
  // Its keys are never null (both sources' are NOT NULL): joined like inventory's, by inner joins.
  {
    id: 'sku_presence',
    table: 'sku_presence',
    date: f('date'),
    keys: { store: 'store_id', product: 'sku' },
    columnsOf: 'inventory_snapshot',
  },
  { id: 'calendar', table: 'calendar', date: f('date'), keys: {} },
];

export function factById(id: string): FactDef {
  const fact = FACTS.find((x) => x.id === id);
  if (!fact) throw new Error(`no fact ${id}`);
  return fact;
}

export function factSupports(fact: FactDef, group: DimensionGroup): boolean {
  if (group === 'time') return true;
  if (group === 'hour') return fact.timestamp !== undefined || fact.hourColumn !== undefined;
  return fact.keys[group] !== undefined;
}

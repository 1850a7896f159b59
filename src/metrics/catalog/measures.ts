import { bin, col, type Expr, num, param } from '../../warehouse/index.js';
import type { DimensionGroup } from './facts.js';

/**
 * Base measures: additive (or exactly countable) quantities read from one fact. KPIs are formulas
 * over them, evaluated after they are summed at the grain asked, so ratios are never averaged.
 */
export type Aggregation =
  | { kind: 'plain'; expr: Expr }
  /** Aggregate per (dimensions, `by`) first, then aggregate those values: DAU, repurchase, ending stock. */
  | {
      kind: 'nested';
      by: 'date' | Expr;
      inner: Expr;
      outer: 'avg' | 'last' | 'count' | 'count_at_least_1' | 'count_at_least_2';
    };

export interface MeasureSource {
  fact: string;
  aggregation: Aggregation;
}

export interface MeasureDef {
  id: string;
  /** Tried in order; the first whose fact reaches every dimension and filter of the query is used. */
  sources: MeasureSource[];
  /** Groups this measure is constant across (store-days do not vary by channel or category). */
  broadcastOver?: DimensionGroup[];
  /**
   * A store's own operating fact (its open days, its selling area): a supplier sees its products' sales,
   * not how each store runs, so a caller scoped to suppliers is refused metrics that divide by it.
   */
  storeOperations?: boolean;
}

const f = (name: string) => col(name, 'f');
const sum = (arg: Expr): Expr => ({ kind: 'agg', fn: 'sum', arg });
const when = (cond: Expr, value: Expr): Expr => ({
  kind: 'case',
  when: cond,
  value,
  otherwise: { kind: 'null' },
});
const countWhen = (cond: Expr): Expr => sum({ kind: 'case', when: cond, value: num(1), otherwise: num(0) });
const distinct = (arg: Expr): Expr => ({ kind: 'agg', fn: 'count_distinct', arg });
const completed = bin('=', f('status'), param('completed', 'string'));
const IN_STORE_CHANNELS = ['pos', 'self_checkout', 'scan_and_go'];
const inStore: Expr = {
  kind: 'in',
  expr: f('channel'),
  values: IN_STORE_CHANNELS.map((c) => param(c, 'string')),
  negate: false,
};
const plain = (fact: string, expr: Expr): MeasureSource => ({ fact, aggregation: { kind: 'plain', expr } });
const ordersPerMember = (outer: 'count_at_least_1' | 'count_at_least_2'): MeasureSource => ({
  fact: 'orders',
  aggregation: {
    kind: 'nested',
    by: f('member_id'),
    inner: countWhen(bin('and', completed, { kind: 'is_null', expr: f('member_id'), negate: true })),
    outer,
  },
});

/** Of a ledger's entries, those of these kinds. */
const kindIn = (...kinds: string[]): Expr => ({
  kind: 'in',
  expr: f('kind'),
  values: kinds.map((k) => param(k, 'string')),
  negate: false,
});

export const MEASURES: MeasureDef[] = [
  // The member center's ledgers (relayed from its outbox). A wallet's balance is the running sum of its flows.
  { id: 'wallet_flow', sources: [plain('wallet_entry', sum(bin('+', f('principal'), f('bonus'))))] },
  {
    id: 'wallet_top_ups',
    sources: [plain('wallet_entry', sum(when(kindIn('top_up', 'change', 'reverse'), f('principal'))))],
  },
  {
    id: 'wallet_bonus_given',
    sources: [plain('wallet_entry', sum(when(kindIn('top_up', 'reverse'), f('bonus'))))],
  },
  {
    id: 'wallet_spend',
    sources: [
      plain(
        'wallet_entry',
        sum(when(kindIn('pay', 'refund'), bin('-', num(0), bin('+', f('principal'), f('bonus'))))),
      ),
    ],
  },
  { id: 'wallet_bonus_flow', sources: [plain('wallet_entry', sum(f('bonus')))] },
  // The promotion center's discounts, less what returns took back.
  { id: 'promotion_discount', sources: [plain('promotion_allocation', sum(f('amount')))] },
  {
    id: 'promotion_checkouts',
    sources: [plain('promotion_allocation', distinct(f('checkout_id')))],
  },
  // Coupons redeemed: codes with a share in a checkout (a coupon is used once; a return does not give it back).
  { id: 'coupons_redeemed', sources: [plain('promotion_allocation', distinct(f('coupon_code')))] },
  { id: 'coupons_issued', sources: [plain('coupon_issue', { kind: 'agg', fn: 'count' })] },
  {
    id: 'wallet_breakage',
    sources: [plain('wallet_entry', sum(when(kindIn('breakage'), bin('-', num(0), f('bonus')))))],
  },
  { id: 'points_flow', sources: [plain('points_entry', sum(f('points')))] },
  {
    id: 'points_expired',
    sources: [plain('points_entry', sum(when(kindIn('expire'), bin('-', num(0), f('points')))))],
  },
  {
    id: 'membership_deferred_flow',
    sources: [plain('membership_revenue_day', sum(bin('-', f('sold'), f('earned'))))],
  },
  { id: 'membership_earned', sources: [plain('membership_revenue_day', sum(f('earned')))] },
  { id: 'paid_member_flow', sources: [plain('paid_member_change', sum(f('members')))] },
  { id: 'membership_renewals', sources: [plain('paid_member_change', sum(f('renewals')))] },
  // Paid periods that ran out in the period (a refunded one ends too, with 0 members: not counted).
  {
    id: 'paid_periods_ended',
    sources: [
      plain(
        'paid_member_change',
        sum(when(bin('=', f('change'), param('end', 'string')), bin('-', num(0), f('members')))),
      ),
    ],
  },
  { id: 'member_clv_total', sources: [plain('member_score', sum(f('expected_value')))] },
  {
    id: 'members_valued',
    sources: [plain('member_score', countWhen({ kind: 'is_null', expr: f('expected_value'), negate: true }))],
  },
  { id: 'campaign_incremental_sales', sources: [plain('campaign_result', sum(f('incremental_sales')))] },
  {
    id: 'campaign_incremental_gross_profit',
    sources: [plain('campaign_result', sum(f('incremental_gross_profit')))],
  },
  // The cost of campaigns whose incremental gross profit is known: ROI's denominator matches its numerator.
  {
    id: 'campaign_cost_with_profit',
    sources: [
      plain(
        'campaign_result',
        sum(when({ kind: 'is_null', expr: f('incremental_gross_profit'), negate: true }, f('cost'))),
      ),
    ],
  },
  {
    id: 'membership_sales',
    sources: [
      plain('paid_member_change', sum(when(bin('=', f('change'), param('sale', 'string')), f('amount')))),
    ],
  },
  {
    id: 'points_earned',
    sources: [plain('points_entry', sum(when(kindIn('earn', 'reverse'), f('points'))))],
  },
  {
    id: 'points_redeemed',
    sources: [plain('points_entry', sum(when(kindIn('redeem'), bin('-', num(0), f('points')))))],
  },
  // Sources delivering store-day summaries answer when no line-level sales are loaded (the finest grain held).
  {
    id: 'net_sales',
    sources: [plain('sales_line', sum(f('net'))), plain('store_day_sales', sum(f('net_sales')))],
  },
  { id: 'gross_sales', sources: [plain('sales_line', sum(f('gross')))] },
  { id: 'discount', sources: [plain('sales_line', sum(f('discount')))] },
  { id: 'cogs', sources: [plain('sales_line', sum(f('cost')))] },
  { id: 'gross_profit', sources: [plain('sales_line', sum(bin('-', f('net'), f('cost'))))] },
  { id: 'units', sources: [plain('sales_line', sum(f('qty'))), plain('store_day_sales', sum(f('units')))] },
  {
    id: 'member_net_sales',
    sources: [
      plain('sales_line', sum(when({ kind: 'is_null', expr: f('member_id'), negate: true }, f('net')))),
    ],
  },
  // Read with skus_listed from one pass over sku_presence (动销率); from the lines where that cannot be cut.
  {
    id: 'skus_sold',
    sources: [
      plain('sku_presence', distinct(when(f('sold'), f('sku')))),
      plain('sales_line', distinct(when(bin('>', f('qty'), num(0)), f('sku')))),
    ],
  },
  {
    // The ticket header is far smaller than the lines; lines answer when a product dimension is asked.
    id: 'orders',
    sources: [
      plain('orders', countWhen(completed)),
      plain('sales_line', distinct(when(bin('>', f('qty'), num(0)), f('order_id')))),
      plain('store_day_sales', sum(f('orders'))),
    ],
  },
  { id: 'instore_orders', sources: [plain('orders', countWhen(bin('and', completed, inStore)))] },
  // Members with one completed order and with two, from one count per member: 复购率 divides them, and the
  // compiler reads both from a single pass over the tickets.
  { id: 'active_members', sources: [ordersPerMember('count_at_least_1')] },
  { id: 'repeat_members', sources: [ordersPerMember('count_at_least_2')] },
  { id: 'visitors', sources: [plain('traffic', sum(f('visitors_in')))] },
  {
    id: 'open_store_days',
    sources: [plain('store_day', countWhen(f('is_open')))],
    broadcastOver: ['channel', 'product'],
    storeOperations: true,
  },
  {
    id: 'open_area_days',
    sources: [
      plain(
        'store_day',
        sum({ kind: 'case', when: f('is_open'), value: f('selling_area_m2'), otherwise: num(0) }),
      ),
    ],
    broadcastOver: ['channel', 'product'],
    storeOperations: true,
  },
  {
    id: 'ending_stock_cost',
    sources: [
      {
        fact: 'inventory_snapshot',
        aggregation: { kind: 'nested', by: 'date', inner: sum(f('on_hand_cost')), outer: 'last' },
      },
    ],
  },
  {
    id: 'ending_stock_units',
    sources: [
      {
        fact: 'inventory_snapshot',
        aggregation: { kind: 'nested', by: 'date', inner: sum(f('on_hand_qty')), outer: 'last' },
      },
    ],
  },
  // SKUs on hand or sold in the period: a SKU sold out between snapshots still counts.
  { id: 'skus_listed', sources: [plain('sku_presence', distinct(f('sku')))] },
  // A record merged into another member is that member: counted once, as the member it went into.
  {
    id: 'new_members',
    sources: [
      plain('member_registration', countWhen({ kind: 'is_null', expr: f('merged_into'), negate: false })),
    ],
  },
  {
    id: 'daily_active_users',
    sources: [
      {
        fact: 'app_activity',
        aggregation: { kind: 'nested', by: 'date', inner: distinct(f('member_id')), outer: 'avg' },
      },
    ],
  },
  {
    id: 'forecast_p50',
    sources: [plain('forecast_day', sum(f('p50'))), plain('forecast_sku_day', sum(f('p50')))],
  },
  // The band of the newest store forecast (P10–P90): alerts fire outside it. A sum of stores' quantiles is wider
  // than the quantile of their sum, so a band over several stores errs towards fewer alerts.
  {
    id: 'forecast_p10',
    sources: [plain('forecast_day', sum(f('p10'))), plain('forecast_sku_day', sum(f('p10')))],
  },
  {
    id: 'forecast_p90',
    sources: [plain('forecast_day', sum(f('p90'))), plain('forecast_sku_day', sum(f('p90')))],
  },
  { id: 'forecast_rest_p50', sources: [plain('forecast_rest', sum(f('p50')))] },
  // Store-days whose sales are known: the accuracy of a forecast counts only those.
  { id: 'forecast_actual', sources: [plain('forecast_day', sum(f('actual')))] },
  { id: 'forecast_hit', sources: [plain('forecast_day', sum(bin('-', f('actual'), f('abs_error'))))] },
  {
    id: 'forecast_p50_known',
    sources: [
      plain('forecast_day', sum(when({ kind: 'is_null', expr: f('actual'), negate: true }, f('p50')))),
    ],
  },
  { id: 'labour_hours', sources: [plain('attendance', sum(f('hours')))] },
  { id: 'labour_cost', sources: [plain('attendance', sum(f('labour_cost')))] },
  {
    id: 'scheduled_hours',
    sources: [plain('shift', sum({ kind: 'hours_between', from: f('start_ts'), to: f('end_ts') }))],
  },
  {
    id: 'calendar_days',
    sources: [plain('calendar', { kind: 'agg', fn: 'count' })],
    broadcastOver: ['store', 'product', 'member', 'channel'],
  },
  // Targets phased to store-days (src/alerts/targets), whole periods and to the last day with sales.
  {
    id: 'target_net_sales',
    sources: [plain('target_day', sum(when(bin('=', f('kpi'), param('net_sales', 'string')), f('value'))))],
  },
  {
    id: 'target_to_date_net_sales',
    sources: [
      plain('target_to_date', sum(when(bin('=', f('kpi'), param('net_sales', 'string')), f('value')))),
    ],
  },
  {
    id: 'target_gross_profit',
    sources: [
      plain('target_day', sum(when(bin('=', f('kpi'), param('gross_profit', 'string')), f('value')))),
    ],
  },
  {
    id: 'target_to_date_gross_profit',
    sources: [
      plain('target_to_date', sum(when(bin('=', f('kpi'), param('gross_profit', 'string')), f('value')))),
    ],
  },
  {
    id: 'target_orders',
    sources: [plain('target_day', sum(when(bin('=', f('kpi'), param('orders', 'string')), f('value'))))],
  },
  {
    id: 'target_to_date_orders',
    sources: [plain('target_to_date', sum(when(bin('=', f('kpi'), param('orders', 'string')), f('value'))))],
  },
  {
    id: 'target_units',
    sources: [plain('target_day', sum(when(bin('=', f('kpi'), param('units', 'string')), f('value'))))],
  },
  {
    id: 'target_to_date_units',
    sources: [plain('target_to_date', sum(when(bin('=', f('kpi'), param('units', 'string')), f('value'))))],
  },
];

export function measureById(id: string): MeasureDef {
  const measure = MEASURES.find((m) => m.id === id);
  if (!measure) throw new Error(`no measure ${id}`);
  return measure;
}

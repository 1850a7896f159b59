import type { Label } from '../../contract/index.js';
import type { Expr, TimeGrain } from '../../warehouse/index.js';
import { col } from '../../warehouse/index.js';
import type { DimensionGroup } from './facts.js';

export type { Label } from '../../contract/index.js';

/** The dimension tables a fact can be joined to, with the alias the compiler gives each. */
export type JoinTarget =
  | 'store'
  | 'product'
  | 'supplier'
  | 'member'
  | 'member_score'
  | 'calendar'
  | 'promotion'
  | 'campaign';

export interface DimensionDef {
  id: string;
  label: Label;
  type: 'string' | 'number' | 'date' | 'boolean';
  group: DimensionGroup;
  /** For time buckets: the grain. */
  grain?: TimeGrain;
  /** For attribute dimensions: the table joined and the column read. */
  join?: JoinTarget;
  column?: string;
  /** Value shown where the fact row has no match (a ticket without a member has no tier). */
  missing?: string;
  /** Drill-down: the next finer dimension. */
  child?: string;
  /** Codes whose display names the catalogue gives (format, channel, tier). */
  values?: Record<string, Label>;
}

const time = (id: TimeGrain, zh: string, en: string, child?: string): DimensionDef => ({
  id,
  label: { zh, en },
  type: 'date',
  group: id === 'hour' ? 'hour' : 'time',
  grain: id,
  ...(child ? { child } : {}),
});

const attr = (
  id: string,
  zh: string,
  en: string,
  join: JoinTarget,
  column: string,
  extra: Partial<DimensionDef> = {},
): DimensionDef => ({
  id,
  label: { zh, en },
  type: 'string',
  group:
    join === 'supplier'
      ? 'product'
      : join === 'calendar'
        ? 'time'
        : join === 'member_score'
          ? 'member'
          : join,
  join,
  column,
  ...extra,
});

/** The classic RFM segments (src/insights/rfm), and members with no score yet. */
export const RFM_SEGMENT_LABELS: Record<string, Label> = {
  important_value: { zh: '重要价值客户', en: 'Champions' },
  important_develop: { zh: '重要发展客户', en: 'Big spenders to develop' },
  important_keep: { zh: '重要保持客户', en: 'Loyal, slipping' },
  important_win_back: { zh: '重要挽留客户', en: 'Big spenders to win back' },
  general_value: { zh: '一般价值客户', en: 'Frequent, small baskets' },
  general_develop: { zh: '一般发展客户', en: 'New or occasional' },
  general_keep: { zh: '一般保持客户', en: 'Frequent, slipping' },
  general_win_back: { zh: '一般挽留客户', en: 'Lapsing' },
  unscored: { zh: '未评分/非会员', en: 'Not scored / non-member' },
};

export const CLV_BAND_LABELS: Record<string, Label> = {
  high: { zh: '高价值（前 20%）', en: 'High (top 20%)' },
  medium: { zh: '中价值（20–50%）', en: 'Medium (20–50%)' },
  low: { zh: '低价值（后 50%）', en: 'Low (bottom 50%)' },
  unscored: { zh: '未评分/非会员', en: 'Not scored / non-member' },
};

export const FORMAT_LABELS: Record<string, Label> = {
  supermarket: { zh: '超市', en: 'Supermarket' },
  department_store: { zh: '百货', en: 'Department store' },
  convenience: { zh: '便利店', en: 'Convenience' },
  fresh: { zh: '生鲜/鲜果', en: 'Fresh / fruit' },
};

export const CHANNEL_LABELS: Record<string, Label> = {
  pos: { zh: '门店收银', en: 'Store POS' },
  self_checkout: { zh: '自助收银', en: 'Self-checkout' },
  scan_and_go: { zh: '扫码购', en: 'Scan & go' },
  mini_program: { zh: '小程序', en: 'Mini-program' },
  delivery: { zh: '外卖到家', en: 'Delivery (O2O)' },
  app: { zh: 'App', en: 'App' },
};

export const PROMOTION_KIND_LABELS: Record<string, Label> = {
  percent_off: { zh: '折扣', en: 'Percent off' },
  amount_off: { zh: '直降', en: 'Amount off' },
  spend_save: { zh: '满减', en: 'Spend and save' },
  n_for_price: { zh: 'N件M元', en: 'N for a price' },
  nth_discount: { zh: '第N件折扣', en: 'Nth item off' },
  buy_x_get_y: { zh: '买赠', en: 'Buy and get' },
  member_price: { zh: '会员价', en: 'Member price' },
  bundle: { zh: '组合价', en: 'Bundle price' },
  coupon: { zh: '优惠券', en: 'Coupon' },
  unknown: { zh: '未登记', en: 'Not registered' },
};

export const TIER_LABELS: Record<string, Label> = {
  registered: { zh: '注册会员', en: 'Registered' },
  wallet: { zh: '储值会员', en: 'Wallet' },
  paid: { zh: '付费会员', en: 'Paid' },
  non_member: { zh: '非会员', en: 'Non-member' },
};

export const DIMENSIONS: DimensionDef[] = [
  time('year', '年', 'Year', 'quarter'),
  time('quarter', '季度', 'Quarter', 'month'),
  time('month', '月', 'Month', 'week'),
  time('week', '周', 'Week (ISO)', 'day'),
  time('day', '日', 'Day', 'hour'),
  time('hour', '小时', 'Hour'),
  { id: 'weekday', label: { zh: '星期', en: 'Weekday' }, type: 'number', group: 'time' },
  { id: 'hour_of_day', label: { zh: '时段', en: 'Hour of day' }, type: 'number', group: 'hour' },
  attr('holiday', '节假日', 'Holiday', 'calendar', 'holiday_name', { missing: '非节假日' }),
  attr('is_workday', '工作日', 'Working day', 'calendar', 'is_workday', { type: 'boolean' }),
  attr('region', '大区', 'Region', 'store', 'region', { child: 'city' }),
  attr('city', '城市', 'City', 'store', 'city', { child: 'store' }),
  attr('store', '门店', 'Store', 'store', 'name'),
  attr('store_code', '门店编码', 'Store code', 'store', 'code'),
  attr('format', '业态', 'Format', 'store', 'format', { values: FORMAT_LABELS }),
  {
    id: 'channel',
    label: { zh: '渠道', en: 'Channel' },
    type: 'string',
    group: 'channel',
    values: CHANNEL_LABELS,
  },
  attr('category_l1', '一级品类', 'Category L1', 'product', 'category_l1', { child: 'category_l2' }),
  attr('category_l2', '二级品类', 'Category L2', 'product', 'category_l2', { child: 'category_l3' }),
  attr('category_l3', '三级品类', 'Category L3', 'product', 'category_l3', { child: 'sku' }),
  attr('sku', '商品', 'SKU', 'product', 'name'),
  attr('brand', '品牌', 'Brand', 'product', 'brand'),
  attr('supplier', '供应商', 'Supplier', 'supplier', 'name'),
  attr('promotion', '促销活动', 'Promotion', 'promotion', 'name_zh', { missing: '未登记的促销' }),
  attr('promotion_kind', '促销类型', 'Promotion kind', 'promotion', 'kind', {
    missing: 'unknown',
    values: PROMOTION_KIND_LABELS,
  }),
  attr('member_tier', '会员等级', 'Member tier', 'member', 'tier', {
    missing: 'non_member',
    values: TIER_LABELS,
  }),
  attr('rfm_segment', 'RFM 分层', 'RFM segment', 'member_score', 'rfm_segment', {
    missing: 'unscored',
    values: RFM_SEGMENT_LABELS,
  }),
  attr('clv_band', '会员价值档', 'CLV band', 'member_score', 'clv_band', {
    missing: 'unscored',
    values: CLV_BAND_LABELS,
  }),
  attr('campaign', '营销活动', 'Campaign', 'campaign', 'name'),
  attr('campaign_type', '活动类型', 'Campaign type', 'campaign', 'type'),
  attr('registered_channel', '注册渠道', 'Registration channel', 'member', 'registered_channel', {
    missing: 'non_member',
    values: { ...CHANNEL_LABELS, non_member: TIER_LABELS.non_member as Label },
  }),
];

export const TIME_GRAINS: TimeGrain[] = ['hour', 'day', 'week', 'month', 'quarter', 'year'];

export function dimensionColumn(def: DimensionDef): Expr {
  if (!def.join || !def.column) throw new Error(`dimension ${def.id} is not an attribute`);
  return col(def.column, def.join);
}

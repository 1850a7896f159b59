import type { Label } from './dimensions.js';

/**
 * The KPI catalogue users see (DESIGN.md). A formula is a small expression over base measures;
 * `cumulative` and `lfl` KPIs need more than one pass and are finished by the query service.
 */
export type Formula =
  | { measure: string }
  | { ratio: [Formula, Formula]; scale?: number }
  | { sum: Formula[] };

import type { Unit } from '../../contract/index.js';

export type { Unit } from '../../contract/index.js';

export interface MetricDef {
  id: string;
  label: Label;
  description: Label;
  unit: Unit;
  /** Higher is better (colour of deltas). */
  higherIsBetter: boolean;
  formula: Formula;
  special?: 'cumulative' | 'lfl';
}

const m = (measure: string): Formula => ({ measure });
const ratio = (a: Formula, b: Formula, scale?: number): Formula =>
  scale ? { ratio: [a, b], scale } : { ratio: [a, b] };

const metric = (
  id: string,
  zh: string,
  en: string,
  unit: Unit,
  formula: Formula,
  description: [string, string],
  extra: Partial<MetricDef> = {},
): MetricDef => ({
  id,
  label: { zh, en },
  description: { zh: description[0], en: description[1] },
  unit,
  higherIsBetter: true,
  formula,
  ...extra,
});

export const METRICS: MetricDef[] = [
  metric('net_sales', '销售额', 'Net sales', 'CNY', m('net_sales'), [
    '销售行实收金额合计（退货冲减）；按门店-日即日商',
    'Σ net of sales lines, returns subtract; per store-day = daily sales',
  ]),
  metric('orders', '订单量', 'Orders', 'count', m('orders'), [
    '已完成订单数（去重）',
    'Distinct completed orders (tickets)',
  ]),
  metric('atv', '客单价', 'Average transaction value', 'CNY', ratio(m('net_sales'), m('orders')), [
    '销售额 ÷ 订单量',
    'net sales ÷ orders',
  ]),
  metric('upt', '客单件', 'Units per transaction', 'ratio', ratio(m('units'), m('orders')), [
    '销量 ÷ 订单量',
    'units ÷ orders',
  ]),
  metric('psd', 'PSD', 'Sales per store per day', 'CNY', ratio(m('net_sales'), m('open_store_days')), [
    '销售额 ÷ 营业店日数',
    'net sales ÷ open store-days',
  ]),
  metric('visitors', '来客数', 'Visitors', 'count', m('visitors'), [
    '客流计数（进店人次）',
    'Σ people-counter visitors in',
  ]),
  metric(
    'conversion_rate',
    '转化率',
    'Conversion rate',
    'percent',
    ratio(m('instore_orders'), m('visitors')),
    ['门店订单 ÷ 来客数', 'in-store orders ÷ visitors'],
  ),
  metric('gross_profit', '毛利额', 'Gross profit', 'CNY', m('gross_profit'), ['销售额 − 成本', 'net − cost']),
  metric('gross_margin', '毛利率', 'Gross margin', 'percent', ratio(m('gross_profit'), m('net_sales')), [
    '毛利额 ÷ 销售额',
    'gross profit ÷ net sales',
  ]),
  metric(
    'sales_per_m2',
    '坪效',
    'Sales per m² per day',
    'CNY_per_m2',
    ratio(m('net_sales'), m('open_area_days')),
    ['销售额 ÷ Σ营业店日的营业面积', 'net sales ÷ Σ selling area over open store-days'],
  ),
  metric(
    'sales_per_m2_year',
    '年化坪效',
    'Sales per m² (annualised)',
    'CNY_per_m2',
    ratio(m('net_sales'), m('open_area_days'), 365),
    ['坪效 × 365', 'sales per m² per day × 365'],
  ),
  metric(
    'members',
    '会员数',
    'Members',
    'count',
    m('new_members'),
    ['截至期末的注册会员数', 'members registered as of period end'],
    { special: 'cumulative' },
  ),
  metric('active_members', '活跃会员数', 'Active members', 'count', m('active_members'), [
    '期内有≥1笔订单的会员',
    'members with ≥1 order in period',
  ]),
  metric(
    'wallet_balance',
    '储值余额',
    'Stored-value balance',
    'CNY',
    m('wallet_flow'),
    [
      '期末会员储值未消费余额（本金＋赠送），即储值负债',
      'what members hold in their wallets at period end (principal + bonus): the liability',
    ],
    { special: 'cumulative' },
  ),
  metric(
    'wallet_bonus_balance',
    '储值赠送余额',
    'Bonus value outstanding',
    'CNY',
    m('wallet_bonus_flow'),
    [
      '期末会员储值中未消费的赠送金额（与本金分列的赠送负债）',
      'bonus value members still hold at period end, kept apart from principal',
    ],
    { special: 'cumulative' },
  ),
  metric('promotion_discount', '促销让利', 'Promotion discount', 'CNY', m('promotion_discount'), [
    '促销中心结算时分摊到商品行的优惠（扣除退货退回的部分）',
    'discounts the promotion center shared to the lines of checkouts, less what returns took back',
  ]),
  metric(
    'promotion_checkouts',
    '参与促销的结算单',
    'Checkouts with a promotion',
    'count',
    m('promotion_checkouts'),
    ['期内至少享受一项促销的结算单数', 'checkouts in period that had at least one promotion'],
  ),
  metric('coupons_issued', '发券数', 'Coupons issued', 'count', m('coupons_issued'), [
    '期内促销中心发放的电子券张数（发券、领券、付费会员月度券）',
    'electronic coupons the promotion center issued in period (issued, claimed, paid-member monthly)',
  ]),
  metric('coupons_redeemed', '核销券数', 'Coupons redeemed', 'count', m('coupons_redeemed'), [
    '期内在结算中使用的电子券张数',
    'electronic coupons used in checkouts in period',
  ]),
  metric(
    'coupon_redemption_rate',
    '核销率',
    'Coupon redemption rate',
    'percent',
    ratio(m('coupons_redeemed'), m('coupons_issued')),
    [
      '核销券数 ÷ 发券数（同期、同一券模板）',
      'coupons redeemed ÷ coupons issued (same period, same template)',
    ],
  ),
  metric('wallet_breakage', '赠送金过期', 'Bonus lapsed (breakage)', 'CNY', m('wallet_breakage'), [
    '期内因久未使用而过期的储值赠送金额（本金不过期）',
    'bonus value that lapsed unused in period (principal never lapses)',
  ]),
  metric('wallet_top_ups', '储值充值', 'Wallet top-ups', 'CNY', m('wallet_top_ups'), [
    '期内充值本金（含找零存入，扣除撤销）',
    'principal topped up in period (change put in included, reversals deducted)',
  ]),
  metric('wallet_bonus_given', '储值赠送', 'Wallet bonus given', 'CNY', m('wallet_bonus_given'), [
    '期内充值赠送金额（扣除撤销）',
    'bonus value given with top-ups in period (reversals deducted)',
  ]),
  metric('wallet_spend', '储值消费', 'Wallet spend', 'CNY', m('wallet_spend'), [
    '期内用储值支付的金额（扣除退款）',
    'paid from wallets in period (refunds deducted)',
  ]),
  metric(
    'paid_members',
    '付费会员数',
    'Paid members',
    'count',
    m('paid_member_flow'),
    [
      '期末在有效期内的付费会员（按开卡门店）',
      'members whose paid period covers the period end (by the store that sold it)',
    ],
    { special: 'cumulative' },
  ),
  metric('membership_sales', '付费会员卡收入', 'Membership sales', 'CNY', m('membership_sales'), [
    '期内售出的付费会员卡金额（扣除退款，按购买日）',
    'paid memberships sold in period, less refunds (by day bought)',
  ]),
  metric('membership_renewals', '付费会员续费数', 'Membership renewals', 'count', m('membership_renewals'), [
    '期内由曾付费的会员再次购买的付费会员期数（按购买日）',
    'paid periods bought in period by members who paid for one before (by day bought)',
  ]),
  metric(
    'paid_renewal_rate',
    '付费会员续费率',
    'Paid membership renewal rate',
    'percent',
    ratio(m('membership_renewals'), m('paid_periods_ended')),
    [
      '期内续费的付费会员期数 ÷ 期内到期的付费会员期数（退款的不计）',
      'paid periods renewed in period ÷ paid periods that ran out in period (refunded ones aside)',
    ],
  ),
  metric(
    'member_clv',
    '会员终身价值',
    'Member lifetime value',
    'CNY',
    ratio(m('member_clv_total'), m('members_valued')),
    [
      '评分日起未来一年每位会员的预期消费（BG/NBD × Gamma-Gamma 模型，zhongtai members score）的平均',
      'expected spend per member over the year after the scoring day (BG/NBD × Gamma-Gamma; zhongtai members score), averaged',
    ],
  ),
  metric(
    'campaign_incremental_sales',
    '活动增量销售',
    'Campaign incremental sales',
    'CNY',
    m('campaign_incremental_sales'),
    [
      '活动带来的、对照组之外的额外销售（人均增量 × 触达会员；按活动结束日；zhongtai campaigns evaluate）',
      'sales beyond the control group’s (lift per member × members targeted), by campaign end day',
    ],
  ),
  metric(
    'campaign_roi',
    '活动投资回报率',
    'Campaign ROI',
    'ratio',
    ratio(m('campaign_incremental_gross_profit'), m('campaign_cost_with_profit')),
    [
      '增量毛利 ÷ 活动成本（核销券面额 + 其他费用；仅含毛利可知的活动）',
      'incremental gross profit ÷ cost (coupon faces redeemed + other costs), over campaigns with known margins',
    ],
  ),
  metric('membership_revenue', '会费收入确认', 'Membership fees earned', 'CNY', m('membership_earned'), [
    '期内按天确认的付费会员费收入（会员卡收入在有效期内逐日确认）',
    'membership fees earned in period: each period’s price recognised evenly over its days',
  ]),
  metric(
    'deferred_revenue',
    '递延会费收入',
    'Deferred membership revenue',
    'CNY',
    m('membership_deferred_flow'),
    [
      '期末已售出尚未确认的会员费（售出 − 已确认）',
      'membership fees sold and not yet earned at period end (sold − earned)',
    ],
    { special: 'cumulative' },
  ),
  metric('points_expired', '积分过期', 'Points expired', 'count', m('points_expired'), [
    '期内到期作废的积分（积分沉淀收益）',
    'points that ran out unused in period (breakage)',
  ]),
  metric(
    'points_balance',
    '积分余额',
    'Points outstanding',
    'count',
    m('points_flow'),
    ['期末会员未使用积分', 'points members hold at period end'],
    { special: 'cumulative' },
  ),
  metric('points_earned', '积分发放', 'Points earned', 'count', m('points_earned'), [
    '期内累积的积分（扣除冲回）',
    'points earned in period (reversals deducted)',
  ]),
  metric('points_redeemed', '积分兑换', 'Points redeemed', 'count', m('points_redeemed'), [
    '期内兑换使用的积分',
    'points redeemed in period',
  ]),
  metric('new_members', '注册数', 'New members', 'count', m('new_members'), [
    '期内新注册会员数',
    'registrations in period',
  ]),
  metric(
    'member_sales_share',
    '会员销售占比',
    'Member sales share',
    'percent',
    ratio(m('member_net_sales'), m('net_sales')),
    ['会员订单销售额 ÷ 销售额', 'net of member orders ÷ net sales'],
  ),
  metric(
    'repurchase_rate',
    '复购率',
    'Repurchase rate',
    'percent',
    ratio(m('repeat_members'), m('active_members')),
    ['期内≥2单会员 ÷ ≥1单会员', 'members with ≥2 orders ÷ members with ≥1'],
  ),
  metric('dau', 'DAU', 'Daily active users', 'count', m('daily_active_users'), [
    '每日活跃用户数（长周期取日均）',
    'distinct active users per day (mean over longer periods)',
  ]),
  metric(
    'sku_movement_rate',
    '动销率',
    'SKU movement rate',
    'percent',
    ratio(m('skus_sold'), m('skus_listed')),
    ['有销售SKU数 ÷ 有库存或有销售的SKU数', 'SKUs with sales ÷ SKUs on hand or sold'],
  ),
  metric(
    'days_of_inventory',
    '库存天数',
    'Days of inventory',
    'days',
    ratio(m('ending_stock_cost'), ratio(m('cogs'), m('calendar_days'))),
    ['期末库存成本 ÷ 日均销售成本', 'ending stock at cost ÷ average daily cost of goods sold'],
    { higherIsBetter: false },
  ),
  metric(
    'sell_through',
    '售罄率',
    'Sell-through',
    'percent',
    ratio(m('units'), { sum: [m('units'), m('ending_stock_units')] }),
    ['销量 ÷ (销量 + 期末库存量)', 'units sold ÷ (units sold + ending units on hand)'],
  ),
  metric(
    'lfl_growth',
    '同店增长',
    'Like-for-like growth',
    'percent',
    m('net_sales'),
    ['两期均全程营业门店的销售额增长', 'net sales growth over stores open for the whole of both periods'],
    { special: 'lfl' },
  ),
  metric(
    'sales_per_labour_hour',
    '人效',
    'Sales per labour hour',
    'CNY_per_hour',
    ratio(m('net_sales'), m('labour_hours')),
    ['销售额 ÷ 出勤工时', 'net sales ÷ attended labour hours'],
  ),
  metric('attended_hours', '出勤工时', 'Attended hours', 'hours', m('labour_hours'), [
    '考勤记录的出勤工时合计',
    'hours worked as clocked (attendance)',
  ]),
  metric(
    'labour_cost',
    '人工成本',
    'Labour cost',
    'CNY',
    m('labour_cost'),
    ['出勤工时 × 时薪（含社保）合计', 'attended hours × hourly cost (social insurance included)'],
    { higherIsBetter: false },
  ),
  metric('scheduled_hours', '排班工时', 'Scheduled hours', 'hours', m('scheduled_hours'), [
    '已发布排班的班次时长合计',
    'length of the published shifts',
  ]),
  metric(
    'schedule_adherence',
    '排班出勤率',
    'Schedule adherence',
    'percent',
    ratio(m('labour_hours'), m('scheduled_hours')),
    ['出勤工时 ÷ 排班工时', 'attended hours ÷ scheduled hours'],
  ),
  metric(
    'labour_cost_ratio',
    '人工成本率',
    'Labour cost ratio',
    'percent',
    ratio(m('labour_cost'), m('net_sales')),
    ['人工成本 ÷ 销售额', 'labour cost ÷ net sales'],
    { higherIsBetter: false },
  ),
  metric('forecast_sales', '预测销售额', 'Forecast sales', 'CNY', m('forecast_p50'), [
    '最新一次门店预测的P50（中位数）合计',
    'Σ P50 of the newest store forecast of each store-day',
  ]),
  metric('forecast_sales_p10', '预测下限（P10）', 'Forecast sales P10', 'CNY', m('forecast_p10'), [
    '最新一次门店预测的 P10 合计：实际低于它的概率约 10%',
    'Σ P10 of the newest store forecast: sales fall below it about one day in ten',
  ]),
  metric('forecast_sales_p90', '预测上限（P90）', 'Forecast sales P90', 'CNY', m('forecast_p90'), [
    '最新一次门店预测的 P90 合计：实际高于它的概率约 10%',
    'Σ P90 of the newest store forecast: sales rise above it about one day in ten',
  ]),
  metric(
    'forecast_accuracy',
    '预测准确率',
    'Forecast accuracy',
    'percent',
    ratio(m('forecast_hit'), m('forecast_actual')),
    [
      '1 − Σ|实际 − 预测| ÷ Σ实际（按门店日，仅计已有实际销售的日子）',
      '1 − Σ|actual − forecast| ÷ Σ actual over store-days with known sales (1 − WAPE)',
    ],
  ),
  metric(
    'forecast_actual_ratio',
    '预测/实际',
    'Forecast ÷ actual',
    'percent',
    ratio(m('forecast_p50_known'), m('forecast_actual')),
    [
      '已有实际销售的门店日：预测合计 ÷ 实际合计（100% 为无偏）',
      'forecast ÷ actual over store-days with known sales (100% = unbiased)',
    ],
  ),
  metric('units', '销量', 'Units sold', 'count', m('units'), ['销售数量合计', 'Σ quantity sold']),
  metric(
    'discount',
    '折扣额',
    'Discounts',
    'CNY',
    m('discount'),
    ['促销与优惠券折扣合计', 'Σ promotion and coupon discounts'],
    { higherIsBetter: false },
  ),
  metric('target_net_sales', '销售额目标', 'Net sales target', 'CNY', m('target_net_sales'), [
    '期内销售额目标（月度目标按去年同期曲线分解到门店日）',
    'net sales target of the period (monthly targets phased to store-days by last year’s curve)',
  ]),
  metric(
    'attainment_net_sales',
    '销售额达成率',
    'Net sales attainment',
    'percent',
    ratio(m('net_sales'), m('target_to_date_net_sales')),
    [
      '实际销售额 ÷ 截至最新数据日的分解目标（月中看进度也公平）',
      'actual ÷ the phased target of the days with data so far (fair mid-month)',
    ],
  ),
  metric(
    'projected_net_sales',
    '预计销售额',
    'Projected net sales',
    'CNY',
    { sum: [m('net_sales'), m('forecast_rest_p50')] },
    [
      '实际销售额 + 最新门店预测对其余日子的 P50（期末预计；无预测时仅为实际）',
      'actual so far + the newest store forecast (P50) of the days still to come (without a forecast: actual only)',
    ],
  ),
  metric(
    'projected_attainment_net_sales',
    '预计达成率',
    'Projected attainment',
    'percent',
    ratio({ sum: [m('net_sales'), m('forecast_rest_p50')] }, m('target_net_sales')),
    [
      '预计销售额 ÷ 期内全部目标（按整月查询即月末预计达成）',
      'projected net sales ÷ the whole period’s target (asked for a month: its month-end attainment)',
    ],
  ),
  metric('target_gross_profit', '毛利额目标', 'Gross profit target', 'CNY', m('target_gross_profit'), [
    '期内毛利额目标（月度目标按去年同期曲线分解到门店日）',
    'gross profit target of the period (monthly targets phased to store-days by last year’s curve)',
  ]),
  metric(
    'attainment_gross_profit',
    '毛利额达成率',
    'Gross profit attainment',
    'percent',
    ratio(m('gross_profit'), m('target_to_date_gross_profit')),
    [
      '实际毛利额 ÷ 截至最新数据日的分解目标（月中看进度也公平）',
      'actual ÷ the phased target of the days with data so far (fair mid-month)',
    ],
  ),
  metric('target_orders', '订单量目标', 'Orders target', 'count', m('target_orders'), [
    '期内订单量目标（月度目标按去年同期曲线分解到门店日）',
    'orders target of the period (monthly targets phased to store-days by last year’s curve)',
  ]),
  metric(
    'attainment_orders',
    '订单量达成率',
    'Orders attainment',
    'percent',
    ratio(m('orders'), m('target_to_date_orders')),
    [
      '实际订单量 ÷ 截至最新数据日的分解目标（月中看进度也公平）',
      'actual ÷ the phased target of the days with data so far (fair mid-month)',
    ],
  ),
  metric('target_units', '销量目标', 'Units target', 'count', m('target_units'), [
    '期内销量目标（月度目标按去年同期曲线分解到门店日）',
    'units target of the period (monthly targets phased to store-days by last year’s curve)',
  ]),
  metric(
    'attainment_units',
    '销量达成率',
    'Units attainment',
    'percent',
    ratio(m('units'), m('target_to_date_units')),
    [
      '实际销量 ÷ 截至最新数据日的分解目标（月中看进度也公平）',
      'actual ÷ the phased target of the days with data so far (fair mid-month)',
    ],
  ),
];

export function measuresOf(formula: Formula): string[] {
  if ('measure' in formula) return [formula.measure];
  if ('ratio' in formula) return [...measuresOf(formula.ratio[0]), ...measuresOf(formula.ratio[1])];
  return formula.sum.flatMap(measuresOf);
}

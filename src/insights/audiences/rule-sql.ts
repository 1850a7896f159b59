import type { AudienceRule } from '../../contract/index.js';
import { homeStoreCondition } from '../home-stores.js';

/** Each catalogue dimension an audience may ask about, as the column over sales line `sl` and its joins. */
const BOUGHT_COLUMN: Record<NonNullable<AudienceRule['bought']>['dimension'], string> = {
  category_l1: 'p.category_l1',
  category_l2: 'p.category_l2',
  category_l3: 'p.category_l3',
  brand: 'p.brand',
  supplier: 'sup.name',
  store: 'st.name',
  region: 'st.region',
  city: 'st.city',
  format: 'st.format',
  channel: 'sl.channel',
};

/**
 * The members a rule holds, as a SELECT of member_id with its parameters: every value a parameter, every name
 * from the tables above, so nothing a user typed reaches the SQL text. `stores`: the grant it is kept within.
 */
export function ruleSql(
  rule: AudienceRule,
  stores: number[] | null,
): { sql: string; params: (string | number)[] } {
  const params: (string | number)[] = [];
  const p = (value: string | number) => {
    params.push(value);
    return `$${params.length}`;
  };
  const list = (values: readonly (string | number)[]) => values.map(p).join(', ');
  const where = ['m.merged_into IS NULL'];
  where.push(homeStoreCondition(stores, 'm.home_store_id'));
  if (rule.stores) where.push(`m.home_store_id IN (${list(rule.stores)})`);
  if (rule.segments) where.push(`s.rfm_segment IN (${list(rule.segments)})`);
  if (rule.bands) where.push(`s.clv_band IN (${list(rule.bands)})`);
  if (rule.tiers) where.push(`m.tier IN (${list(rule.tiers)})`);
  if (rule.channels) where.push(`m.registered_channel IN (${list(rule.channels)})`);
  if (rule.registeredFrom) where.push(`m.registered_at >= CAST(${p(rule.registeredFrom)} || '-01' AS DATE)`);
  if (rule.registeredTo)
    where.push(
      `m.registered_at < CAST(CAST(${p(rule.registeredTo)} || '-01' AS DATE) + INTERVAL 1 MONTH AS DATE)`,
    );
  if (rule.minSpend !== undefined) where.push(`coalesce(s.monetary, 0) >= ${p(rule.minSpend)}`);
  if (rule.maxRecencyDays !== undefined) where.push(`s.recency_days <= ${p(rule.maxRecencyDays)}`);
  if (rule.minRecencyDays !== undefined)
    where.push(`(s.recency_days IS NULL OR s.recency_days >= ${p(rule.minRecencyDays)})`);
  if (rule.campaign) {
    const id = p(rule.campaign.id);
    // Who a campaign aimed at: its target list, or where it has none, the members it issued coupons to.
    const targeted = `(SELECT member_id FROM campaign_target WHERE campaign_id = ${id} AND arm = 'target'
       UNION SELECT member_id FROM coupon c WHERE c.campaign_id = ${id}
         AND NOT EXISTS (SELECT 1 FROM campaign_target t WHERE t.campaign_id = ${id}))`;
    const redeemed = `(SELECT member_id FROM coupon WHERE campaign_id = ${id} AND redeemed_date IS NOT NULL)`;
    where.push(
      {
        targeted: `m.member_id IN ${targeted}`,
        redeemed: `m.member_id IN ${redeemed}`,
        not_redeemed: `m.member_id IN ${targeted} AND m.member_id NOT IN ${redeemed}`,
        holdout: `m.member_id IN (SELECT member_id FROM campaign_target WHERE campaign_id = ${id} AND arm = 'holdout')`,
      }[rule.campaign.response],
    );
  }
  if (rule.bought) {
    const column = BOUGHT_COLUMN[rule.bought.dimension];
    where.push(`m.member_id IN (
      SELECT sl.member_id FROM sales_line sl JOIN product p ON p.sku = sl.sku
      LEFT JOIN supplier sup ON sup.supplier_id = p.supplier_id JOIN store st ON st.store_id = sl.store_id
      WHERE sl.member_id IS NOT NULL AND sl.qty > 0
        AND sl.date > (SELECT max(date) FROM sales_line) - CAST(${p(rule.bought.days)} AS INTEGER)
        AND ${column} IN (${list(rule.bought.values)}))`);
  }
  return {
    sql: `SELECT m.member_id FROM member m LEFT JOIN member_score s USING (member_id) WHERE ${where.join('\n  AND ')}`,
    params,
  };
}

import type { AppStore } from '../appstore/index.js';
import { fromChainLocal } from '../model/index.js';
import type { Engine } from '../warehouse/index.js';
import { type MemberActor, MemberCenter } from './center.js';
import { fenOf, yuan } from './money.js';

/**
 * The demo chain's members in the member center: some of its most frequent members, registered, topped up,
 * paying for their completed orders of the last weeks from the wallet, earning points on them, a few buying
 * paid membership — written through the center itself, as of the times of those orders, so its ledger, the
 * warehouse it relays to and the BI agree. Only into a center that holds no member yet.
 */
export interface DemoMembersOptions {
  members: number;
  /** Days before the end of the chain's data whose orders are paid from the wallet. */
  days: number;
  /** Orders per member at most. */
  orders: number;
}

const DEFAULTS: DemoMembersOptions = { members: 60, days: 45, orders: 6 };
const TIERS = [20_000, 50_000, 100_000];

interface Order {
  member_id: number;
  store_id: number;
  ts: string;
  /** Yuan as the warehouse's exact decimal writes it. */
  net: string;
}

export async function seedDemoMembers(
  store: AppStore,
  warehouse: Engine,
  end: string,
  options: Partial<DemoMembersOptions> = {},
): Promise<{ members: number; writes: number } | null> {
  const { members, days, orders } = { ...DEFAULTS, ...options };
  let now = new Date();
  const center = await MemberCenter.open(store, { clock: () => now });
  if ((await store.query('SELECT 1 FROM member LIMIT 1')).length) return null;
  const rows = (await warehouse.query(
    `WITH recent_orders AS (
       SELECT member_id, store_id, CAST(ts AS VARCHAR) AS ts, net,
              row_number() OVER (PARTITION BY member_id ORDER BY ts DESC) AS recent
       FROM orders
       WHERE member_id IS NOT NULL AND status = 'completed' AND net > 0
         AND date > CAST($1 AS DATE) - CAST($2 AS INTEGER) AND date <= CAST($1 AS DATE)),
     chosen AS (
       SELECT member_id FROM recent_orders GROUP BY member_id ORDER BY count(*) DESC, member_id LIMIT CAST($3 AS INTEGER))
     SELECT w.member_id, w.store_id, w.ts, CAST(w.net AS VARCHAR) AS net FROM recent_orders w JOIN chosen USING (member_id)
     WHERE w.recent <= CAST($4 AS INTEGER) ORDER BY w.ts, w.member_id`,
    [end, days, members, orders],
  )) as unknown as Order[];
  const actor: MemberActor = { id: 'demo', stores: null, pii: false, username: 'demo' };
  const codes = new Map<number, { code: string; fen: number }>();
  let writes = 0;
  // An order's local time as the instant the center stamps, moved by `minutes`.
  const at = (ts: string, minutes = 0) => new Date(fromChainLocal(ts).getTime() + minutes * 60_000);
  for (const [i, order] of rows.entries()) {
    const key = (what: string) => `demo-${order.member_id}-${i}-${what}`;
    let member = codes.get(order.member_id);
    if (!member) {
      now = at(order.ts, -30);
      const phone = `139${String(10_000_000 + (order.member_id % 90_000_000)).slice(-8)}`;
      const made = await center.register(actor, key('reg'), {
        phone,
        store: order.store_id,
        externalIds: [{ kind: 'card', value: String(order.member_id) }],
      });
      member = { code: made.answer.code, fen: 0 };
      codes.set(order.member_id, member);
      writes += 1;
      // One member in eight buys the annual paid membership on joining.
      if (order.member_id % 8 === 0) {
        await center.buyMembership(
          actor,
          key('join'),
          member.code,
          { plan: 'annual', store: order.store_id },
          false,
        );
        writes += 1;
      }
    }
    const fen = fenOf(order.net);
    if (member.fen < fen) {
      // Topped up at the till before paying: the smallest tier that covers the order.
      now = at(order.ts, -1);
      const tier = TIERS.find((t) => t >= fen - member.fen) ?? Math.ceil(fen / 100) * 100;
      const top = await center.moveWallet(actor, key('top'), member.code, 'top_up', {
        amount: yuan(tier),
        store: order.store_id,
      });
      member.fen = fenOf(top.answer.after.balance);
      writes += 1;
    }
    now = at(order.ts);
    const paid = await center.moveWallet(actor, key('pay'), member.code, 'pay', {
      amount: yuan(fen),
      store: order.store_id,
      reference: `order-${order.member_id}-${i}`,
    });
    member.fen = fenOf(paid.answer.after.balance);
    await center.earn(actor, key('earn'), member.code, { amount: yuan(fen), store: order.store_id });
    writes += 2;
  }
  return { members: codes.size, writes };
}

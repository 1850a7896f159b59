import type { AppStore, Queryable } from '../appstore/index.js';
import {
  type FlashOrder,
  type FlashSaleInput,
  type FlashSaleState,
  flashSaleSchema,
} from '../contract/index.js';
import { type Claim, type Kept, toFen, yuan } from '../members/index.js';
import { ZhongtaiError } from '../model/index.js';
import type { GateCounts } from './flash-gate.js';

/**
 * Flash sales (秒杀). An order takes its quantity from the member's row first (locked: a member's orders go
 * one at a time, and the limit is a WHERE on the row) and then from the sale's stock (a WHERE on the sold
 * count), in one statement with the order itself; either short and nothing is taken. So a burst of any size
 * sells exactly the stock, first come first served, and no member passes the limit — the rows' CHECKs guard
 * both besides. Orders not paid in time are released and their stock goes back on sale.
 */
interface OrderRow extends Record<string, unknown> {
  id: string;
  sale_id: string;
  member_code: string;
  qty: number;
  price: string;
  state: FlashOrder['state'];
  pay_by: Date | string;
}

const orderOf = (r: OrderRow): FlashOrder => ({
  order: Number(r.id),
  sale: r.sale_id,
  member: r.member_code,
  qty: r.qty,
  price: yuan(r.price),
  state: r.state,
  payBy: new Date(r.pay_by).toISOString(),
});

/** Rows the stock is spread over: orders take units from any of them at once, not one at a time. */
const BUCKETS = 8;

/**
 * Spreads a sale's stock over its buckets, each keeping at least what it sold: the sale's stock can go down
 * only to what is sold in all.
 */
async function spreadStock(tx: Queryable, id: string, stock: number): Promise<void> {
  const held = await tx.query<{ bucket: number; sold: number }>(
    'SELECT bucket, sold FROM flash_stock WHERE sale_id = $1 ORDER BY bucket FOR UPDATE',
    [id],
  );
  const count = Math.max(held.length, Math.min(BUCKETS, stock));
  const sold = Array.from({ length: count }, (_, i) => held.find((h) => h.bucket === i)?.sold ?? 0);
  const spare = stock - sold.reduce((n, x) => n + x, 0);
  if (spare < 0)
    throw new ZhongtaiError(
      'CONFLICT',
      {
        en: `${id} has sold ${stock - spare} already, more than ${stock}`,
        zh: `秒杀 ${id} 已售出 ${stock - spare} 件，超过 ${stock} 件`,
      },
      { field: 'stock' },
    );
  const shares = sold.map((s, i) => s + Math.floor(spare / count) + (i < spare % count ? 1 : 0));
  await tx.query(
    `INSERT INTO flash_stock (sale_id, bucket, stock) SELECT $1, b, s FROM unnest($2::int[], $3::int[]) AS x(b, s)
     ON CONFLICT (sale_id, bucket) DO UPDATE SET stock = excluded.stock`,
    [id, shares.map((_, i) => i), shares],
  );
}

export async function saveFlashSale(store: AppStore, input: FlashSaleInput): Promise<FlashSaleState> {
  const sale = flashSaleSchema.parse(input);
  toFen(sale.price, 'price');
  const starts = new Date(sale.startsAt);
  const ends = new Date(sale.endsAt);
  if (Number.isNaN(starts.getTime()) || Number.isNaN(ends.getTime()) || ends <= starts)
    throw new ZhongtaiError(
      'BAD_REQUEST',
      {
        en: 'startsAt and endsAt: two times, the end after the start',
        zh: 'startsAt 与 endsAt 须为有效时间，且结束晚于开始',
      },
      { field: 'endsAt' },
    );
  await store.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO flash_sale (id, definition, stock, per_member, starts_at, ends_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, stock = excluded.stock,
         per_member = excluded.per_member, starts_at = excluded.starts_at, ends_at = excluded.ends_at`,
      [sale.id, JSON.stringify(sale), sale.stock, sale.perMember, starts.toISOString(), ends.toISOString()],
    );
    await spreadStock(tx, sale.id, sale.stock);
  });
  return flashState(store, sale.id);
}

export async function flashState(store: Queryable, id: string): Promise<FlashSaleState> {
  const [row] = await store.query<{
    definition: FlashSaleState['sale'];
    stock: number;
    sold: number;
    paid: string;
  }>(
    `SELECT definition, stock, (SELECT CAST(coalesce(sum(sold), 0) AS INTEGER) FROM flash_stock WHERE sale_id = $1) AS sold,
            (SELECT coalesce(sum(qty), 0) FROM flash_order WHERE sale_id = $1 AND state = 'paid') AS paid
     FROM flash_sale WHERE id = $1`,
    [id],
  );
  if (!row)
    throw new ZhongtaiError(
      'NOT_FOUND',
      { en: `No flash sale ${id}`, zh: `秒杀活动 ${id} 不存在` },
      { field: 'sale' },
    );
  return { sale: row.definition, sold: row.sold, paid: Number(row.paid), left: row.stock - row.sold };
}

export type Refusal = 'unknown' | 'closed' | 'limit' | 'sold_out';

/** Why an order was not taken, said the same whether PostgreSQL or the Redis gate refused it. */
export function refusal(id: string, member: string, why: Refusal): ZhongtaiError {
  if (why === 'unknown')
    return new ZhongtaiError(
      'NOT_FOUND',
      { en: `No flash sale ${id}`, zh: `秒杀活动 ${id} 不存在` },
      { field: 'sale' },
    );
  if (why === 'closed')
    return new ZhongtaiError(
      'CONFLICT',
      { en: `Flash sale ${id} is not on now`, zh: `秒杀 ${id} 不在活动时间内` },
      { field: 'sale' },
    );
  if (why === 'limit')
    return new ZhongtaiError(
      'CONFLICT',
      {
        en: `Member ${member} has reached the limit of flash sale ${id}`,
        zh: `会员 ${member} 已达秒杀 ${id} 的限购数量`,
      },
      { field: 'qty' },
    );
  // From PostgreSQL, the member's hold went in before the stock ran out: the whole write rolls back with this.
  return new ZhongtaiError(
    'NOT_ENOUGH',
    { en: `Flash sale ${id} is sold out`, zh: `秒杀 ${id} 已抢光` },
    { field: 'qty' },
  );
}

/** Every flash sale, newest first, with sold, paid and left (the page's list and burn-down). */
export async function listFlashSales(store: Queryable): Promise<FlashSaleState[]> {
  const rows = await store.query<{
    definition: FlashSaleState['sale'];
    stock: number;
    sold: number;
    paid: string;
  }>(
    `SELECT definition, stock,
            (SELECT CAST(coalesce(sum(sold), 0) AS INTEGER) FROM flash_stock s WHERE s.sale_id = f.id) AS sold,
            (SELECT coalesce(sum(qty), 0) FROM flash_order o WHERE o.sale_id = f.id AND state = 'paid') AS paid
     FROM flash_sale f ORDER BY starts_at DESC, id LIMIT 200`,
  );
  return rows.map((r) => ({
    sale: r.definition,
    sold: r.sold,
    paid: Number(r.paid),
    left: r.stock - r.sold,
  }));
}

/** Units are left, but in buckets other orders hold this instant: worth trying again at once. */
export class BucketsBusy extends Error {
  constructor() {
    super('flash sale stock buckets busy');
  }
}

/**
 * Takes an order of a flash sale, or says plainly why not (not started, over, sold out, the member's limit) —
 * in one statement with the idempotency key: its earlier answer read, else the order taken and the key
 * claimed with the answer (onceInline), so the sale's row stays locked only until the commit that follows.
 */
export async function orderFlash(
  tx: Queryable,
  claim: Claim,
  id: string,
  member: string,
  qty: number,
  now: Date,
  /** Which bucket to try first (spread the orders of a burst). */
  start = 0,
): Promise<{ status: number; answer: FlashOrder } | { kept: Kept<FlashOrder> }> {
  const [row] = await tx.query<
    OrderRow & {
      why: string | null;
      pay_by_text: string;
      kept_digest: string | null;
      kept_status: number;
      kept_answer: FlashOrder;
    }
  >(
    `WITH kept AS (SELECT digest, status, answer FROM promotion_request WHERE scope = $5 AND key = $6),
     sale AS (SELECT * FROM flash_sale WHERE id = $1),
     open AS (SELECT * FROM sale WHERE $4::timestamptz >= starts_at AND $4::timestamptz < ends_at
              AND NOT EXISTS (SELECT 1 FROM kept)),
     held AS (
       INSERT INTO flash_member (sale_id, member_code, qty) SELECT id, $2, $3 FROM open WHERE $3 <= per_member
       ON CONFLICT (sale_id, member_code) DO UPDATE SET qty = flash_member.qty + excluded.qty
         WHERE flash_member.qty + excluded.qty <= (SELECT per_member FROM sale)
       RETURNING qty),
     pick AS (
       SELECT bucket FROM flash_stock
       WHERE sale_id = $1 AND sold + $3 <= stock AND EXISTS (SELECT 1 FROM held)
       ORDER BY (bucket + $8) % 64 LIMIT 1 FOR UPDATE SKIP LOCKED),
     taken AS (
       UPDATE flash_stock s SET sold = s.sold + $3 FROM pick
       WHERE s.sale_id = $1 AND s.bucket = pick.bucket AND s.sold + $3 <= s.stock
       RETURNING s.bucket),
     made AS (
       INSERT INTO flash_order (sale_id, member_code, qty, price, pay_by, bucket)
       SELECT $1, $2, $3, CAST(round(CAST(definition->>'price' AS numeric) * 100) AS BIGINT),
              $4::timestamptz + make_interval(mins => CAST(definition->>'payMinutes' AS INTEGER)), taken.bucket
       FROM taken, sale
       RETURNING *, to_char(pay_by AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS pay_by_text),
     claimed AS (
       INSERT INTO promotion_request (scope, key, digest, status, answer)
       SELECT $5, $6, $7, 201, jsonb_build_object('order', id, 'sale', sale_id, 'member', member_code, 'qty', qty,
         'price', to_char(price / 100.0, 'FM999999999990.00'), 'state', state, 'payBy', pay_by_text)
       FROM made)
     SELECT made.*, k.digest AS kept_digest, k.status AS kept_status, k.answer AS kept_answer, CASE
       WHEN EXISTS (SELECT 1 FROM kept) THEN NULL
       WHEN NOT EXISTS (SELECT 1 FROM sale) THEN 'unknown'
       WHEN NOT EXISTS (SELECT 1 FROM open) THEN 'closed'
       WHEN NOT EXISTS (SELECT 1 FROM held) THEN 'limit'
       WHEN NOT EXISTS (SELECT 1 FROM taken) THEN
         CASE WHEN EXISTS (SELECT 1 FROM flash_stock WHERE sale_id = $1 AND sold + $3 <= stock) THEN 'busy'
              ELSE 'sold_out' END END AS why
     FROM (SELECT 1) one LEFT JOIN made ON true LEFT JOIN kept k ON true`,
    [id, member, qty, now.toISOString(), claim.scope, claim.key, claim.digest, start],
  );
  // Every bucket with units left was held by another order: the caller tries again (the write rolls back).
  if (row?.why === 'busy') throw new BucketsBusy();
  if (row?.kept_digest)
    return { kept: { digest: row.kept_digest, status: row.kept_status, answer: row.kept_answer } };
  if (row?.why) throw refusal(id, member, row.why as Refusal);
  const made = row as OrderRow & { pay_by_text: string };
  return { status: 201, answer: { ...orderOf(made), payBy: made.pay_by_text } };
}

/** Pays a pending order before its time runs out. */
export async function payFlash(tx: Queryable, order: number, now: Date): Promise<FlashOrder> {
  const [row] = await tx.query<OrderRow>(
    "UPDATE flash_order SET state = 'paid' WHERE id = $1 AND state = 'pending' AND pay_by > $2 RETURNING *",
    [order, now.toISOString()],
  );
  if (row) return orderOf(row);
  const [was] = await tx.query<OrderRow>('SELECT * FROM flash_order WHERE id = $1', [order]);
  if (!was)
    throw new ZhongtaiError(
      'NOT_FOUND',
      { en: `No flash order ${order}`, zh: `秒杀订单 ${order} 不存在` },
      { field: 'order' },
    );
  if (was.state === 'paid') return orderOf(was);
  throw new ZhongtaiError(
    'CONFLICT',
    {
      en: `Flash order ${order} was not paid in time and is released`,
      zh: `秒杀订单 ${order} 超时未支付，已释放`,
    },
    { field: 'order' },
  );
}

/** Releases orders past their time to pay: their stock back on sale, the members' quantities back. */
export async function releaseUnpaid(
  tx: Queryable,
  now: Date,
): Promise<{ sale: string; member: string; qty: number }[]> {
  const rows = await tx.query<{ sale_id: string; member_code: string; qty: string }>(
    `WITH due AS (
       UPDATE flash_order SET state = 'released' WHERE state = 'pending' AND pay_by <= $1
       RETURNING sale_id, member_code, qty, bucket),
     per_bucket AS (SELECT sale_id, bucket, sum(qty) AS qty FROM due GROUP BY sale_id, bucket),
     per_member AS (SELECT sale_id, member_code, sum(qty) AS qty FROM due GROUP BY sale_id, member_code),
     s AS (UPDATE flash_stock f SET sold = f.sold - p.qty FROM per_bucket p
           WHERE f.sale_id = p.sale_id AND f.bucket = p.bucket),
     m AS (UPDATE flash_member f SET qty = f.qty - p.qty FROM per_member p
           WHERE f.sale_id = p.sale_id AND f.member_code = p.member_code)
     SELECT sale_id, member_code, qty FROM per_member`,
    [now.toISOString()],
  );
  return rows.map((r) => ({ sale: r.sale_id, member: r.member_code, qty: Number(r.qty) }));
}

/** What the gate needs of a sale: its limit and window; null when there is no such sale. */
export async function flashTerms(
  tx: Queryable,
  id: string,
): Promise<{ perMember: number; startsAt: Date; endsAt: Date } | null> {
  const [row] = await tx.query<{ per_member: number; starts_at: Date | string; ends_at: Date | string }>(
    'SELECT per_member, starts_at, ends_at FROM flash_sale WHERE id = $1',
    [id],
  );
  return row
    ? { perMember: row.per_member, startsAt: new Date(row.starts_at), endsAt: new Date(row.ends_at) }
    : null;
}

/** The gate's counters as PostgreSQL records them: units left, each member's quantity held, keys with orders. */
export async function flashCounts(tx: Queryable, id: string): Promise<GateCounts> {
  const [sale] = await tx.query<{ left: number }>(
    'SELECT sum(stock - sold) AS left FROM flash_stock WHERE sale_id = $1',
    [id],
  );
  const members = await tx.query<{ member_code: string; qty: number }>(
    'SELECT member_code, qty FROM flash_member WHERE sale_id = $1 AND qty > 0',
    [id],
  );
  const keys = await tx.query<{ k: string }>(
    `SELECT scope || ' ' || key AS k FROM promotion_request WHERE status = 201 AND answer->>'sale' = $1`,
    [id],
  );
  return {
    left: Number(sale?.left ?? 0),
    members: members.map((m) => [m.member_code, m.qty]),
    keys: keys.map((k) => k.k),
  };
}

/** Sales not over yet, whose gate counters a starting server drops. */
export async function liveFlashSales(tx: Queryable, now: Date): Promise<string[]> {
  const rows = await tx.query<{ id: string }>('SELECT id FROM flash_sale WHERE ends_at > $1', [
    now.toISOString(),
  ]);
  return rows.map((r) => r.id);
}

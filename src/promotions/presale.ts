import type { Queryable } from '../appstore/index.js';
import { type PresaleInput, type PresaleOrder, type PresaleState, presaleSchema } from '../contract/index.js';
import { toFen, yuan } from '../members/index.js';
import { ZhongtaiError } from '../model/index.js';

/**
 * Pre-sales (预售, 定金膨胀). A member pays a deposit in the deposit window; it counts for more at the balance
 * (e.g. ¥50 worth ¥100), and the balance — price less that worth — is paid in the balance window. Units are
 * held on the sale's row the way a flash sale holds stock (a WHERE on the count, the CHECK besides) and on the
 * member's row for the limit, so a burst of deposits never holds more than the stock. Every order keeps the
 * amounts fixed when its deposit was paid; changing the sale later does not change what a member owes.
 */
interface OrderRow extends Record<string, unknown> {
  id: string;
  presale_id: string;
  member_code: string;
  qty: number;
  deposit: string;
  worth: string;
  balance: string;
  state: PresaleOrder['state'];
  balance_from: Date | string;
  balance_to: Date | string;
}

const orderOf = (r: OrderRow): PresaleOrder => ({
  order: Number(r.id),
  presale: r.presale_id,
  member: r.member_code,
  qty: r.qty,
  deposit: yuan(r.deposit),
  worth: yuan(r.worth),
  balance: yuan(r.balance),
  state: r.state,
  balanceFrom: new Date(r.balance_from).toISOString(),
  balanceTo: new Date(r.balance_to).toISOString(),
});

const bad = (field: string, en: string, zh: string) =>
  new ZhongtaiError('BAD_REQUEST', { en: `${field}: ${en}`, zh: `${field}：${zh}` }, { field });

function timeOf(text: string, field: string): Date {
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw bad(field, `not a time: ${text}`, `不是有效时间 ${text}`);
  return at;
}

export async function savePresale(tx: Queryable, input: PresaleInput): Promise<PresaleState> {
  const sale = presaleSchema.parse(input);
  const price = toFen(sale.price, 'price');
  const deposit = toFen(sale.deposit, 'deposit');
  const worth = toFen(sale.depositWorth, 'depositWorth');
  if (deposit <= 0) throw bad('deposit', 'must be more than zero', '须大于零');
  if (worth < deposit) throw bad('depositWorth', 'at least the deposit', '不能小于定金');
  if (worth > price) throw bad('depositWorth', 'at most the price', '不能大于预售价');
  const [depositFrom, depositTo, balanceFrom, balanceTo] = (
    ['depositFrom', 'depositTo', 'balanceFrom', 'balanceTo'] as const
  ).map((field) => timeOf(sale[field], field)) as [Date, Date, Date, Date];
  if (!(depositFrom < depositTo))
    throw bad('depositTo', 'the deposit window ends after it starts', '定金期须晚于开始时间结束');
  if (balanceFrom < depositTo)
    throw bad(
      'balanceFrom',
      'the balance window opens after the deposit window',
      '尾款期须在定金期结束后开始',
    );
  if (!(balanceFrom < balanceTo))
    throw bad('balanceTo', 'the balance window ends after it opens', '尾款期须晚于开始时间结束');
  await tx
    .query(
      `INSERT INTO presale (id, definition, stock, per_member, price, deposit, worth,
         deposit_from, deposit_to, balance_from, balance_to)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, stock = excluded.stock,
         per_member = excluded.per_member, price = excluded.price, deposit = excluded.deposit,
         worth = excluded.worth, deposit_from = excluded.deposit_from, deposit_to = excluded.deposit_to,
         balance_from = excluded.balance_from, balance_to = excluded.balance_to`,
      [
        sale.id,
        JSON.stringify(sale),
        sale.stock,
        sale.perMember,
        price,
        deposit,
        worth,
        depositFrom.toISOString(),
        depositTo.toISOString(),
        balanceFrom.toISOString(),
        balanceTo.toISOString(),
      ],
    )
    .catch((error: unknown) => {
      if ((error as { code?: string }).code === '23514')
        throw new ZhongtaiError(
          'CONFLICT',
          {
            en: `${sale.id} holds more than ${sale.stock} units already`,
            zh: `预售 ${sale.id} 已被定金占用超过 ${sale.stock} 件`,
          },
          { field: 'stock' },
        );
      throw error;
    });
  return presaleState(tx, sale.id);
}

interface StateRow extends Record<string, unknown> {
  definition: PresaleState['presale'];
  stock: number;
  sold: number;
  deposited: string;
  paid: string;
  forfeited: string;
}

/** Pre-sales with their units held, paid and deposits kept, one statement for one sale or the list. */
const STATES = `SELECT p.definition, p.stock, p.sold,
    coalesce(sum(o.qty) FILTER (WHERE o.state = 'deposited'), 0) AS deposited,
    coalesce(sum(o.qty) FILTER (WHERE o.state = 'paid'), 0) AS paid,
    coalesce(sum(o.deposit) FILTER (WHERE o.state = 'forfeited'), 0) AS forfeited
  FROM presale p LEFT JOIN presale_order o ON o.presale_id = p.id`;

const stateOf = (row: StateRow): PresaleState => ({
  presale: row.definition,
  deposited: Number(row.deposited),
  paid: Number(row.paid),
  left: row.stock - row.sold,
  forfeited: yuan(row.forfeited),
});

export async function presaleState(tx: Queryable, id: string): Promise<PresaleState> {
  const [row] = await tx.query<StateRow>(`${STATES} WHERE p.id = $1 GROUP BY p.id`, [id]);
  if (!row)
    throw new ZhongtaiError(
      'NOT_FOUND',
      { en: `No pre-sale ${id}`, zh: `预售活动 ${id} 不存在` },
      { field: 'presale' },
    );
  return stateOf(row);
}

/** Every pre-sale, newest first, with its units and deposits kept. */
export async function listPresales(tx: Queryable): Promise<PresaleState[]> {
  const rows = await tx.query<StateRow>(
    `${STATES} GROUP BY p.id ORDER BY p.deposit_from DESC, p.id LIMIT 200`,
  );
  return rows.map(stateOf);
}

const ORDER = `SELECT o.*, p.balance_from, p.balance_to FROM presale_order o JOIN presale p ON p.id = o.presale_id
  WHERE o.id = $1`;

export async function presaleOrder(tx: Queryable, order: number): Promise<PresaleOrder> {
  const [row] = await tx.query<OrderRow>(ORDER, [order]);
  if (!row)
    throw new ZhongtaiError(
      'NOT_FOUND',
      { en: `No pre-sale order ${order}`, zh: `预售订单 ${order} 不存在` },
      { field: 'order' },
    );
  return orderOf(row);
}

/**
 * Pays a deposit: the member's units held first (their row locked, the limit a WHERE), then the sale's (a
 * WHERE on the count), with the order, in one statement; either short and nothing is held.
 */
export async function payDeposit(
  tx: Queryable,
  id: string,
  member: string,
  qty: number,
  now: Date,
): Promise<PresaleOrder> {
  const [row] = await tx.query<OrderRow & { why: string | null }>(
    `WITH sale AS (SELECT * FROM presale WHERE id = $1),
     open AS (SELECT * FROM sale WHERE $4::timestamptz >= deposit_from AND $4::timestamptz < deposit_to),
     held AS (
       INSERT INTO presale_member (presale_id, member_code, qty) SELECT id, $2, $3 FROM open WHERE $3 <= per_member
       ON CONFLICT (presale_id, member_code) DO UPDATE SET qty = presale_member.qty + excluded.qty
         WHERE presale_member.qty + excluded.qty <= (SELECT per_member FROM sale)
       RETURNING qty),
     taken AS (
       UPDATE presale SET sold = sold + $3 WHERE id = $1 AND EXISTS (SELECT 1 FROM held) AND sold + $3 <= stock
       RETURNING price, deposit, worth, balance_from, balance_to),
     made AS (
       INSERT INTO presale_order (presale_id, member_code, qty, deposit, worth, balance, at)
       SELECT $1, $2, $3, $3 * deposit, $3 * worth, $3 * (price - worth), $4::timestamptz FROM taken
       RETURNING *)
     SELECT made.*, taken.balance_from, taken.balance_to, CASE
       WHEN NOT EXISTS (SELECT 1 FROM sale) THEN 'unknown'
       WHEN NOT EXISTS (SELECT 1 FROM open) THEN 'closed'
       WHEN NOT EXISTS (SELECT 1 FROM held) THEN 'limit'
       WHEN NOT EXISTS (SELECT 1 FROM taken) THEN 'sold_out' END AS why
     FROM (SELECT 1) one LEFT JOIN made ON true LEFT JOIN taken ON true`,
    [id, member, qty, now.toISOString()],
  );
  if (row?.why === 'unknown')
    throw new ZhongtaiError(
      'NOT_FOUND',
      { en: `No pre-sale ${id}`, zh: `预售活动 ${id} 不存在` },
      { field: 'presale' },
    );
  if (row?.why === 'closed')
    throw new ZhongtaiError(
      'CONFLICT',
      { en: `Pre-sale ${id} takes no deposits now`, zh: `预售 ${id} 不在定金支付时间内` },
      { field: 'presale' },
    );
  if (row?.why === 'limit')
    throw new ZhongtaiError(
      'CONFLICT',
      {
        en: `Member ${member} has reached the limit of pre-sale ${id}`,
        zh: `会员 ${member} 已达预售 ${id} 的限购数量`,
      },
      { field: 'qty' },
    );
  if (row?.why === 'sold_out')
    throw new ZhongtaiError(
      'NOT_ENOUGH',
      { en: `Pre-sale ${id} is sold out`, zh: `预售 ${id} 已售罄` },
      { field: 'qty' },
    );
  return orderOf(row as OrderRow);
}

/** Pays the balance (尾款) in its window; paying an order paid already answers it again. */
export async function payBalance(tx: Queryable, order: number, now: Date): Promise<PresaleOrder> {
  const [row] = await tx.query<OrderRow>(
    `UPDATE presale_order o SET state = 'paid', settled_at = $2 FROM presale p
     WHERE o.id = $1 AND p.id = o.presale_id AND o.state = 'deposited'
       AND $2::timestamptz >= p.balance_from AND $2::timestamptz < p.balance_to
     RETURNING o.*, p.balance_from, p.balance_to`,
    [order, now.toISOString()],
  );
  if (row) return orderOf(row);
  const was = await presaleOrder(tx, order);
  if (was.state === 'paid') return was;
  if (was.state !== 'deposited') throw settled(order, was.state);
  throw new ZhongtaiError(
    'CONFLICT',
    new Date(was.balanceFrom) > now
      ? {
          en: `The balance of pre-sale order ${order} is due from ${was.balanceFrom}`,
          zh: `预售订单 ${order} 的尾款自 ${was.balanceFrom} 起支付`,
        }
      : { en: `The balance window of order ${order} is over`, zh: `预售订单 ${order} 的尾款支付期已结束` },
    { field: 'order' },
  );
}

const STATE_ZH: Record<PresaleOrder['state'], string> = {
  deposited: '已付定金',
  paid: '已付尾款',
  cancelled: '已取消退定金',
  forfeited: '未付尾款，定金不退',
  refunded: '未付尾款，定金已退',
};

const settled = (order: number, state: PresaleOrder['state']) =>
  new ZhongtaiError(
    'CONFLICT',
    { en: `Pre-sale order ${order} is ${state}`, zh: `预售订单 ${order} ${STATE_ZH[state]}` },
    { field: 'order' },
  );

/** Units of settled orders back to the sale and to their members. */
const GIVE_BACK = `
     per_sale AS (SELECT presale_id, sum(qty) AS qty FROM done GROUP BY presale_id),
     per_member AS (SELECT presale_id, member_code, sum(qty) AS qty FROM done GROUP BY presale_id, member_code),
     s AS (UPDATE presale f SET sold = f.sold - p.qty FROM per_sale p WHERE f.id = p.presale_id),
     m AS (UPDATE presale_member f SET qty = f.qty - p.qty FROM per_member p
           WHERE f.presale_id = p.presale_id AND f.member_code = p.member_code)`;

/**
 * Takes a deposit back (退定金) before the balance window opens, where the sale allows it: refunded in full, the
 * units back on sale.
 */
export async function cancelDeposit(tx: Queryable, order: number, now: Date): Promise<PresaleOrder> {
  const [row] = await tx.query<{ id: string }>(
    `WITH done AS (
       UPDATE presale_order o SET state = 'cancelled', settled_at = $2 FROM presale p
       WHERE o.id = $1 AND p.id = o.presale_id AND o.state = 'deposited' AND $2::timestamptz < p.balance_from
         AND (p.definition->>'cancelBeforeBalance')::boolean
       RETURNING o.id, o.presale_id, o.member_code, o.qty),${GIVE_BACK}
     SELECT id FROM done`,
    [order, now.toISOString()],
  );
  const was = await presaleOrder(tx, order);
  if (row) return was;
  if (was.state !== 'deposited') throw settled(order, was.state);
  throw new ZhongtaiError(
    'CONFLICT',
    {
      en: `The deposit of order ${order} can no longer be taken back`,
      zh: `预售订单 ${order} 的定金已不可退`,
    },
    { field: 'order' },
  );
}

/**
 * Orders whose balance window closed unpaid: the deposit kept (定金不退) or refunded as the sale says, the units
 * back. The server runs it with the flash-sale release.
 */
export async function settleUnpaid(tx: Queryable, now: Date): Promise<number> {
  const [row] = await tx.query<{ n: string }>(
    `WITH done AS (
       UPDATE presale_order o SET settled_at = $1,
         state = CASE WHEN (p.definition->>'refundUnpaid')::boolean THEN 'refunded' ELSE 'forfeited' END
       FROM presale p
       WHERE p.id = o.presale_id AND o.state = 'deposited' AND p.balance_to <= $1
       RETURNING o.id, o.presale_id, o.member_code, o.qty),${GIVE_BACK}
     SELECT count(*) AS n FROM done`,
    [now.toISOString()],
  );
  return Number(row?.n ?? 0);
}

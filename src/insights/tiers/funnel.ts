import type { FunnelBy, FunnelGroup, FunnelMonth } from '../../contract/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import { homeStoreCondition } from '../home-stores.js';
import { monthOf, STAGES_SQL } from './stages.js';

/** The tier funnel month by month (FunnelMonth in the contract says what each count is). */
export async function tierFunnel(
  warehouse: Warehouse,
  options: { from: string; to: string; stores?: number[] | null },
): Promise<FunnelMonth[]> {
  monthOf(options.from, 'from');
  monthOf(options.to, 'to');
  const rows = await warehouse.query(
    `WITH s AS (SELECT * FROM (${STAGES_SQL}) x WHERE ${homeStoreCondition(options.stores, 'x.home_store_id')}),
     months AS (
       SELECT CAST(range AS DATE) AS month FROM range(CAST($1 || '-01' AS DATE), CAST($2 || '-01' AS DATE) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)),
     renewals AS (
       SELECT e.member_id, e.date, e.type FROM member_event e JOIN s USING (member_id) WHERE e.type IN ('paid_join', 'paid_renew'))
     SELECT strftime(mo.month, '%Y-%m') AS month,
       (SELECT count(*) FROM s WHERE registered_at < mo.month + INTERVAL 1 MONTH) AS registered,
       (SELECT count(*) FROM s WHERE wallet_at < mo.month + INTERVAL 1 MONTH) AS wallet,
       (SELECT count(*) FROM s WHERE paid_at < mo.month + INTERVAL 1 MONTH) AS paid,
       (SELECT count(*) FROM s WHERE date_trunc('month', registered_at) = mo.month) AS joined,
       (SELECT count(*) FROM s WHERE date_trunc('month', wallet_at) = mo.month) AS to_wallet,
       (SELECT count(*) FROM s WHERE date_trunc('month', paid_at) = mo.month) AS to_paid,
       (SELECT count(*) FROM s WHERE registered_at < mo.month AND (wallet_at IS NULL OR wallet_at >= mo.month)) AS could_wallet,
       (SELECT count(*) FROM s WHERE registered_at < mo.month AND (paid_at IS NULL OR paid_at >= mo.month)) AS could_paid,
       (SELECT count(*) FROM renewals r WHERE date_trunc('month', r.date + 365) = mo.month) AS due,
       (SELECT count(*) FROM renewals r WHERE r.type = 'paid_renew' AND date_trunc('month', r.date) = mo.month) AS renewed
     FROM months mo ORDER BY 1`,
    [options.from, options.to],
  );
  const rate = (n: number, d: number) => (d > 0 ? n / d : null);
  return rows.map((r) => {
    const n = (k: string) => Number(r[k] ?? 0);
    return {
      month: String(r.month),
      registered: n('registered'),
      wallet: n('wallet'),
      paid: n('paid'),
      joined: n('joined'),
      toWallet: n('to_wallet'),
      toPaid: n('to_paid'),
      walletRate: rate(n('to_wallet'), n('could_wallet')),
      paidRate: rate(n('to_paid'), n('could_paid')),
      renewalsDue: n('due'),
      renewed: n('renewed'),
      renewalRate: rate(n('renewed'), n('due')),
    };
  });
}

export async function tierConversion(
  warehouse: Warehouse,
  options: { from: string; to: string; by: FunnelBy; stores?: number[] | null },
): Promise<FunnelGroup[]> {
  monthOf(options.from, 'from');
  monthOf(options.to, 'to');
  const key = {
    channel: 's.registered_channel',
    store: 'CAST(s.home_store_id AS VARCHAR)',
    clerk: 'CAST(s.recruited_by AS VARCHAR)',
  }[options.by];
  const label = {
    channel: 's.registered_channel',
    store: 'any_value(st.name)',
    clerk: "any_value(e.name || ' · ' || coalesce(st.name, ''))",
  }[options.by];
  const rows = await warehouse.query(
    `WITH s AS (SELECT * FROM (${STAGES_SQL}) x WHERE ${homeStoreCondition(options.stores, 'x.home_store_id')}),
     span AS (SELECT CAST($1 || '-01' AS DATE) AS first, CAST($2 || '-01' AS DATE) + INTERVAL 1 MONTH AS after)
     SELECT ${key} AS key, ${options.by === 'channel' ? key : label} AS label, count(*) AS joined,
            count(*) FILTER (WHERE s.wallet_at < span.after) AS wallet,
            count(*) FILTER (WHERE s.paid_at < span.after) AS paid
     FROM s CROSS JOIN span
     LEFT JOIN store st ON st.store_id = s.home_store_id
     LEFT JOIN employee e ON e.employee_id = s.recruited_by
     WHERE s.registered_at >= span.first AND s.registered_at < span.after
     GROUP BY ${key} ORDER BY joined DESC, key`,
    [options.from, options.to],
  );
  return rows.map((r) => ({
    key: r.key === null ? '' : String(r.key),
    label: r.label === null ? (options.by === 'clerk' ? '（无导购）' : '—') : String(r.label),
    joined: Number(r.joined),
    wallet: Number(r.wallet),
    paid: Number(r.paid),
  }));
}

export type { FunnelBy, FunnelGroup, FunnelMonth };

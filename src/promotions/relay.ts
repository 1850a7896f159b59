import { type AppStore, runEvery } from '../appstore/index.js';
import { pushBatch, specOf } from '../ingest/index.js';
import { chainLocal } from '../members/index.js';
import type { Warehouse } from '../warehouse/index.js';

/**
 * The promotion center's outbox into the warehouse's promotion_allocation, exactly once: a batch loaded
 * through the ingest path keyed by each row's entry, then marked relayed. A crash between the two sends the
 * batch again and the warehouse keeps the first copy of every entry.
 */
const ALLOCATION = specOf('promotion_allocation', {
  source: 'promotion_allocation',
  timezone: 'Asia/Shanghai',
  files: [
    {
      match: 'push-promotion_allocation.jsonl',
      format: 'jsonl',
      targets: [
        {
          table: 'promotion_allocation',
          columns: {
            entry: { from: 'entry' },
            checkout_id: { from: 'checkout', type: 'int' },
            date: { from: 'day', type: 'date' },
            ts: { from: 'time', type: 'timestamp' },
            store_id: { from: 'store', type: 'int' },
            channel: { from: 'channel' },
            sku: { from: 'sku', type: 'int' },
            promotion_id: { from: 'promotion' },
            member_code: { from: 'member' },
            amount: { from: 'amount', type: 'number' },
          },
        },
      ],
    },
  ],
});

interface Allocation {
  checkout: number;
  at: string;
  store: number;
  channel: string;
  member: string | null;
  rows: { entry: string; sku: number; promotion: string; amount: string }[];
}

export async function relayPromotions(store: AppStore, warehouse: Warehouse, batch = 2_000): Promise<number> {
  let relayed = 0;
  for (;;) {
    const rows = await store.query<{ id: string; payload: Allocation }>(
      'SELECT id, payload FROM promotion_outbox WHERE relayed_at IS NULL ORDER BY id LIMIT $1',
      [batch],
    );
    if (!rows.length) return relayed;
    const lines = rows.flatMap(({ payload: p }) => {
      const local = chainLocal(p.at);
      return p.rows.map((r) =>
        JSON.stringify({
          ...r,
          checkout: p.checkout,
          store: p.store,
          channel: p.channel,
          member: p.member,
          day: local.day,
          time: local.precise,
        }),
      );
    });
    if (lines.length)
      await pushBatch(
        warehouse,
        ALLOCATION,
        lines.join('\n'),
        `promotions:${rows[0]?.id}-${rows.at(-1)?.id}`,
      );
    await store.query('UPDATE promotion_outbox SET relayed_at = now() WHERE id = ANY($1::bigint[])', [
      rows.map((r) => r.id),
    ]);
    relayed += rows.length;
  }
}

/** Relays in the background every `everyMs` (the server). */
export const startPromotionRelay = (store: AppStore, warehouse: Warehouse, everyMs: number) =>
  runEvery('promotion outbox relay', everyMs, () => relayPromotions(store, warehouse));

import { type AppStore, runEvery } from '../appstore/index.js';
import { pushBatch, specOf } from '../ingest/index.js';
import { chainLocal, yuan } from '../members/index.js';
import type { Warehouse } from '../warehouse/index.js';

/**
 * The promotion center's outbox into the warehouse, exactly once: promotions' and templates' names into
 * center_promotion (upserted), coupons issued into coupon_issue (by code), checkout shares and return take-backs
 * into promotion_allocation (by entry) — each batch loaded through the ingest path, then marked relayed. A crash
 * between the two sends the batch again and the warehouse keeps the first copy of every row.
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
            coupon_code: { from: 'coupon' },
            order_ref: { from: 'reference' },
          },
        },
      ],
    },
  ],
});

const DEFINITION = specOf('center_promotion', {
  source: 'center_promotion',
  timezone: 'Asia/Shanghai',
  files: [
    {
      match: 'push-center_promotion.jsonl',
      format: 'jsonl',
      targets: [
        {
          table: 'center_promotion',
          onConflict: 'update',
          columns: {
            promotion_id: { from: 'id' },
            name_zh: { from: 'nameZh' },
            name_en: { from: 'nameEn' },
            kind: { from: 'kind' },
            starts: { from: 'from', type: 'date' },
            ends: { from: 'to', type: 'date' },
            budget: { from: 'budget', type: 'number' },
          },
        },
      ],
    },
  ],
});

const COUPONS = specOf('coupon_issue', {
  source: 'coupon_issue',
  timezone: 'Asia/Shanghai',
  files: [
    {
      match: 'push-coupon_issue.jsonl',
      format: 'jsonl',
      targets: [
        {
          table: 'coupon_issue',
          columns: {
            coupon_code: { from: 'code' },
            promotion_id: { from: 'promotion' },
            member_code: { from: 'member' },
            date: { from: 'day', type: 'date' },
            ts: { from: 'time', type: 'timestamp' },
            face: { from: 'face', type: 'number' },
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
  /** The till's own order number, which the POS's sales lines carry too. */
  reference?: string | null;
  rows: { entry: string; sku: number; promotion: string; amount: string }[];
}

interface Definition {
  id: string;
  name: { zh: string; en: string };
  kind: string;
  from: string | null;
  to: string | null;
  budget: number | null;
}

interface Issued {
  template: string;
  at: string;
  coupons: { code: string; member: string | null }[];
}

type Row = { id: string } & (
  | { topic: 'allocation'; payload: Allocation }
  | { topic: 'definition'; payload: Definition }
  | { topic: 'coupons'; payload: Issued }
);

/** Each coupon's template, and each amount template's face value, for the rows of a batch. */
async function couponFacts(store: AppStore, rows: Row[]) {
  const codes = rows.flatMap((r) =>
    r.topic === 'allocation'
      ? r.payload.rows.flatMap((a) => (a.promotion.startsWith('coupon:') ? [a.promotion.slice(7)] : []))
      : [],
  );
  const templates = new Map(
    (
      await store.query<{ code: string; template_id: string }>(
        'SELECT code, template_id FROM coupon WHERE code = ANY($1::text[])',
        [codes],
      )
    ).map((c) => [c.code, c.template_id]),
  );
  const faces = new Map(
    (
      await store.query<{ id: string; face: string | null }>(
        "SELECT id, CASE WHEN definition->>'kind' = 'amount' THEN definition->>'amount' END AS face FROM coupon_template",
      )
    ).map((t) => [t.id, t.face]),
  );
  return { templates, faces };
}

/** A batch of one kind through the ingest path, named by its outbox ids so a batch sent twice lands once. */
async function push(warehouse: Warehouse, spec: typeof ALLOCATION, lines: unknown[], rows: Row[]) {
  if (lines.length)
    await pushBatch(
      warehouse,
      spec,
      lines.map((l) => JSON.stringify(l)).join('\n'),
      `promotions:${spec.source}:${rows[0]?.id}-${rows.at(-1)?.id}`,
    );
}

export async function relayPromotions(store: AppStore, warehouse: Warehouse, batch = 2_000): Promise<number> {
  let relayed = 0;
  for (;;) {
    const rows = await store.query<Row>(
      'SELECT id, topic, payload FROM promotion_outbox WHERE relayed_at IS NULL ORDER BY id LIMIT $1',
      [batch],
    );
    if (!rows.length) return relayed;
    const { templates, faces } = await couponFacts(store, rows);
    // Names first: the shares and coupons of a batch find their promotion's row.
    await push(
      warehouse,
      DEFINITION,
      rows.flatMap((r) =>
        r.topic === 'definition'
          ? [
              {
                id: r.payload.id,
                nameZh: r.payload.name.zh,
                nameEn: r.payload.name.en,
                kind: r.payload.kind,
                from: r.payload.from ?? null,
                to: r.payload.to ?? null,
                budget: r.payload.budget === null ? null : yuan(r.payload.budget),
              },
            ]
          : [],
      ),
      rows,
    );
    await push(
      warehouse,
      COUPONS,
      rows.flatMap((r) => {
        if (r.topic !== 'coupons') return [];
        const local = chainLocal(r.payload.at);
        return r.payload.coupons.map((c) => ({
          code: c.code,
          promotion: `coupon:${r.payload.template}`,
          member: c.member,
          day: local.day,
          time: local.precise,
          face: faces.get(r.payload.template) ?? null,
        }));
      }),
      rows,
    );
    await push(
      warehouse,
      ALLOCATION,
      rows.flatMap((r) => {
        if (r.topic !== 'allocation') return [];
        const p = r.payload;
        const local = chainLocal(p.at);
        return p.rows.map((a) => {
          // A coupon's share counts for its template (coupon:<template>), the code beside it.
          const code = a.promotion.startsWith('coupon:') ? a.promotion.slice(7) : null;
          const template = code === null ? undefined : templates.get(code);
          return {
            ...a,
            promotion: template ? `coupon:${template}` : a.promotion,
            coupon: code,
            checkout: p.checkout,
            store: p.store,
            channel: p.channel,
            member: p.member,
            reference: p.reference ?? null,
            day: local.day,
            time: local.precise,
          };
        });
      }),
      rows,
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

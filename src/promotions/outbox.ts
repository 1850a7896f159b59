import type { Queryable } from '../appstore/index.js';
import { TX_NOW } from '../members/index.js';

/**
 * What the promotion center tells the warehouse besides its checkouts, written in the transaction of the
 * change: a promotion's or a coupon template's name and kind (the BI's 促销活动), and the coupons issued.
 */
export interface Definition {
  id: string;
  name: { zh: string; en: string };
  kind: string;
  from?: string | undefined;
  to?: string | undefined;
  /** Fen. */
  budget: number | null;
}

export const emitDefinition = (tx: Queryable, definition: Definition) =>
  tx.query("INSERT INTO promotion_outbox (topic, payload) VALUES ('definition', $1)", [
    JSON.stringify({ from: null, to: null, ...definition }),
  ]);

/** Coupons just issued of a template, stamped with the write's time (history writes as of their day). */
export const emitCoupons = (
  tx: Queryable,
  template: string,
  coupons: { code: string; member: string | null }[],
) =>
  tx.query(
    `INSERT INTO promotion_outbox (topic, payload)
     SELECT 'coupons', jsonb_build_object('template', CAST($1 AS TEXT), 'at', ${TX_NOW}, 'coupons', CAST($2 AS JSONB))`,
    [template, JSON.stringify(coupons)],
  );

import type { SchemaStep } from '../appstore/index.js';
import { TX_NOW } from '../members/index.js';

/**
 * The promotion center's tables in the application store. Money is BIGINT fen. A promotion's budget and
 * usage caps are guarded by CHECKs on its row, so no path — a race, a retry, a bug — can spend past them; a
 * checkout keeps its lines and how each promotion's discount was shared to them, so a return refunds exactly
 * what the line was paid.
 */
export const PROMOTION_SCHEMA: SchemaStep[] = [
  {
    version: 1,
    sql: [
      `CREATE TABLE promotion (
         id TEXT PRIMARY KEY,
         definition JSONB NOT NULL,
         active BOOLEAN NOT NULL DEFAULT true,
         budget BIGINT CHECK (budget IS NULL OR budget >= 0),
         spent BIGINT NOT NULL DEFAULT 0,
         max_uses INTEGER CHECK (max_uses IS NULL OR max_uses >= 0),
         uses INTEGER NOT NULL DEFAULT 0,
         per_member INTEGER CHECK (per_member IS NULL OR per_member >= 1),
         changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
         CHECK (budget IS NULL OR spent <= budget),
         CHECK (max_uses IS NULL OR uses <= max_uses))`,
      `CREATE TABLE promotion_request (
         scope TEXT NOT NULL, key TEXT NOT NULL, digest TEXT NOT NULL,
         status INTEGER, answer JSONB, at TIMESTAMPTZ NOT NULL DEFAULT now(),
         PRIMARY KEY (scope, key))`,
      `CREATE TABLE checkout (
         id BIGSERIAL PRIMARY KEY,
         store_id INTEGER NOT NULL,
         channel TEXT NOT NULL,
         member_code TEXT,
         reference TEXT,
         total BIGINT NOT NULL,
         saving BIGINT NOT NULL,
         at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      `CREATE TABLE checkout_line (
         checkout_id BIGINT NOT NULL REFERENCES checkout(id),
         line_no INTEGER NOT NULL,
         sku INTEGER NOT NULL,
         qty INTEGER NOT NULL CHECK (qty > 0),
         unit BIGINT NOT NULL,
         discount BIGINT NOT NULL CHECK (discount >= 0 AND discount <= unit * qty),
         returned INTEGER NOT NULL DEFAULT 0 CHECK (returned >= 0 AND returned <= qty),
         refunded BIGINT NOT NULL DEFAULT 0,
         PRIMARY KEY (checkout_id, line_no))`,
      `CREATE TABLE checkout_allocation (
         checkout_id BIGINT NOT NULL REFERENCES checkout(id),
         line_no INTEGER NOT NULL,
         promotion_id TEXT NOT NULL REFERENCES promotion(id),
         amount BIGINT NOT NULL CHECK (amount > 0),
         PRIMARY KEY (checkout_id, line_no, promotion_id))`,
      `CREATE TABLE promotion_use (
         promotion_id TEXT NOT NULL REFERENCES promotion(id),
         checkout_id BIGINT NOT NULL REFERENCES checkout(id),
         member_code TEXT,
         amount BIGINT NOT NULL,
         PRIMARY KEY (promotion_id, checkout_id))`,
      'CREATE INDEX promotion_use_member ON promotion_use (promotion_id, member_code) WHERE member_code IS NOT NULL',
    ],
  },
  {
    version: 2,
    // Every checkout and return, written in its transaction, for the relay into the warehouse.
    sql: [
      `CREATE TABLE promotion_outbox (
         id BIGSERIAL PRIMARY KEY, topic TEXT NOT NULL, payload JSONB NOT NULL,
         at TIMESTAMPTZ NOT NULL DEFAULT now(), relayed_at TIMESTAMPTZ)`,
      'CREATE INDEX promotion_outbox_waiting ON promotion_outbox (id) WHERE relayed_at IS NULL',
    ],
  },
  {
    version: 3,
    // Coupons (电子券): templates with a cap on how many are issued, and single-use codes, each redeemed by one
    // checkout at most (its state and checkout set in the checkout's own transaction).
    sql: [
      `CREATE TABLE coupon_template (
         id TEXT PRIMARY KEY,
         definition JSONB NOT NULL,
         max_issued INTEGER,
         issued INTEGER NOT NULL DEFAULT 0,
         changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
         CHECK (max_issued IS NULL OR issued <= max_issued))`,
      `CREATE TABLE coupon (
         code TEXT PRIMARY KEY,
         template_id TEXT NOT NULL REFERENCES coupon_template(id),
         member_code TEXT,
         valid_from DATE NOT NULL,
         valid_to DATE NOT NULL,
         state TEXT NOT NULL DEFAULT 'issued' CHECK (state IN ('issued', 'redeemed', 'void')),
         checkout_id BIGINT REFERENCES checkout(id),
         issued_at TIMESTAMPTZ NOT NULL DEFAULT now(),
         redeemed_at TIMESTAMPTZ,
         CHECK ((state = 'redeemed') = (checkout_id IS NOT NULL)))`,
      'CREATE INDEX coupon_member ON coupon (template_id, member_code)',
      // A line's shares name coupons too (coupon:CODE), which are not promotions.
      'ALTER TABLE checkout_allocation DROP CONSTRAINT checkout_allocation_promotion_id_fkey',
    ],
  },
  {
    version: 4,
    // Flash sales (秒杀): the stock taken and each member's quantity held on guarded rows, so a burst sells
    // exactly the cap and no member more than the limit; orders not paid in time give their stock back.
    sql: [
      `CREATE TABLE flash_sale (
         id TEXT PRIMARY KEY,
         definition JSONB NOT NULL,
         stock INTEGER NOT NULL CHECK (stock >= 0),
         sold INTEGER NOT NULL DEFAULT 0,
         per_member INTEGER NOT NULL,
         starts_at TIMESTAMPTZ NOT NULL,
         ends_at TIMESTAMPTZ NOT NULL,
         CHECK (sold >= 0 AND sold <= stock))`,
      `CREATE TABLE flash_member (
         sale_id TEXT NOT NULL REFERENCES flash_sale(id),
         member_code TEXT NOT NULL,
         qty INTEGER NOT NULL CHECK (qty >= 0),
         PRIMARY KEY (sale_id, member_code))`,
      `CREATE TABLE flash_order (
         id BIGSERIAL PRIMARY KEY,
         sale_id TEXT NOT NULL REFERENCES flash_sale(id),
         member_code TEXT NOT NULL,
         qty INTEGER NOT NULL CHECK (qty > 0),
         price BIGINT NOT NULL,
         state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'paid', 'released')),
         pay_by TIMESTAMPTZ NOT NULL,
         at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      "CREATE INDEX flash_order_due ON flash_order (pay_by) WHERE state = 'pending'",
    ],
  },
  {
    version: 5,
    // Group buying (拼团): a group's places counted on its row (joined never past size), each member once; a
    // full group confirms every member's order, one that runs out of time refunds them.
    sql: [
      'CREATE TABLE group_deal (id TEXT PRIMARY KEY, definition JSONB NOT NULL)',
      `CREATE TABLE group_buy (
         id BIGSERIAL PRIMARY KEY,
         deal_id TEXT NOT NULL REFERENCES group_deal(id),
         size INTEGER NOT NULL,
         joined INTEGER NOT NULL DEFAULT 0,
         state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'succeeded', 'failed')),
         expires_at TIMESTAMPTZ NOT NULL,
         CHECK (joined >= 0 AND joined <= size))`,
      "CREATE INDEX group_buy_due ON group_buy (expires_at) WHERE state = 'open'",
      `CREATE TABLE group_member (
         group_id BIGINT NOT NULL REFERENCES group_buy(id),
         member_code TEXT NOT NULL,
         amount BIGINT NOT NULL,
         state TEXT NOT NULL DEFAULT 'paid' CHECK (state IN ('paid', 'confirmed', 'refunded')),
         at TIMESTAMPTZ NOT NULL DEFAULT now(),
         PRIMARY KEY (group_id, member_code))`,
    ],
  },
  {
    version: 6,
    // Pre-sales (预售): the units held by deposits counted on the sale's row like a flash sale's stock; an order
    // carries its deposit, what it is worth and the balance due, each in fen, fixed when the deposit is paid.
    sql: [
      `CREATE TABLE presale (
         id TEXT PRIMARY KEY,
         definition JSONB NOT NULL,
         stock INTEGER NOT NULL CHECK (stock >= 0),
         sold INTEGER NOT NULL DEFAULT 0,
         per_member INTEGER NOT NULL,
         price BIGINT NOT NULL,
         deposit BIGINT NOT NULL,
         worth BIGINT NOT NULL,
         deposit_from TIMESTAMPTZ NOT NULL,
         deposit_to TIMESTAMPTZ NOT NULL,
         balance_from TIMESTAMPTZ NOT NULL,
         balance_to TIMESTAMPTZ NOT NULL,
         CHECK (sold >= 0 AND sold <= stock),
         CHECK (deposit > 0 AND deposit <= worth AND worth <= price))`,
      `CREATE TABLE presale_member (
         presale_id TEXT NOT NULL REFERENCES presale(id),
         member_code TEXT NOT NULL,
         qty INTEGER NOT NULL CHECK (qty >= 0),
         PRIMARY KEY (presale_id, member_code))`,
      `CREATE TABLE presale_order (
         id BIGSERIAL PRIMARY KEY,
         presale_id TEXT NOT NULL REFERENCES presale(id),
         member_code TEXT NOT NULL,
         qty INTEGER NOT NULL CHECK (qty > 0),
         deposit BIGINT NOT NULL,
         worth BIGINT NOT NULL,
         balance BIGINT NOT NULL CHECK (balance >= 0),
         state TEXT NOT NULL DEFAULT 'deposited'
           CHECK (state IN ('deposited', 'paid', 'cancelled', 'forfeited', 'refunded')),
         at TIMESTAMPTZ NOT NULL DEFAULT now(),
         settled_at TIMESTAMPTZ)`,
      "CREATE INDEX presale_order_open ON presale_order (presale_id) WHERE state = 'deposited'",
    ],
  },
  {
    version: 7,
    // Paid members' monthly coupons: one grant per template, member and chain month (the key that makes the
    // grant once, whichever of the membership hook and the monthly sweep comes first), and how far the
    // promotion center has read the member center's outbox.
    sql: [
      `CREATE TABLE paid_coupon_grant (
         template_id TEXT NOT NULL REFERENCES coupon_template(id),
         member_code TEXT NOT NULL,
         month TEXT NOT NULL,
         at TIMESTAMPTZ NOT NULL DEFAULT now(),
         PRIMARY KEY (template_id, member_code, month))`,
      'ALTER TABLE coupon ADD COLUMN paid_month TEXT',
      'CREATE TABLE promotion_hook (name TEXT PRIMARY KEY, last_id BIGINT NOT NULL)',
    ],
  },
  {
    version: 8,
    // The warehouse learns the promotions' and templates' names, and the coupons issued, from the outbox:
    // those kept before this step are sent once now.
    sql: [
      `INSERT INTO promotion_outbox (topic, payload)
       SELECT 'definition', jsonb_build_object('id', id, 'name', definition->'name', 'kind', definition->>'kind',
         'from', definition->'scope'->>'from', 'to', definition->'scope'->>'to', 'budget', budget)
       FROM promotion ORDER BY id`,
      `INSERT INTO promotion_outbox (topic, payload)
       SELECT 'definition', jsonb_build_object('id', 'coupon:' || id, 'name', definition->'name', 'kind', 'coupon',
         'from', NULL, 'to', NULL, 'budget', NULL)
       FROM coupon_template ORDER BY id`,
      `INSERT INTO promotion_outbox (topic, payload)
       SELECT 'coupons', jsonb_build_object('template', template_id, 'at', min(issued_at),
         'coupons', jsonb_agg(jsonb_build_object('code', code, 'member', member_code) ORDER BY code))
       FROM coupon GROUP BY template_id, date_trunc('minute', issued_at) ORDER BY min(issued_at)`,
    ],
  },
  {
    version: 9,
    // Writes made as of another time (history, the demo) stamp that time, as the member center's do.
    sql: [
      `ALTER TABLE checkout ALTER COLUMN at SET DEFAULT ${TX_NOW}`,
      `ALTER TABLE coupon ALTER COLUMN issued_at SET DEFAULT ${TX_NOW}`,
      `ALTER TABLE flash_order ALTER COLUMN at SET DEFAULT ${TX_NOW}`,
    ],
  },
  {
    version: 10,
    // A flash sale's stock spread over buckets (rows), so orders take units side by side instead of queueing on
    // one row; each bucket guarded by its CHECK, an order remembering its bucket to give units back to.
    // flash_sale.sold is no longer kept: what is sold is the buckets' sum.
    sql: [
      `CREATE TABLE flash_stock (
         sale_id TEXT NOT NULL REFERENCES flash_sale(id),
         bucket INTEGER NOT NULL,
         stock INTEGER NOT NULL CHECK (stock >= 0),
         sold INTEGER NOT NULL DEFAULT 0,
         PRIMARY KEY (sale_id, bucket),
         CHECK (sold >= 0 AND sold <= stock))`,
      'INSERT INTO flash_stock (sale_id, bucket, stock, sold) SELECT id, 0, stock, sold FROM flash_sale',
      'UPDATE flash_sale SET sold = 0',
      'ALTER TABLE flash_order ADD COLUMN bucket INTEGER NOT NULL DEFAULT 0',
    ],
  },
];

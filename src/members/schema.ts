import type { SchemaStep } from '../appstore/index.js';

/** The time of a write: the transaction's zhongtai.now when set (history written as of its day), else now(). */
export const TX_NOW = `coalesce(CAST(nullif(current_setting('zhongtai.now', true), '') AS TIMESTAMPTZ), now())`;

/**
 * The member center's tables in the application store. Money is BIGINT fen. The wallet is a double-entry
 * ledger: each journal entry's lines sum to zero (debits positive), and the `wallet` row holds the running
 * balance of the member's two liability accounts — principal and bonus, kept apart as prepaid-card rules
 * require — guarded by CHECKs so no path can take it below zero. Points live in lots that expire.
 */
/** A ledger's kinds as a step sets them: the CHECK dropped and made again with the kinds of the time. */
const kinds = (table: 'journal_entry' | 'points_entry', ...names: string[]) => [
  `ALTER TABLE ${table} DROP CONSTRAINT ${table}_kind_check`,
  `ALTER TABLE ${table} ADD CONSTRAINT ${table}_kind_check CHECK (kind IN (${names.map((n) => `'${n}'`).join(', ')}))`,
];
const WALLET_KINDS = ['top_up', 'pay', 'refund', 'reverse', 'change'];
const MEMBERSHIP_KINDS = ['membership', 'membership_refund', 'membership_earned'];
const MERGE_KINDS = ['merge_out', 'merge_in'];

export const MEMBER_SCHEMA: SchemaStep[] = [
  {
    version: 1,
    sql: [
      `CREATE TABLE member (
         id BIGSERIAL PRIMARY KEY,
         code TEXT UNIQUE,
         phone_digest TEXT NOT NULL,
         phone_sealed TEXT NOT NULL,
         phone_masked TEXT NOT NULL,
         name TEXT,
         generation TEXT NOT NULL DEFAULT 'registered' CHECK (generation IN ('registered', 'wallet', 'paid')),
         home_store INTEGER,
         registered_at TIMESTAMPTZ NOT NULL DEFAULT now(),
         merged_into BIGINT REFERENCES member(id))`,
      'CREATE UNIQUE INDEX member_phone ON member (phone_digest) WHERE merged_into IS NULL',
      `CREATE TABLE member_external_id (
         kind TEXT NOT NULL, value TEXT NOT NULL, member_id BIGINT NOT NULL REFERENCES member(id),
         linked_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (kind, value))`,
      `CREATE TABLE wallet (
         member_id BIGINT PRIMARY KEY REFERENCES member(id),
         principal BIGINT NOT NULL DEFAULT 0 CHECK (principal >= 0),
         bonus BIGINT NOT NULL DEFAULT 0 CHECK (bonus >= 0))`,
      `CREATE TABLE journal_entry (
         id BIGSERIAL PRIMARY KEY,
         member_id BIGINT NOT NULL REFERENCES member(id),
         kind TEXT NOT NULL CHECK (kind IN ('top_up', 'pay', 'refund', 'reverse', 'change')),
         principal BIGINT NOT NULL,
         bonus BIGINT NOT NULL,
         store_id INTEGER,
         reference TEXT,
         reverses BIGINT REFERENCES journal_entry(id),
         principal_after BIGINT NOT NULL,
         bonus_after BIGINT NOT NULL,
         at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      'CREATE INDEX journal_entry_member ON journal_entry (member_id, id)',
      'CREATE INDEX journal_entry_reverses ON journal_entry (reverses) WHERE reverses IS NOT NULL',
      `CREATE TABLE journal_line (
         entry_id BIGINT NOT NULL REFERENCES journal_entry(id),
         account TEXT NOT NULL,
         amount BIGINT NOT NULL,
         PRIMARY KEY (entry_id, account))`,
      `CREATE TABLE points_lot (
         id BIGSERIAL PRIMARY KEY,
         member_id BIGINT NOT NULL REFERENCES member(id),
         entry_id BIGINT NOT NULL,
         points INTEGER NOT NULL CHECK (points > 0),
         remaining INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= points),
         expires_on DATE NOT NULL)`,
      'CREATE INDEX points_lot_member ON points_lot (member_id, expires_on, id) WHERE remaining > 0',
      `CREATE TABLE points_entry (
         id BIGSERIAL PRIMARY KEY,
         member_id BIGINT NOT NULL REFERENCES member(id),
         kind TEXT NOT NULL CHECK (kind IN ('earn', 'redeem', 'reverse', 'expire')),
         points INTEGER NOT NULL,
         store_id INTEGER,
         reference TEXT,
         reverses BIGINT REFERENCES points_entry(id),
         balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
         at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      'CREATE INDEX points_entry_member ON points_entry (member_id, id)',
      // Idempotency: a write's key, the digest of its request and its answer, kept with the write itself.
      `CREATE TABLE member_request (
         scope TEXT NOT NULL, key TEXT NOT NULL, digest TEXT NOT NULL,
         status INTEGER, answer JSONB, at TIMESTAMPTZ NOT NULL DEFAULT now(),
         PRIMARY KEY (scope, key))`,
      // Every change, written in the same transaction, for the relay into the warehouse.
      `CREATE TABLE member_outbox (
         id BIGSERIAL PRIMARY KEY, topic TEXT NOT NULL, payload JSONB NOT NULL,
         at TIMESTAMPTZ NOT NULL DEFAULT now(), relayed_at TIMESTAMPTZ)`,
      'CREATE INDEX member_outbox_waiting ON member_outbox (id) WHERE relayed_at IS NULL',
    ],
  },
  {
    version: 2,
    // Paid membership (付费会员): a plan bought for a period; its price is deferred revenue, recognised by day,
    // and booked in the same journal (an entry that moves no wallet: principal and bonus 0).
    sql: [
      ...kinds('journal_entry', ...WALLET_KINDS, ...MEMBERSHIP_KINDS),
      `CREATE TABLE membership (
         id BIGSERIAL PRIMARY KEY,
         member_id BIGINT NOT NULL REFERENCES member(id),
         plan TEXT NOT NULL,
         starts_on DATE NOT NULL,
         ends_on DATE NOT NULL CHECK (ends_on >= starts_on),
         price BIGINT NOT NULL CHECK (price >= 0),
         entry_id BIGINT NOT NULL REFERENCES journal_entry(id),
         refunded BIGINT,
         ended_on DATE,
         store_id INTEGER,
         at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      'CREATE INDEX membership_member ON membership (member_id, ends_on)',
    ],
  },
  {
    version: 3,
    // Merging two members: the wallet and points move by a pair of entries (out of one, into the other).
    sql: [
      ...kinds('journal_entry', ...WALLET_KINDS, ...MEMBERSHIP_KINDS, ...MERGE_KINDS),
      ...kinds('points_entry', 'earn', 'redeem', 'reverse', 'expire', ...MERGE_KINDS),
      'CREATE INDEX member_merged ON member (merged_into) WHERE merged_into IS NOT NULL',
    ],
  },
  {
    version: 4,
    // Manual adjustments (人工调整): a reason always; above the chain's limit a second person approves.
    sql: [
      ...kinds('journal_entry', ...WALLET_KINDS, ...MEMBERSHIP_KINDS, ...MERGE_KINDS, 'adjust'),
      `CREATE TABLE member_adjustment (
         id BIGSERIAL PRIMARY KEY,
         member_id BIGINT NOT NULL REFERENCES member(id),
         account TEXT NOT NULL CHECK (account IN ('principal', 'bonus')),
         amount BIGINT NOT NULL CHECK (amount <> 0),
         reason TEXT NOT NULL,
         requested_by TEXT NOT NULL,
         requested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
         status TEXT NOT NULL CHECK (status IN ('pending', 'posted', 'rejected')),
         decided_by TEXT,
         decided_at TIMESTAMPTZ,
         entry_id BIGINT REFERENCES journal_entry(id))`,
      "CREATE INDEX member_adjustment_pending ON member_adjustment (id) WHERE status = 'pending'",
    ],
  },
  {
    version: 5,
    // Spend-based grades inside the generations: the spend each earning was made on, and the member's grade
    // with the day it was last reached (its anniversary decides a downgrade).
    sql: [
      'ALTER TABLE points_entry ADD COLUMN spend BIGINT NOT NULL DEFAULT 0',
      "ALTER TABLE member ADD COLUMN grade TEXT NOT NULL DEFAULT 'normal'",
      'ALTER TABLE member ADD COLUMN grade_since DATE',
      'CREATE INDEX points_entry_spend ON points_entry (member_id, at) WHERE spend <> 0',
    ],
  },
  {
    version: 6,
    // A clock for history: the time a write happened is the transaction's setting zhongtai.now when set (the
    // demo chain's members, written as of the days their orders were), else now().
    sql: [
      `ALTER TABLE member ALTER COLUMN registered_at SET DEFAULT coalesce(CAST(nullif(current_setting('zhongtai.now', true), '') AS TIMESTAMPTZ), now())`,
      `ALTER TABLE journal_entry ALTER COLUMN at SET DEFAULT coalesce(CAST(nullif(current_setting('zhongtai.now', true), '') AS TIMESTAMPTZ), now())`,
      `ALTER TABLE points_entry ALTER COLUMN at SET DEFAULT coalesce(CAST(nullif(current_setting('zhongtai.now', true), '') AS TIMESTAMPTZ), now())`,
      `ALTER TABLE membership ALTER COLUMN at SET DEFAULT coalesce(CAST(nullif(current_setting('zhongtai.now', true), '') AS TIMESTAMPTZ), now())`,
      `ALTER TABLE member_adjustment ALTER COLUMN requested_at SET DEFAULT coalesce(CAST(nullif(current_setting('zhongtai.now', true), '') AS TIMESTAMPTZ), now())`,
      `ALTER TABLE member_request ALTER COLUMN at SET DEFAULT coalesce(CAST(nullif(current_setting('zhongtai.now', true), '') AS TIMESTAMPTZ), now())`,
      `ALTER TABLE member_outbox ALTER COLUMN at SET DEFAULT coalesce(CAST(nullif(current_setting('zhongtai.now', true), '') AS TIMESTAMPTZ), now())`,
    ],
  },
  {
    version: 7,
    // A merge remembered with what it moved, so it can be undone until the member it went into moves again.
    sql: [
      `CREATE TABLE member_merge (
         id BIGSERIAL PRIMARY KEY,
         from_id BIGINT NOT NULL REFERENCES member(id),
         into_id BIGINT NOT NULL REFERENCES member(id),
         principal BIGINT NOT NULL,
         bonus BIGINT NOT NULL,
         points INTEGER NOT NULL,
         lots BIGINT[] NOT NULL,
         external_ids JSONB NOT NULL,
         memberships BIGINT[] NOT NULL,
         into_generation TEXT NOT NULL,
         last_journal BIGINT NOT NULL,
         last_points BIGINT NOT NULL,
         merged_by TEXT NOT NULL,
         at TIMESTAMPTZ NOT NULL DEFAULT ${TX_NOW},
         undone_by TEXT,
         undone_at TIMESTAMPTZ)`,
      'CREATE INDEX member_merge_from ON member_merge (from_id, id)',
      // What the warehouse knows the member by: the chain's card number (会员卡号) given at registration, else
      // the center's own id above CENTER_ID_BASE; the channel joined through; since when the generation holds.
      'ALTER TABLE member ADD COLUMN warehouse_id BIGINT',
      "ALTER TABLE member ADD COLUMN channel TEXT NOT NULL DEFAULT 'pos'",
      `ALTER TABLE member ADD COLUMN generation_since TIMESTAMPTZ NOT NULL DEFAULT ${TX_NOW}`,
      // A member's history (等级变化) is read from the outbox: its changes of generation, grade and identity.
      `CREATE INDEX member_outbox_history ON member_outbox ((payload->>'member'), id)
         WHERE topic IN ('member.registered', 'member.generation', 'member.grade', 'member.merged', 'member.unmerged')`,
      'CREATE INDEX member_merge_into ON member_merge (into_id, id)',
    ],
  },
  {
    version: 8,
    // Bonus value that lapsed unused (breakage), where the chain's rules let it.
    sql: [
      ...kinds('journal_entry', ...WALLET_KINDS, ...MEMBERSHIP_KINDS, ...MERGE_KINDS, 'adjust', 'breakage'),
    ],
  },
  {
    version: 9,
    // Renewals (续费): a period bought by a member who paid for one before.
    sql: ['ALTER TABLE membership ADD COLUMN renewal BOOLEAN NOT NULL DEFAULT false'],
  },
];

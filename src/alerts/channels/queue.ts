import { type AppStore, migrate, seal, storedKey, unseal } from '../../appstore/index.js';
import type { AlertChannelKind, ChannelView, DeliveryView } from '../../contract/index.js';
import { ZhongtaiError } from '../../model/index.js';
import { ALERT_SCHEMA } from '../schema.js';
import { CHANNEL_SECRETS, CHANNEL_SETTINGS, type ChannelKind, type Message, sendBy } from './kinds.js';

/**
 * Channels and the delivery queue. A message is queued once under its dedupe key and sent by the next round of
 * `deliverDue` (the server runs one every few seconds); a channel that is down keeps it pending, retried after 30 s,
 * 1 min, 2 min … up to an hour, given up after 8 tries, each try's answer kept. A message being sent is marked so
 * first (a committed claim), so a second server or a restart does not send it again; a claim older than five
 * minutes (a server killed mid-send) is taken up again — a webhook receiver can tell by the delivery id.
 */
const MAX_ATTEMPTS = 8;
const CLAIM_MS = 5 * 60_000;
const backoffMs = (attempts: number) => Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));

export class Channels {
  private constructor(
    private readonly store: AppStore,
    private readonly key: Buffer,
  ) {}

  static async open(store: AppStore): Promise<Channels> {
    await migrate(store, 'alert_schema_meta', ALERT_SCHEMA);
    return new Channels(store, await storedKey(store, 'alerts.secrets', 'ZHONGTAI_SECRET_KEY'));
  }

  async save(
    input: { name: string; kind: ChannelKind; settings: unknown; secret: unknown; perMinute?: number },
    by: string,
  ): Promise<ChannelView> {
    const settings = CHANNEL_SETTINGS[input.kind].parse(input.settings ?? {});
    const secret = CHANNEL_SECRETS[input.kind].parse(input.secret ?? {});
    const [row] = await this.store.query<{ id: string }>(
      `INSERT INTO alert_channel (name, kind, settings, secret_sealed, per_minute, created_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, settings = excluded.settings,
         secret_sealed = excluded.secret_sealed, per_minute = excluded.per_minute
       RETURNING id`,
      [
        input.name,
        input.kind,
        JSON.stringify(settings),
        seal(this.key, JSON.stringify(secret)),
        input.perMinute ?? (input.kind === 'email' || input.kind === 'webhook' ? 600 : 20),
        by,
      ],
    );
    return this.get(Number(row?.id));
  }

  async list(): Promise<ChannelView[]> {
    const rows = await this.store.query<Record<string, unknown>>('SELECT * FROM alert_channel ORDER BY name');
    return rows.map(view);
  }

  async get(id: number): Promise<ChannelView> {
    const [row] = await this.store.query<Record<string, unknown>>(
      'SELECT * FROM alert_channel WHERE id = $1',
      [id],
    );
    if (!row) throw new ZhongtaiError('NOT_FOUND', { en: `No channel ${id}`, zh: `没有通知渠道 ${id}` });
    return view(row);
  }

  /**
   * Queues a message for a channel, once per dedupe key; false when it was queued before. It is due from `dueAt`
   * on the application's clock, the one `deliverDue` is given: the database's own `now()` may run ahead of it (a
   * store on another host, or the embedded one's transaction time), and a message due "later than now" waits.
   */
  async enqueue(
    channelId: number,
    dedupeKey: string,
    message: Message,
    dueAt = new Date(),
  ): Promise<boolean> {
    const rows = await this.store.query(
      `INSERT INTO alert_delivery (channel_id, dedupe_key, message, next_attempt_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [channelId, dedupeKey, JSON.stringify(message), dueAt.toISOString()],
    );
    return rows.length > 0;
  }

  /** Sends what is due, each channel within its rate; what failed waits its backoff. */
  async deliverDue(now = new Date(), batch = 50): Promise<{ sent: number; failed: number; gaveUp: number }> {
    const claimed = await this.store.transaction(async (tx) =>
      tx.query<{ id: string; channel_id: string; message: Message | string; attempts: number }>(
        `UPDATE alert_delivery SET status = 'sending', claimed_at = $1
         WHERE id IN (
           SELECT d.id FROM alert_delivery d JOIN alert_channel c ON c.id = d.channel_id
           WHERE (d.status = 'pending' AND d.next_attempt_at <= $1)
              OR (d.status = 'sending' AND d.claimed_at < $2)
           ORDER BY d.id LIMIT $3 FOR UPDATE OF d SKIP LOCKED)
         RETURNING id, channel_id, message, attempts`,
        [now.toISOString(), new Date(now.getTime() - CLAIM_MS).toISOString(), batch],
      ),
    );
    const summary = { sent: 0, failed: 0, gaveUp: 0 };
    const channels = new Map<number, { row: Record<string, unknown>; sentLastMinute: number }>();
    for (const d of claimed.sort((a, b) => Number(a.id) - Number(b.id))) {
      const channelId = Number(d.channel_id);
      let channel = channels.get(channelId);
      if (!channel) {
        const [row] = await this.store.query<Record<string, unknown>>(
          'SELECT * FROM alert_channel WHERE id = $1',
          [channelId],
        );
        const [recent] = await this.store.query<{ n: string }>(
          `SELECT count(*) AS n FROM alert_delivery WHERE channel_id = $1 AND status = 'sent' AND sent_at > $2`,
          [channelId, new Date(now.getTime() - 60_000).toISOString()],
        );
        channel = { row: row ?? {}, sentLastMinute: Number(recent?.n ?? 0) };
        channels.set(channelId, channel);
      }
      // Over the channel's rate (a robot takes 20 a minute): back to pending for the next minute, not a failure.
      if (channel.sentLastMinute >= Number(channel.row.per_minute ?? 20)) {
        await this.store.query(
          `UPDATE alert_delivery SET status = 'pending', claimed_at = NULL, next_attempt_at = $2 WHERE id = $1`,
          [d.id, new Date(now.getTime() + 60_000).toISOString()],
        );
        continue;
      }
      const message = typeof d.message === 'string' ? (JSON.parse(d.message) as Message) : d.message;
      try {
        const secret = channel.row.secret_sealed
          ? (JSON.parse(unseal(this.key, String(channel.row.secret_sealed))) as Record<string, unknown>)
          : {};
        const settings =
          typeof channel.row.settings === 'string'
            ? (JSON.parse(channel.row.settings) as Record<string, unknown>)
            : (channel.row.settings as Record<string, unknown>);
        await sendBy(channel.row.kind as ChannelKind, settings, secret, message, String(d.id), now);
        await this.store.query(
          `UPDATE alert_delivery SET status = 'sent', sent_at = $2, attempts = attempts + 1, last_error = NULL
           WHERE id = $1`,
          [d.id, now.toISOString()],
        );
        channel.sentLastMinute += 1;
        summary.sent += 1;
      } catch (error) {
        const attempts = d.attempts + 1;
        const giveUp = attempts >= MAX_ATTEMPTS;
        await this.store.query(
          `UPDATE alert_delivery SET status = $2, attempts = $3, last_error = $4, claimed_at = NULL,
             next_attempt_at = $5 WHERE id = $1`,
          [
            d.id,
            giveUp ? 'gave_up' : 'pending',
            attempts,
            String((error as Error).message ?? error).slice(0, 1000),
            new Date(now.getTime() + backoffMs(attempts)).toISOString(),
          ],
        );
        if (giveUp) summary.gaveUp += 1;
        else summary.failed += 1;
      }
    }
    return summary;
  }

  async deliveries(limit = 100): Promise<DeliveryView[]> {
    const rows = await this.store.query<Record<string, unknown>>(
      `SELECT d.*, c.name AS channel FROM alert_delivery d JOIN alert_channel c ON c.id = d.channel_id
       ORDER BY d.id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      channel: String(r.channel),
      title: (typeof r.message === 'string' ? (JSON.parse(r.message) as Message) : (r.message as Message))
        .title,
      status: r.status as DeliveryView['status'],
      attempts: Number(r.attempts),
      lastError: r.last_error === null ? null : String(r.last_error),
      createdAt: new Date(String(r.created_at)).toISOString(),
      sentAt: r.sent_at === null ? null : new Date(String(r.sent_at)).toISOString(),
    }));
  }
}

const view = (r: Record<string, unknown>): ChannelView => ({
  id: Number(r.id),
  name: String(r.name),
  kind: r.kind as AlertChannelKind,
  settings:
    typeof r.settings === 'string'
      ? (JSON.parse(r.settings) as Record<string, unknown>)
      : (r.settings as Record<string, unknown>),
  hasSecret: r.secret_sealed !== null,
  perMinute: Number(r.per_minute),
  createdBy: String(r.created_by),
});

export type { ChannelView, DeliveryView };

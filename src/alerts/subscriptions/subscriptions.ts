import { CronExpressionParser } from 'cron-parser';
import {
  type AppStore,
  createEmbedLink,
  dashboardActorOf,
  dashboards,
  findUser,
  migrate,
  type Principal,
  principalOf,
} from '../../appstore/index.js';
import {
  type Subscription,
  type SubscriptionDefinition,
  type SubscriptionInput,
  subscriptionInputSchema,
  type Tile,
} from '../../contract/index.js';
import { catalogDocument, dataRange, runQuery } from '../../metrics/index.js';
import { parseInput, questionPeriod, ZhongtaiError } from '../../model/index.js';
import type { Engine } from '../../warehouse/index.js';
import type { Channels } from '../channels/index.js';
import { checkDelivery, refuse } from '../delivered.js';

import { formatValue } from '../rules/index.js';
import { ALERT_SCHEMA } from '../schema.js';
import { chromiumPath, renderDashboard } from './render.js';

/**
 * Subscriptions (订阅): a dashboard, or one tile of it, sent on its schedule to each recipient by his channel —
 * a picture of it as that recipient may see it (an embed link made in his name, opened by headless Chromium),
 * its figures as text beside, and a link. Without a browser on the machine the figures go alone, and the message
 * says why. One message per recipient and scheduled time: a restart that runs the same time again sends nothing
 * twice (the delivery queue's key).
 */

export interface SubscriptionRun {
  subscription: number;
  queued: number;
  pictured: boolean;
  skipped: string[];
}

export interface SubscriptionOptions {
  /** The server's address as a browser on this machine reaches it, for the picture and the link. */
  baseUrl: string;
  /** The address recipients open (behind a proxy); the base URL otherwise. */
  publicUrl?: string;
}

export class Subscriptions {
  private constructor(
    private readonly store: AppStore,
    private readonly engine: Engine,
    private readonly channels: Channels,
    private readonly options: SubscriptionOptions,
  ) {}

  static async open(
    store: AppStore,
    engine: Engine,
    channels: Channels,
    options: SubscriptionOptions,
  ): Promise<Subscriptions> {
    await migrate(store, 'alert_schema_meta', ALERT_SCHEMA);
    return new Subscriptions(store, engine, channels, options);
  }

  private async check(input: SubscriptionInput, owner: Principal): Promise<SubscriptionDefinition> {
    const sub = parseInput(subscriptionInputSchema, input);
    await checkDelivery(this.store, this.channels, sub);
    const dashboard = await dashboards.get(this.store, sub.dashboardId, dashboardActorOf(owner));
    if (sub.tileId && !dashboard.tiles.some((t) => t.id === sub.tileId))
      throw refuse(
        'tileId',
        `tileId: the dashboard has no tile ${sub.tileId}`,
        `tileId：看板中没有图块 ${sub.tileId}`,
      );
    return sub;
  }

  async save(input: SubscriptionInput, owner: Principal, id?: number): Promise<Subscription> {
    const sub = await this.check(input, owner);
    const [row] = id
      ? await this.store.query<{ id: string }>(
          'UPDATE subscription SET name = $2, definition = $3, updated_at = now() WHERE id = $1 RETURNING id',
          [id, sub.name, JSON.stringify(sub)],
        )
      : await this.store.query<{ id: string }>(
          'INSERT INTO subscription (name, definition, owner) VALUES ($1, $2, $3) RETURNING id',
          [sub.name, JSON.stringify(sub), owner.username],
        );
    if (!row) throw new ZhongtaiError('NOT_FOUND', { en: `No subscription ${id}`, zh: `没有订阅 ${id}` });
    return this.get(Number(row.id));
  }

  async get(id: number): Promise<Subscription> {
    const [row] = await this.store.query<Record<string, unknown>>(
      'SELECT * FROM subscription WHERE id = $1',
      [id],
    );
    if (!row) throw new ZhongtaiError('NOT_FOUND', { en: `No subscription ${id}`, zh: `没有订阅 ${id}` });
    return subscriptionOf(row);
  }

  async list(): Promise<Subscription[]> {
    return (await this.store.query<Record<string, unknown>>('SELECT * FROM subscription ORDER BY id')).map(
      subscriptionOf,
    );
  }

  async remove(id: number): Promise<void> {
    const rows = await this.store.query('DELETE FROM subscription WHERE id = $1 RETURNING id', [id]);
    if (!rows.length)
      throw new ZhongtaiError('NOT_FOUND', { en: `No subscription ${id}`, zh: `没有订阅 ${id}` });
  }

  /** Each due subscription with the scheduled time it is due for (the newest since its last run). */
  async due(now = new Date()): Promise<{ subscription: Subscription; at: Date }[]> {
    const out: { subscription: Subscription; at: Date }[] = [];
    for (const subscription of await this.list()) {
      const since = new Date(subscription.lastRunAt ?? subscription.createdAt);
      const times = CronExpressionParser.parse(subscription.schedule, {
        tz: subscription.timezone,
        currentDate: since,
        endDate: now,
      });
      let at: Date | null = null;
      while (times.hasNext()) at = times.next().toDate();
      if (at) out.push({ subscription, at });
    }
    return out;
  }

  async deliverDue(now = new Date()): Promise<SubscriptionRun[]> {
    const runs: SubscriptionRun[] = [];
    for (const { subscription, at } of await this.due(now)) runs.push(await this.run(subscription.id, at));
    return runs;
  }

  /** Sends a subscription now, for the scheduled time `at` (its messages' key: sent once per time). */
  async run(id: number, at = new Date()): Promise<SubscriptionRun> {
    const sub = await this.get(id);
    const result: SubscriptionRun = { subscription: id, queued: 0, pictured: false, skipped: [] };
    const browser = chromiumPath() !== null;
    for (const recipient of sub.recipients) {
      const user = await findUser(this.store, recipient.username);
      const principal = user && !user.disabled ? await principalOf(this.store, user.id) : undefined;
      if (!principal) {
        result.skipped.push(`${recipient.username}: no such active user / 用户不存在或已停用`);
        continue;
      }
      // What the recipient may see of it, or nothing: a dashboard not shared with him is not sent to him.
      const dashboard = await dashboards
        .get(this.store, sub.dashboardId, dashboardActorOf(principal))
        .catch(() => null);
      if (!dashboard) {
        result.skipped.push(
          `${recipient.username}: may not see dashboard ${sub.dashboardId} / 无权查看该看板`,
        );
        continue;
      }
      const tiles = sub.tileId ? dashboard.tiles.filter((t) => t.id === sub.tileId) : dashboard.tiles;
      const figures = await this.figures(tiles, principal);
      let picture: Buffer | null = null;
      let why = '';
      if (browser) {
        try {
          const link = await createEmbedLink(
            this.store,
            { dashboardId: sub.dashboardId, filters: [], expiresInMinutes: 10 },
            dashboardActorOf(principal),
          );
          picture = await renderDashboard({
            baseUrl: this.options.baseUrl,
            path: link.path,
            ...(sub.tileId ? { tile: `tile-${sub.tileId}` } : {}),
          });
        } catch (error) {
          why = `（截图失败：${(error as Error).message.split('\n')[0]}，仅附数据）`;
        }
      } else why = '（本机未安装 Chromium，无法截图，仅附数据）';
      if (picture) result.pictured = true;
      const link = `${this.options.publicUrl ?? this.options.baseUrl}/dashboards/${sub.dashboardId}`;
      const queued = await this.channels.enqueue(
        recipient.channel,
        `sub:${id}:${recipient.username}:${at.toISOString()}`,
        {
          title: `【订阅】${sub.name}`,
          text: [`${dashboard.name}${why}`, ...figures, `查看：${link}`].join('\n'),
          link,
          ...(picture ? { image: { name: `${sub.name}.png`, png: picture.toString('base64') } } : {}),
        },
      );
      if (queued) result.queued += 1;
    }
    await this.store.query('UPDATE subscription SET last_run_at = $2 WHERE id = $1', [id, at.toISOString()]);
    return result;
  }

  /** Each tile's figures over its period with the recipient's grants, one line a tile. */
  private async figures(tiles: Tile[], principal: Principal): Promise<string[]> {
    const range = await dataRange(this.engine);
    if (!range) return ['暂无数据'];
    const metrics = catalogDocument().metrics;
    const lines: string[] = [];
    for (const tile of tiles) {
      const e = tile.exploration;
      const timeRange = questionPeriod(e, range.to);
      const answer = await runQuery(
        this.engine,
        {
          metrics: e.metrics,
          filters: e.filters.map((f) =>
            f.values?.length
              ? { dimension: f.dimension, op: 'in' as const, values: f.values }
              : { dimension: f.dimension, op: 'eq' as const, value: f.value },
          ),
          timeRange,
        },
        { scope: principal.scope },
      ).catch(() => null);
      const row = answer?.rows[0];
      const values = e.metrics.map((id) => {
        const metric = metrics.find((m) => m.id === id);
        const v = row?.[id];
        return `${metric?.label.zh ?? id} ${typeof v === 'number' ? formatValue(v, metric?.unit) : '—'}`;
      });
      lines.push(
        `· ${tile.title}（${timeRange.from} … ${timeRange.to}）：${answer ? values.join('，') : '无权查看'}`,
      );
    }
    return lines;
  }
}

const subscriptionOf = (row: Record<string, unknown>): Subscription => {
  const definition = (
    typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition
  ) as SubscriptionDefinition;
  const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(String(v)).toISOString());
  return {
    ...definition,
    id: Number(row.id),
    owner: String(row.owner),
    lastRunAt: iso(row.last_run_at),
    createdAt: iso(row.created_at) as string,
  };
};

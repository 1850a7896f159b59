import { CronExpressionParser } from 'cron-parser';
import { type AppStore, findUser, migrate, principalOf } from '../../appstore/index.js';
import {
  type AlertEvent,
  type AlertPreviewRow,
  type AlertRuleDefinition,
  type AlertRuleInput,
  type Attribution,
  alertRuleInputSchema,
  SCAN_KPIS,
} from '../../contract/index.js';
import {
  catalogDocument,
  dataRange,
  factById,
  findMetric,
  measureById,
  measuresOf,
  periodRange,
  runQuery,
} from '../../metrics/index.js';
import { parseInput, ZhongtaiError } from '../../model/index.js';
import type { Engine } from '../../warehouse/index.js';
import type { Channels } from '../channels/index.js';
import { checkDelivery, refuse } from '../delivered.js';
import { ALERT_SCHEMA } from '../schema.js';
import { TARGET_KPIS } from '../targets/index.js';
import { findBreaches, formatValue, ruleQuery } from './breaches.js';

/**
 * Alert rules (预警): saved, checked against the catalogue when saved, evaluated on their cron schedule. Each
 * recipient's figures are asked with that recipient's own grants, so a store manager's message names his stores
 * only; a breach sends one message when it opens and one when it recovers, none while it stays open; a muted rule
 * keeps its states but sends nothing.
 */
export interface AlertRule extends AlertRuleDefinition {
  id: number;
  owner: string;
  mutedUntil: string | null;
  lastEvaluatedAt: string | null;
  createdAt: string;
}

export interface Evaluation {
  rule: number;
  opened: number;
  stillOpen: number;
  recovered: number;
  queued: number;
  /** Recipients skipped, and why (a user removed, a grant that reaches nothing). */
  skipped: string[];
}

export class AlertRules {
  private constructor(
    private readonly store: AppStore,
    private readonly engine: Engine,
    private readonly channels: Channels,
  ) {}

  static async open(store: AppStore, engine: Engine, channels: Channels): Promise<AlertRules> {
    await migrate(store, 'alert_schema_meta', ALERT_SCHEMA);
    return new AlertRules(store, engine, channels);
  }

  /** Checks a rule against the catalogue, the schedule and the recipients before it is kept. */
  private async check(input: AlertRuleInput): Promise<AlertRuleDefinition> {
    const rule = parseInput(alertRuleInputSchema, input);
    if (rule.condition.kind === 'attainment' && !(TARGET_KPIS as readonly string[]).includes(rule.metric))
      throw refuse(
        'metric',
        `metric: attainment is kept for ${TARGET_KPIS.join(', ')}, not ${rule.metric}`,
        `metric：达成率仅适用于 ${TARGET_KPIS.join('、')}，不含 ${rule.metric}`,
      );
    const c = rule.condition;
    if (c.kind === 'forecast_band' && rule.metric !== 'net_sales')
      throw refuse(
        'metric',
        'metric: the forecast band is of net_sales (the store forecast)',
        'metric：预测区间仅适用于 net_sales（门店销售预测）',
      );
    if (c.kind === 'anomaly' && !(SCAN_KPIS as readonly string[]).includes(rule.metric))
      throw refuse(
        'metric',
        `metric: the anomaly scan reads ${SCAN_KPIS.join(', ')}, not ${rule.metric}`,
        `metric：智能洞察仅扫描 ${SCAN_KPIS.join('、')}，不含 ${rule.metric}`,
      );
    if ((c.kind === 'anomaly' || c.kind === 'freshness') && rule.dimensions.some((d) => d !== 'store'))
      throw refuse(
        'dimensions',
        'dimensions: anomaly and freshness rules are per store; leave dimensions empty',
        'dimensions：异常与数据及时性规则按门店判断，请勿设置其他维度',
      );
    // The metric, its dimensions and filters as the metric layer would answer them (unknown names, a dimension the
    // metric does not reach): asked once over no days, so a mistake is refused here, naming the field.
    await runQuery(this.engine, ruleQuery(rule, { from: '1900-01-01', to: '1900-01-01' }), { cache: false });
    await checkDelivery(this.store, this.channels, rule);
    return rule;
  }

  async save(input: AlertRuleInput, owner: string, id?: number): Promise<AlertRule> {
    const rule = await this.check(input);
    const [row] = id
      ? await this.store.query<{ id: string }>(
          'UPDATE alert_rule SET name = $2, definition = $3, updated_at = now() WHERE id = $1 RETURNING id',
          [id, rule.name, JSON.stringify(rule)],
        )
      : await this.store.query<{ id: string }>(
          'INSERT INTO alert_rule (name, definition, owner) VALUES ($1, $2, $3) RETURNING id',
          [rule.name, JSON.stringify(rule), owner],
        );
    if (!row) throw new ZhongtaiError('NOT_FOUND', { en: `No alert rule ${id}`, zh: `没有预警规则 ${id}` });
    return this.get(Number(row.id));
  }

  async get(id: number): Promise<AlertRule> {
    const [row] = await this.store.query<Record<string, unknown>>('SELECT * FROM alert_rule WHERE id = $1', [
      id,
    ]);
    if (!row) throw new ZhongtaiError('NOT_FOUND', { en: `No alert rule ${id}`, zh: `没有预警规则 ${id}` });
    return ruleOf(row);
  }

  async list(): Promise<AlertRule[]> {
    return (await this.store.query<Record<string, unknown>>('SELECT * FROM alert_rule ORDER BY id')).map(
      ruleOf,
    );
  }

  async mute(id: number, until: Date | null): Promise<AlertRule> {
    await this.store.query('UPDATE alert_rule SET muted_until = $2 WHERE id = $1', [
      id,
      until?.toISOString() ?? null,
    ]);
    return this.get(id);
  }

  /** Rules whose schedule had a time since they were last evaluated (or since they were made). */
  async due(now = new Date()): Promise<AlertRule[]> {
    return (await this.list()).filter((rule) => {
      const since = new Date(rule.lastEvaluatedAt ?? rule.createdAt);
      const next = CronExpressionParser.parse(rule.schedule, {
        tz: rule.timezone,
        currentDate: since,
      }).next();
      return next.getTime() <= now.getTime();
    });
  }

  /**
   * After a load: the rules that read any of the tables it wrote, evaluated now (a store's sales arriving late
   * recover its freshness alert at once, not at the next 08:30).
   */
  async evaluateAfterLoad(tables: string[], now = new Date()): Promise<Evaluation[]> {
    const touched = new Set(tables);
    const out: Evaluation[] = [];
    for (const rule of await this.list())
      if (tablesRead(rule).some((t) => touched.has(t))) out.push(await this.evaluate(rule.id, now));
    return out;
  }

  async evaluateDue(now = new Date()): Promise<Evaluation[]> {
    const out: Evaluation[] = [];
    for (const rule of await this.due(now)) out.push(await this.evaluate(rule.id, now));
    return out;
  }

  /** One evaluation at a time: the schedule and a load finishing together must not both open one breach. */
  private running: Promise<unknown> = Promise.resolve();

  evaluate(id: number, now = new Date()): Promise<Evaluation> {
    const next = this.running.then(() => this.evaluateNow(id, now));
    this.running = next.catch(() => undefined);
    return next;
  }

  private async evaluateNow(id: number, now: Date): Promise<Evaluation> {
    const rule = await this.get(id);
    const result: Evaluation = { rule: id, opened: 0, stillOpen: 0, recovered: 0, queued: 0, skipped: [] };
    const range = await dataRange(this.engine);
    if (!range) {
      result.skipped.push('no data yet / 暂无数据');
      return result;
    }
    const period = periodRange(rule.period, range);
    const metricId = rule.condition.kind === 'attainment' ? `attainment_${rule.metric}` : rule.metric;
    const metric = catalogDocument().metrics.find((m) => m.id === metricId);
    const muted = rule.mutedUntil !== null && new Date(rule.mutedUntil) > now;
    for (const recipient of rule.recipients) {
      const user = await findUser(this.store, recipient.username);
      const principal = user && !user.disabled ? await principalOf(this.store, user.id) : undefined;
      if (!principal) {
        result.skipped.push(`${recipient.username}: no such active user / 用户不存在或已停用`);
        continue;
      }
      // A recipient whose grant does not reach the metric (a supplier and a store's open days) is told nothing, and
      // the rule says why; the others still hear.
      const found = await findBreaches({
        engine: this.engine,
        rule,
        period,
        scope: principal.scope,
        now,
      }).catch((error: unknown) => {
        result.skipped.push(`${recipient.username}: ${(error as Error).message}`);
        return null;
      });
      if (!found) continue;
      if (found.note) result.skipped.push(`${recipient.username}: ${found.note}`);
      const states = await this.store.query<{
        group_key: string;
        status: string;
        opened_at: Date | string;
        snoozed_until: Date | string | null;
      }>(
        'SELECT group_key, status, opened_at, snoozed_until FROM alert_state WHERE rule_id = $1 AND username = $2',
        [id, recipient.username],
      );
      const open = new Map(states.filter((s) => s.status === 'open').map((s) => [s.group_key, s]));
      const quiet = (key: string) => {
        const until = open.get(key)?.snoozed_until;
        return muted || (until !== null && until !== undefined && new Date(until) > now);
      };
      for (const [key, breach] of found.breaches) {
        if (open.has(key)) {
          result.stillOpen += 1;
          await this.store.query(
            'UPDATE alert_state SET last_value = $4 WHERE rule_id = $1 AND username = $2 AND group_key = $3',
            [id, recipient.username, key, breach.value],
          );
          continue;
        }
        result.opened += 1;
        const why = muted ? null : ((await breach.why?.()) ?? null);
        const text = [
          `${breach.label || '全部'}：${metric?.label.zh ?? metricId} ${
            rule.condition.kind === 'freshness' ? '' : formatValue(breach.value, metric?.unit)
          }${breach.detail ? `（${breach.detail}）` : ''}`,
          `条件：${describe(rule)}`,
          `期间：${period.from} … ${period.to}`,
          ...(why ? [`原因：${why.summary.zh}`] : []),
        ].join('\n');
        await this.store.query(
          `INSERT INTO alert_state (rule_id, username, group_key, status, opened_at, last_value)
           VALUES ($1, $2, $3, 'open', $4, $5)
           ON CONFLICT (rule_id, username, group_key)
           DO UPDATE SET status = 'open', opened_at = $4, recovered_at = NULL, last_value = $5, snoozed_until = NULL`,
          [id, recipient.username, key, now.toISOString(), breach.value],
        );
        await this.record(id, recipient.username, key, 'open', now, breach.value, text, why);
        if (!muted) {
          const queued = await this.channels.enqueue(
            recipient.channel,
            `rule:${id}:${recipient.username}:${key}:${now.toISOString()}:open`,
            { title: `【预警】${rule.name}`, text },
            now,
          );
          if (queued) result.queued += 1;
        }
      }
      for (const [key, state] of open) {
        if (found.breaches.has(key)) continue;
        result.recovered += 1;
        await this.store.query(
          `UPDATE alert_state SET status = 'recovered', recovered_at = $4 WHERE rule_id = $1 AND username = $2 AND group_key = $3`,
          [id, recipient.username, key, now.toISOString()],
        );
        const label = (JSON.parse(key) as unknown[]).map((v) => String(v ?? '—')).join(' · ');
        const text = `${label || '全部'}：${metric?.label.zh ?? metricId} 已恢复正常${
          found.seen.has(key) ? '' : '（本期无数据）'
        }\n期间：${period.from} … ${period.to}`;
        await this.record(id, recipient.username, key, 'recovered', now, null, text, null);
        if (!quiet(key)) {
          const queued = await this.channels.enqueue(
            recipient.channel,
            `rule:${id}:${recipient.username}:${key}:${new Date(state.opened_at).toISOString()}:recovered`,
            { title: `【恢复】${rule.name}`, text },
            now,
          );
          if (queued) result.queued += 1;
        }
      }
    }
    await this.store.query('UPDATE alert_rule SET last_evaluated_at = $2 WHERE id = $1', [
      id,
      now.toISOString(),
    ]);
    return result;
  }

  /** What the rule would find today for one user, sent nowhere and kept nowhere (the editor's live preview). */
  async preview(input: AlertRuleInput, username: string): Promise<AlertPreviewRow[]> {
    const rule = parseInput(alertRuleInputSchema, input);
    const user = await findUser(this.store, username);
    const principal = user && !user.disabled ? await principalOf(this.store, user.id) : undefined;
    if (!principal)
      throw new ZhongtaiError('NOT_FOUND', { en: `No user ${username}`, zh: `没有用户 ${username}` });
    const range = await dataRange(this.engine);
    if (!range) return [];
    const period = periodRange(rule.period, range);
    const found = await findBreaches({
      engine: this.engine,
      rule,
      period,
      scope: principal.scope,
      now: new Date(),
    });
    return [...found.breaches.values()].map((b) => ({
      label: b.label,
      value: b.value,
      detail: b.detail,
      period,
    }));
  }

  /** Snoozes one open breach (a store's) for some hours: it stays open, and its recovery is not announced. */
  async snooze(id: number, username: string, key: string, until: Date): Promise<boolean> {
    const rows = await this.store.query(
      `UPDATE alert_state SET snoozed_until = $4 WHERE rule_id = $1 AND username = $2 AND group_key = $3
       AND status = 'open' RETURNING rule_id`,
      [id, username, key, until.toISOString()],
    );
    return rows.length > 0;
  }

  /** The rule's history: each breach opened and recovered, newest first, with the message and why. */
  async history(id: number, limit = 200): Promise<AlertEvent[]> {
    const rows = await this.store.query<Record<string, unknown>>(
      `SELECT e.*, CASE WHEN s.status = 'open' AND s.snoozed_until > now() THEN s.snoozed_until END AS snoozed_until
       FROM alert_event e
       LEFT JOIN alert_state s ON s.rule_id = e.rule_id AND s.username = e.username AND s.group_key = e.group_key
       WHERE e.rule_id = $1 ORDER BY e.at DESC, e.id DESC LIMIT $2`,
      [id, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      username: String(r.username),
      group: (JSON.parse(String(r.group_key)) as unknown[]).map((v) => String(v ?? '—')).join(' · '),
      groupKey: String(r.group_key),
      event: r.event as 'open' | 'recovered',
      at: new Date(String(r.at)).toISOString(),
      value: r.value === null ? null : Number(r.value),
      text: String(r.text),
      why: r.why === null ? null : ((typeof r.why === 'string' ? JSON.parse(r.why) : r.why) as Attribution),
      snoozedUntil: r.snoozed_until === null ? null : new Date(String(r.snoozed_until)).toISOString(),
    }));
  }

  private async record(
    id: number,
    username: string,
    key: string,
    event: 'open' | 'recovered',
    at: Date,
    value: number | null,
    text: string,
    why: Attribution | null,
  ): Promise<void> {
    await this.store.query(
      `INSERT INTO alert_event (rule_id, username, group_key, event, at, value, text, why)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, username, key, event, at.toISOString(), value, text, why ? JSON.stringify(why) : null],
    );
  }
}

/** The tables the catalogue's views read: a load writes tables, never views. */
const VIEW_TABLES: Record<string, string[]> = {
  forecast_day: ['forecast', 'sales_line', 'store_day_sales'],
  forecast_sku_day: ['forecast'],
  forecast_rest: ['forecast', 'sales_line', 'store_day_sales'],
  target_to_date: ['target_day', 'sales_line', 'store_day_sales'],
};

/** The warehouse tables a rule's figures come from. */
export function tablesRead(rule: AlertRuleDefinition): string[] {
  const c = rule.condition;
  if (c.kind === 'freshness') return ['sales_line'];
  if (c.kind === 'anomaly') return ['sales_line', 'orders', 'traffic', 'store_day_sales'];
  const tables = new Set<string>();
  for (const id of ruleQuery(rule, { from: '1900-01-01', to: '1900-01-01' }).metrics) {
    const metric = findMetric(id);
    if (!metric) continue;
    for (const measure of measuresOf(metric.formula))
      for (const source of measureById(measure).sources)
        for (const table of VIEW_TABLES[factById(source.fact).table] ?? [factById(source.fact).table])
          tables.add(table);
  }
  return [...tables];
}

function describe(rule: AlertRuleDefinition): string {
  const c = rule.condition;
  switch (c.kind) {
    case 'threshold':
      return `${c.op === 'below' ? '低于' : '高于'} ${c.value}`;
    case 'attainment':
      return `达成率落后 ${(c.behind * 100).toFixed(0)} 个百分点以上`;
    case 'forecast_band':
      return '超出预测区间 P10–P90';
    case 'freshness':
      return `营业日 ${c.since} 后仍无销售数据`;
    case 'anomaly':
      return `智能洞察判定异常${c.minImpact ? `（影响 ≥ ¥${c.minImpact}）` : ''}`;
    case 'change':
      return `${{ yoy: '同比', mom: '环比', wow: '周环比', previous: '较上期', yoy_weekday: '同比（同星期）' }[c.compare]}${
        c.direction === 'down' ? '下降' : '上升'
      } ${(c.by * 100).toFixed(1)}（% 或百分点）以上`;
  }
}

const ruleOf = (row: Record<string, unknown>): AlertRule => {
  const definition = (
    typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition
  ) as AlertRuleDefinition;
  const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(String(v)).toISOString());
  return {
    ...definition,
    id: Number(row.id),
    owner: String(row.owner),
    mutedUntil: iso(row.muted_until),
    lastEvaluatedAt: iso(row.last_evaluated_at),
    createdAt: iso(row.created_at) as string,
  };
};

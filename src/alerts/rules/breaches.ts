import type { AlertRuleDefinition, Attribution, Filter, TimeRange } from '../../contract/index.js';
import { attribute, explain, scanAnomalies } from '../../insights/index.js';
import { catalogDocument, type ResolvedScope, resolveScope, runQuery } from '../../metrics/index.js';
import type { DataScope } from '../../model/index.js';
import type { Engine } from '../../warehouse/index.js';

/**
 * What a rule finds for one recipient, read with that recipient's grants: the groups (a store, a region …) in
 * breach, each with its figure, its reference (the threshold, the earlier period, the band …) and, on request,
 * why it moved. Each kind of rule finds them its own way; the state machine around them is one.
 */
export interface Breach {
  /** Stable across evaluations: the group's dimension values. */
  key: string;
  label: string;
  value: number;
  /** The change (comparison rules), the band's nearer edge, the expected value … as the text shows it. */
  detail: string;
  /** Explains the breach with the recipient's grants (called only for the ones a message goes out for). */
  why?: () => Promise<Attribution | null>;
}

export interface Found {
  breaches: Map<string, Breach>;
  /** Groups the rule could read this time (a group not seen recovers as "no data this period"). */
  seen: Set<string>;
  /** Why the rule said nothing (no forecast covers the period, no data yet …). */
  note?: string;
}

export interface FindContext {
  engine: Engine;
  rule: AlertRuleDefinition;
  period: TimeRange;
  scope: DataScope;
  now: Date;
}

const metricOf = (id: string) => catalogDocument().metrics.find((m) => m.id === id);

export const formatValue = (v: number, unit: string | undefined) =>
  unit === 'percent'
    ? `${(v * 100).toFixed(1)}%`
    : unit === 'CNY'
      ? `¥${v.toFixed(2)}`
      : `${Math.round(v * 100) / 100}`;

export const formatChange = (c: number, unit: string | undefined) =>
  unit === 'percent'
    ? `${c >= 0 ? '+' : ''}${(c * 100).toFixed(1)} 个百分点`
    : `${c >= 0 ? '+' : ''}${(c * 100).toFixed(1)}%`;

/** The rule's query: its metrics cut by its dimensions over the period. */
export function ruleQuery(rule: AlertRuleDefinition, timeRange: TimeRange) {
  const c = rule.condition;
  const metrics =
    c.kind === 'attainment'
      ? [`attainment_${rule.metric}`]
      : c.kind === 'forecast_band'
        ? [rule.metric, 'forecast_sales_p10', 'forecast_sales_p90']
        : [rule.metric];
  return {
    metrics,
    dimensions: rule.dimensions,
    filters: rule.filters,
    timeRange,
    limit: 10_000,
    ...(c.kind === 'change' ? { compare: c.compare } : {}),
  };
}

const keyOf = (rule: AlertRuleDefinition, row: Record<string, unknown>) =>
  JSON.stringify(rule.dimensions.map((d) => row[d] ?? null));
const labelOf = (rule: AlertRuleDefinition, row: Record<string, unknown>) =>
  rule.dimensions.map((d) => String(row[d] ?? '—')).join(' · ');

/** Why a group's metric stands where it does: against the rule's comparison, or the period just before. */
function whyOf(ctx: FindContext, row: Record<string, unknown>) {
  const { rule, period, scope, engine } = ctx;
  const c = rule.condition;
  const groupFilters: Filter[] = rule.dimensions
    .filter((d) => row[d] !== null && row[d] !== undefined)
    .map((d) => ({ dimension: d, op: 'eq' as const, value: row[d] as string | number | boolean }));
  const oneDay = period.from === period.to;
  return () =>
    attribute(engine, {
      metric: rule.metric,
      filters: [...rule.filters, ...groupFilters],
      period,
      baseline: c.kind === 'change' ? c.compare : oneDay ? 'wow' : 'previous',
      scope,
    }).catch(() => null);
}

export async function findBreaches(ctx: FindContext): Promise<Found> {
  const c = ctx.rule.condition;
  if (c.kind === 'anomaly') return findAnomalies(ctx, c.minImpact);
  if (c.kind === 'freshness') return findStale(ctx, c.since);
  const { engine, rule, period, scope } = ctx;
  const answer = await runQuery(engine, ruleQuery(rule, period), { scope, cache: false });
  const metricId = c.kind === 'attainment' ? `attainment_${rule.metric}` : rule.metric;
  const unit = metricOf(metricId)?.unit;
  const found: Found = { breaches: new Map(), seen: new Set() };
  if (c.kind === 'forecast_band' && !answer.rows.some((r) => typeof r.forecast_sales_p10 === 'number'))
    return {
      ...found,
      note: `no forecast covers ${period.from} … ${period.to}: run 'zhongtai forecast' / 该期间没有预测，请先运行预测`,
    };
  for (const row of answer.rows) {
    const key = keyOf(rule, row);
    found.seen.add(key);
    const value = row[metricId];
    if (typeof value !== 'number') continue;
    let detail = '';
    let hit = false;
    if (c.kind === 'threshold') hit = c.op === 'below' ? value < c.value : value > c.value;
    else if (c.kind === 'attainment') hit = value < 1 - c.behind;
    else if (c.kind === 'change') {
      // A rate's change in points (the answer's delta is in points: 6.4 for +6.4 pp), others relative.
      const raw = row[`${rule.metric}_${unit === 'percent' ? 'delta' : 'pct'}`];
      if (typeof raw !== 'number') continue; // no earlier data: no change to judge
      const change = unit === 'percent' ? raw / 100 : raw;
      hit = c.direction === 'down' ? change <= -c.by : change >= c.by;
      detail = formatChange(change, unit);
    } else if (c.kind === 'forecast_band') {
      const low = row.forecast_sales_p10;
      const high = row.forecast_sales_p90;
      if (typeof low !== 'number' || typeof high !== 'number') continue;
      hit = value < low || value > high;
      detail = `预测区间 ${formatValue(low, unit)} … ${formatValue(high, unit)}`;
    }
    if (hit)
      found.breaches.set(key, {
        key,
        label: labelOf(rule, row),
        value,
        detail,
        why: whyOf(ctx, row),
      });
  }
  return found;
}

/** The anomaly scan's flagged days of the rule's KPI in the period, per store, within the recipient's stores. */
async function findAnomalies(ctx: FindContext, minImpact: number): Promise<Found> {
  const { engine, rule, period, scope } = ctx;
  const resolved: ResolvedScope = await resolveScope(engine, scope);
  if (resolved.supplierIds !== null)
    return {
      breaches: new Map(),
      seen: new Set(),
      note: 'anomalies are about whole stores; a supplier grant does not reach them / 异常按整店判断，供应商权限不适用',
    };
  const days = Math.max(1, Math.round((Date.parse(period.to) - Date.parse(period.from)) / 86_400_000) + 1);
  const found: Found = { breaches: new Map(), seen: new Set() };
  const flagged = (await scanAnomalies(engine, { to: period.to, days })).filter(
    (a) =>
      a.kpi === rule.metric &&
      a.impact >= minImpact &&
      (resolved.storeIds === null || resolved.storeIds.includes(a.storeId)),
  );
  const unit = metricOf(rule.metric)?.unit;
  for (const a of flagged) {
    const key = JSON.stringify([a.store]);
    if (found.breaches.has(key)) continue; // the largest day of the store leads (sorted by impact)
    found.breaches.set(key, {
      key,
      label: `${a.store} ${a.date}`,
      value: a.actual,
      detail: `预期 ${formatValue(a.expected, unit)}（${formatValue(a.low, unit)} … ${formatValue(a.high, unit)}），影响约 ¥${Math.round(a.impact)}`,
      why: () =>
        explain(
          engine,
          {
            store: a.store,
            storeCode: a.storeCode,
            region: a.region,
            format: a.format,
            from: a.date,
            to: a.date,
            days: [a],
            lead: a,
            impact: a.impact,
          },
          scope,
        ).catch(() => null),
    });
  }
  for (const key of found.breaches.keys()) found.seen.add(key);
  return found;
}

/** Trading stores whose newest sale today (in the rule's time zone) is older than `since`. */
async function findStale(ctx: FindContext, since: string): Promise<Found> {
  const { engine, rule, scope, now } = ctx;
  const found: Found = { breaches: new Map(), seen: new Set() };
  const local = new Intl.DateTimeFormat('sv-SE', {
    timeZone: rule.timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(now); // "2026-11-15 14:05"
  const [today, clock] = local.split(' ') as [string, string];
  if (clock < since) return { ...found, note: `before ${since}: nothing to judge yet / 尚未到 ${since}` };
  const resolved = await resolveScope(engine, scope);
  if (resolved.supplierIds !== null)
    return { ...found, note: 'freshness is about whole stores / 数据及时性按整店判断，供应商权限不适用' };
  // Integers from our own grants, printed as literals; the day and the time as parameters.
  const only =
    resolved.storeIds === null ? '' : `AND s.store_id IN (${[-1, ...resolved.storeIds].join(',')})`;
  const rows = await engine.query(
    `SELECT s.name, CAST(max(l.ts) AS VARCHAR) AS last_sale
     FROM store s LEFT JOIN sales_line l ON l.store_id = s.store_id AND l.date = CAST($1 AS DATE)
     WHERE s.open_date <= CAST($1 AS DATE) AND (s.close_date IS NULL OR s.close_date > CAST($1 AS DATE)) ${only}
     GROUP BY s.name`,
    [today],
  );
  const cutoff = `${today} ${since}:00`;
  for (const row of rows) {
    const key = JSON.stringify([row.name]);
    found.seen.add(key);
    const last = row.last_sale === null || row.last_sale === undefined ? null : String(row.last_sale);
    if (last !== null && last.replace('T', ' ').slice(0, 19) >= cutoff) continue;
    found.breaches.set(key, {
      key,
      label: String(row.name),
      value: 0,
      detail: last ? `最后一笔销售 ${last.replace('T', ' ').slice(0, 16)}` : `${today} 尚无销售`,
    });
  }
  return found;
}

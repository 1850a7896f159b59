import type { Engine, Row } from '../warehouse/index.js';
import type { MetricDef } from './catalog/index.js';
import { keyOf, pctChange } from './compare.js';
import type { ResolvedQuery } from './compiler/plan.js';
import { comparisonFor } from './compiler/time.js';
import { execute } from './execute.js';
import type { Query, TimeRange } from './query.js';
import type { ResolvedScope } from './scope.js';

/**
 * KPIs a single grouped read cannot give: members as of each period end (a running sum from the first day)
 * and like-for-like growth (stores open through both periods only). Each finishes rows already read.
 */
/** What the second passes of multi-pass KPIs need to know of the query they finish. */
export interface Pass {
  engine: Engine;
  resolved: ResolvedQuery;
  query: Query;
  available: ReadonlySet<string>;
  rollupsRead: Set<string>;
  /** Fixed when rollups are switched off; else each pass asks which hold its range. */
  rollups: ReadonlySet<string> | undefined;
  scope: ResolvedScope;
  timeoutMs: number | undefined;
}

/**
 * Balances as of each period end (members, wallets, points, deferred fees): flows from the beginning, summed up
 * to each bucket.
 */
export async function fillCumulative(
  { engine, resolved, query, available, rollupsRead, rollups, scope, timeoutMs }: Pass,
  metric: MetricDef,
  range: TimeRange,
  rows: Row[],
) {
  const registrations = await execute(
    engine,
    { ...resolved, metrics: [metric] },
    { ...query, order: [], limit: 100_000 },
    { range: { from: '1900-01-01', to: range.to }, available, rollupsRead, rollups, scope, timeoutMs },
  );
  const grainDims = resolved.dimensions.filter((d) => d.grain);
  const otherDims = resolved.dimensions.filter((d) => !d.grain);
  const timeKey = (row: Row) => grainDims.map((d) => String(row[d.id] ?? '')).join('|');
  const groups = new Map<string, { time: string; count: number }[]>();
  for (const row of registrations) {
    const group = keyOf(row, otherDims);
    const entries = groups.get(group) ?? [];
    // In hundredths, summed as whole numbers: a balance in yuan is the exact sum of its days (adding the days'
    // floats would show ¥382.18999999999977), and counts stay whole.
    entries.push({ time: timeKey(row), count: Math.round(Number(row[metric.id] ?? 0) * 100) });
    groups.set(group, entries);
  }
  for (const row of rows) {
    const time = timeKey(row);
    const entries = groups.get(keyOf(row, otherDims)) ?? [];
    // Nothing ever recorded (a chain not using the member center's wallet): missing, not a balance of 0.
    row[metric.id] = registrations.some((r) => r[metric.id] !== null && r[metric.id] !== undefined)
      ? entries.reduce((sum, e) => (e.time <= time ? sum + e.count : sum), 0) / 100
      : null;
  }
}

/** Like-for-like growth: net sales of stores open through both periods, this period over the comparison. */
export async function fillLikeForLike(
  { engine, resolved, query, available, rollupsRead, rollups, scope, timeoutMs }: Pass,
  metric: MetricDef,
  range: TimeRange,
  rows: Row[],
) {
  const comparison = comparisonFor(query.compare ?? 'yoy', range);
  const comparableStores = { openBy: comparison.range.from, openUntil: range.to };
  const base = { ...resolved, metrics: [metric] };
  const q = { ...query, order: [], limit: 100_000 };
  const shared = { comparableStores, available, rollupsRead, rollups, scope, timeoutMs };
  const [current, previous] = await Promise.all([
    execute(engine, base, q, { range, ...shared }),
    execute(engine, base, q, { range: comparison.range, ...shared }),
  ]);
  const dims = resolved.dimensions;
  const now = new Map(current.map((row) => [keyOf(row, dims), row[metric.id] ?? null]));
  const before = new Map(previous.map((row) => [keyOf(row, dims, comparison), row[metric.id] ?? null]));
  for (const row of rows) {
    const key = keyOf(row, dims);
    row[metric.id] = pctChange(now.get(key) ?? null, before.get(key) ?? null);
  }
}

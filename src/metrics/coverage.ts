import { type Engine, param } from '../warehouse/index.js';
import { FACTS, factById, type MetricDef, measureById, measuresOf } from './catalog/index.js';
import { daysBetween } from './compiler/time.js';
import type { TimeRange } from './query.js';

/** How much of a period holds data: days with rows of every fact the metrics read, of the period's days. */
export interface Coverage {
  from: string;
  to: string;
  days: number;
  /** Days on which every fact read has rows (the least covered fact decides). */
  daysWithData: number;
  /** True when some day of the period holds no data. */
  partial: boolean;
}

/**
 * Facts that have rows on every day a chain trades: a day without any is a day the data is missing. Facts that
 * may be empty on a normal day (registrations, snapshots taken weekly, forecasts) do not say so.
 */
const DAILY_FACTS = new Set([
  'sales_line',
  'store_day_sales',
  'orders',
  'traffic',
  'attendance',
  'app_activity',
]);

/** The daily facts the metrics read: for each measure the first source whose fact holds data. */
export function factsRead(metrics: readonly MetricDef[], available: ReadonlySet<string>): string[] {
  const facts = new Set<string>();
  for (const metric of metrics)
    for (const id of measuresOf(metric.formula)) {
      const source = measureById(id).sources.find((s) => available.has(s.fact));
      if (source && DAILY_FACTS.has(source.fact)) facts.add(source.fact);
    }
  return [...facts];
}

const kept = new WeakMap<Engine, Map<string, { writes: number; days: number }>>();

/** Days of a range on which a fact has rows, asked in the engine's dialect; kept until the next write. */
async function daysWithRows(engine: Engine, factId: string, range: TimeRange): Promise<number> {
  const fact = factById(factId);
  const key = JSON.stringify([factId, range]);
  let byKey = kept.get(engine);
  if (!byKey) {
    byKey = new Map();
    kept.set(engine, byKey);
  }
  const hit = byKey.get(key);
  if (hit && hit.writes === engine.writes) return hit.days;
  const writes = engine.writes;
  const { sql, params } = engine.render({
    columns: [{ expr: { kind: 'agg', fn: 'count_distinct', arg: fact.date }, alias: 'days' }],
    from: { kind: 'table', name: fact.table, alias: 'f' },
    where: [
      { kind: 'binary', op: '>=', left: fact.date, right: param(range.from, 'date') },
      { kind: 'binary', op: '<=', left: fact.date, right: param(range.to, 'date') },
    ],
  });
  const days = Number((await engine.query(sql, params))[0]?.days ?? 0);
  if (byKey.size > 1_000) byKey.clear();
  byKey.set(key, { writes, days });
  return days;
}

/** The coverage of a range by the daily facts given (all days when none is read daily). */
export async function coverageOf(
  engine: Engine,
  facts: readonly string[],
  range: TimeRange,
): Promise<Coverage> {
  const days = daysBetween(range.from, range.to) + 1;
  const counts = await Promise.all(facts.map((f) => daysWithRows(engine, f, range)));
  const daysWithData = counts.length ? Math.min(...counts) : days;
  return { from: range.from, to: range.to, days, daysWithData, partial: daysWithData < days };
}

// Kept apart so the catalogue's fact list is checked here: every daily fact names a real one.
for (const id of DAILY_FACTS) if (!FACTS.some((f) => f.id === id)) throw new Error(`no fact ${id}`);

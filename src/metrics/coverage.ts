import type { BucketCoverage, Coverage, StoreCoverage } from '../contract/index.js';
import { mondayOf } from '../model/index.js';
import {
  bin,
  col,
  type Engine,
  type Expr,
  keptUntilWrite,
  param,
  type TimeGrain,
} from '../warehouse/index.js';
import { FACTS, factById, type MetricDef, measureById, measuresOf } from './catalog/index.js';
import { addDays, addMonths, daysBetween } from './compiler/time.js';
import type { TimeRange } from './query.js';

export type { BucketCoverage, Coverage, StoreCoverage } from '../contract/index.js';

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

// Coverage is asked again with every answer: its reads are kept until the next write.
const keptDates = keptUntilWrite<string[]>(1_000);
const keptStoreDays = keptUntilWrite<Map<string, number>>(1_000);

/** The days of a range on which a fact has rows (YYYY-MM-DD), asked in the engine's dialect. */
function datesWithRows(engine: Engine, factId: string, range: TimeRange): Promise<string[]> {
  return keptDates(engine, JSON.stringify([factId, range]), async () => {
    const fact = factById(factId);
    // Plain distinct days: bucketing them here would make the engine truncate every row's date.
    const { sql, params } = engine.render({
      columns: [{ expr: fact.date, alias: 'day' }],
      from: { kind: 'table', name: fact.table, alias: 'f' },
      where: inRange(fact.date, range),
      groupBy: [fact.date],
    });
    return (await engine.query(sql, params)).map((r) => isoDay(r.day));
  });
}

const daysWithRows = async (engine: Engine, factId: string, range: TimeRange) =>
  (await datesWithRows(engine, factId, range)).length;

const inRange = (date: Expr, range: TimeRange): Expr[] => [
  bin('>=', date, param(range.from, 'date')),
  bin('<=', date, param(range.to, 'date')),
];

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

/** Days of a range on which each store has rows of a fact, by store name (the store dimension's value). */
function daysByStore(engine: Engine, factId: string, range: TimeRange): Promise<Map<string, number>> {
  return keptStoreDays(engine, JSON.stringify([factId, range]), async () => {
    const fact = factById(factId);
    const key = fact.keys.store;
    if (!key) return new Map<string, number>();
    const { sql, params } = engine.render({
      columns: [
        { expr: col('name', 's'), alias: 'store' },
        { expr: { kind: 'agg', fn: 'count_distinct', arg: fact.date }, alias: 'days' },
      ],
      from: { kind: 'table', name: fact.table, alias: 'f' },
      joins: [
        {
          type: 'inner',
          source: { kind: 'table', name: 'store', alias: 's' },
          on: bin('=', col('store_id', 's'), col(key, 'f')),
        },
      ],
      where: inRange(fact.date, range),
      groupBy: [col('name', 's')],
    });
    const rows = await engine.query(sql, params);
    return new Map(rows.map((r) => [String(r.store), Number(r.days)]));
  });
}

/**
 * Stores whose data covers markedly less of a period than the chain's does (opened, closed or missing part of
 * it): fewer than 90% of the chain's days with data. A day or two shut for a holiday is not flagged. Stores
 * named in `stores` with no rows at all have 0 days.
 */
export async function storesCovering(
  engine: Engine,
  facts: readonly string[],
  period: { range: TimeRange; chain: Coverage },
  comparison: { range: TimeRange; chain: Coverage } | undefined,
  stores: readonly string[],
): Promise<Record<string, StoreCoverage>> {
  const storeFacts = facts.filter((f) => factById(f).keys.store);
  if (!storeFacts.length) return {};
  const least = async (range: TimeRange) => {
    const maps = await Promise.all(storeFacts.map((f) => daysByStore(engine, f, range)));
    return (store: string) => Math.min(...maps.map((m) => m.get(store) ?? 0));
  };
  const [now, before] = await Promise.all([
    least(period.range),
    comparison ? least(comparison.range) : Promise.resolve(undefined),
  ]);
  const out: Record<string, StoreCoverage> = {};
  for (const store of stores) {
    const days = now(store);
    const earlier = before?.(store);
    const short = (n: number, chain: Coverage) => n < 0.9 * chain.daysWithData;
    const flags = {
      period: short(days, period.chain),
      comparison: earlier !== undefined && comparison !== undefined && short(earlier, comparison.chain),
    };
    if (flags.period || flags.comparison)
      out[store] = { period: days, ...(earlier !== undefined ? { comparison: earlier } : {}), short: flags };
  }
  return out;
}

/** A day's bucket (its first day) and the bucket's length in days, for grains of a week or more. */
const BUCKETS: Partial<Record<TimeGrain, (day: string) => { start: string; days: number }>> = {
  // ISO weeks, Monday first, as the engines bucket them.
  week: (day) => {
    const start = mondayOf(day);
    return { start, days: 7 };
  },
  month: (day) => spanOf(`${day.slice(0, 8)}01`, 1),
  quarter: (day) => {
    const month = Math.floor((Number(day.slice(5, 7)) - 1) / 3) * 3 + 1;
    return spanOf(`${day.slice(0, 4)}-${String(month).padStart(2, '0')}-01`, 3);
  },
  year: (day) => spanOf(`${day.slice(0, 4)}-01-01`, 12),
};
const spanOf = (start: string, months: number) => ({
  start,
  days: daysBetween(start, addMonths(start, months)),
});

/**
 * The buckets of a time axis that hold data on only part of their days — the month the data starts or
 * ends in, or a month cut by the range — so a chart marks them instead of drawing a cliff. Keyed by the
 * bucket's first day; the least covered fact decides.
 */
export async function partialBuckets(
  engine: Engine,
  facts: readonly string[],
  grain: TimeGrain,
  range: TimeRange,
): Promise<Record<string, BucketCoverage>> {
  const bucketOf = BUCKETS[grain];
  if (!bucketOf || !facts.length) return {};
  const counts = (await Promise.all(facts.map((f) => datesWithRows(engine, f, range)))).map((dates) => {
    const perBucket = new Map<string, number>();
    for (const day of dates) {
      const { start } = bucketOf(day);
      perBucket.set(start, (perBucket.get(start) ?? 0) + 1);
    }
    return perBucket;
  });
  const out: Record<string, BucketCoverage> = {};
  for (const start of new Set(counts.flatMap((m) => [...m.keys()]))) {
    const { days } = bucketOf(start);
    const daysWithData = Math.min(...counts.map((m) => m.get(start) ?? 0));
    if (daysWithData < days) out[start] = { days, daysWithData };
  }
  return out;
}

/** A bucket's first day as YYYY-MM-DD, whatever type the engine returned it as. */
const isoDay = (value: unknown): string =>
  value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);

// Kept apart so the catalogue's fact list is checked here: every daily fact names a real one.
for (const id of DAILY_FACTS) if (!FACTS.some((f) => f.id === id)) throw new Error(`no fact ${id}`);

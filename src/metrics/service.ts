import { ALL_DATA, type DataScope } from '../model/index.js';
import { col, type Engine, num, type Row } from '../warehouse/index.js';
import { FACTS, type Label, type MetricDef, type Unit, validateCatalog } from './catalog/index.js';
import {
  comparisonColumns,
  defaultOrder,
  keyOf,
  mergeComparison,
  pctChange,
  roundMoney,
  sortRows,
} from './compare.js';
import { type CompileOptions, compile, type ResolvedQuery, resolveQuery } from './compiler/plan.js';
import { checkRange, comparisonFor } from './compiler/time.js';
import {
  type BucketCoverage,
  type Coverage,
  coverageOf,
  factsRead,
  partialBuckets,
  type StoreCoverage,
  storesCovering,
} from './coverage.js';
import { isHeavy, type QueryBudget, tooManyCells } from './limits.js';
import { parseQuery, type Query, type TimeRange } from './query.js';
import { ResultCache } from './result-cache.js';
import { usableRollups } from './rollups.js';
import { type ResolvedScope, resolveScope } from './scope.js';

export interface ColumnMeta {
  id: string;
  kind: 'dimension' | 'metric' | 'compare';
  label: Label;
  unit?: Unit;
  /** For compare columns: the metric and what the column holds. */
  metric?: string;
  compare?: 'previous' | 'delta' | 'pct';
}

export interface QueryResult {
  columns: ColumnMeta[];
  rows: Row[];
  meta: {
    timeRange: TimeRange;
    compareRange?: TimeRange;
    /** Days with data of the facts asked, in the period and in its comparison. */
    /**
     * Days with data in each period; cut by store, `stores` names those covering markedly less than the
     * chain (opened, closed or missing days), with their own days.
     */
    coverage: {
      period: Coverage;
      comparison?: Coverage;
      stores?: Record<string, StoreCoverage>;
      /** On a week-or-coarser time axis: the buckets holding data on only part of their days. */
      buckets?: Record<string, BucketCoverage>;
    };
    engine: string;
    /** The rollups the answer was read from (none: straight from the rows). */
    rollups: string[];
    /** Kept from an earlier identical query, with nothing written since. */
    cached: boolean;
    durationMs: number;
    rowCount: number;
    truncated: boolean;
  };
}

validateCatalog();

interface DataFacts {
  range: TimeRange | null;
  available: ReadonlySet<string>;
  at: number;
}
const dataFacts = new WeakMap<Engine, DataFacts>();

/** Whether a table has a row, asked in the engine's own dialect. */
async function hasRows(engine: Engine, table: string): Promise<boolean> {
  const { sql, params } = engine.render({
    columns: [{ expr: num(1), alias: 'x' }],
    from: { kind: 'table', name: table, alias: 't' },
    limit: 1,
  });
  return (await engine.query(sql, params)).length > 0;
}

/** The first and last day of a fact with rows. */
async function daysOf(engine: Engine, table: string): Promise<[string, string] | null> {
  const date = col('date', 't');
  const { sql, params } = engine.render({
    columns: [
      { expr: { kind: 'agg', fn: 'min', arg: date }, alias: 'first' },
      { expr: { kind: 'agg', fn: 'max', arg: date }, alias: 'last' },
    ],
    from: { kind: 'table', name: table, alias: 't' },
  });
  const [row] = await engine.query(sql, params);
  return row?.first && row.last ? [String(row.first), String(row.last)] : null;
}

/** Which facts hold data, and the days with sales; read again after a few seconds so new loads show. */
async function factsOf(engine: Engine): Promise<DataFacts> {
  const cached = dataFacts.get(engine);
  if (cached && Date.now() - cached.at < 5_000) return cached;
  const tables = [...new Set(FACTS.map((f) => f.table))];
  const present = await Promise.all(tables.map((t) => hasRows(engine, t)));
  const withData = new Set(tables.filter((_, i) => present[i]));
  const spans = await Promise.all(
    ['sales_line', 'store_day_sales'].filter((t) => withData.has(t)).map((t) => daysOf(engine, t)),
  );
  const known = spans.filter((s): s is [string, string] => s !== null);
  const facts: DataFacts = {
    range: known.length
      ? {
          from: known.map((s) => s[0]).sort()[0] as string,
          to: known
            .map((s) => s[1])
            .sort()
            .at(-1) as string,
        }
      : null,
    available: new Set(FACTS.filter((f) => withData.has(f.table)).map((f) => f.id)),
    at: Date.now(),
  };
  dataFacts.set(engine, facts);
  return facts;
}

/** Forgets what was read of the warehouse's facts, after a load: the next query sees the new data. */
export function forgetDataFacts(engine: Engine): void {
  dataFacts.delete(engine);
}

/** The days the warehouse holds sales for: the default time range of a query. */
export async function dataRange(engine: Engine): Promise<TimeRange | null> {
  return (await factsOf(engine)).range;
}

/** Compiles and runs one pass, reading the rollups that hold every day of its range. */
async function execute(
  engine: Engine,
  resolved: ResolvedQuery,
  query: Query,
  options: CompileOptions & { timeoutMs?: number },
): Promise<Row[]> {
  const rollups = options.rollups ?? (await usableRollups(engine, options.range));
  const { sql, params } = engine.render(compile(resolved, query, { ...options, rollups }));
  return engine.query(sql, params, options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
}

export interface RunOptions {
  /** false: read the rows even where a rollup could answer (benchmarks compare the two). */
  rollups?: boolean;
  /** false: ask the engine even when an answer to the same query is kept (benchmarks). */
  cache?: boolean;
  /** The caller's grants; every row read is filtered to them. The CLI, on the data file itself, reads all. */
  scope?: DataScope;
  /** The server's limits: time and cells per query, heavy queries at once. None: unlimited (the CLI). */
  budget?: QueryBudget;
}

const results = new ResultCache();

/** Runs a metric query: checks it, compiles it, and adds comparisons and multi-pass KPIs. */
export async function runQuery(engine: Engine, input: unknown, run: RunOptions = {}): Promise<QueryResult> {
  const started = performance.now();
  const query = parseQuery(input);
  const scope = await resolveScope(engine, run.scope ?? ALL_DATA);
  // Callers with other grants never share an answer: the scope's keys are part of the cache key.
  const key = JSON.stringify([query, run.rollups !== false, scope.key]);
  const kept = run.cache === false ? undefined : results.get(engine, key);
  if (kept)
    return {
      ...kept,
      meta: { ...kept.meta, cached: true, durationMs: Math.round(performance.now() - started) },
    };
  // Taken before reading: a load that lands meanwhile leaves this answer unkept rather than kept as new.
  const writes = engine.writes;
  const resolved = resolveQuery(query);
  const facts = await factsOf(engine);
  const range = query.timeRange ?? facts.range ?? { from: '2000-01-01', to: '2000-01-01' };
  const ask = () => answerQuery(engine, { query, resolved, facts, range }, run, scope, started);
  const budget = run.budget;
  const answer =
    budget && isHeavy(resolved.dimensions, range)
      ? await budget.gate.run(budget.timeoutMs, ask)
      : await ask();
  results.set(engine, key, writes, answer);
  return answer;
}

/** A query as answered: checked, resolved against the catalogue, over its range (the data's when it names none). */
interface Asked {
  query: Query;
  resolved: ResolvedQuery;
  facts: DataFacts;
  range: TimeRange;
}

async function answerQuery(
  engine: Engine,
  { query, resolved, facts, range }: Asked,
  run: RunOptions,
  scope: ResolvedScope,
  started: number,
): Promise<QueryResult> {
  checkRange(range);
  const special = resolved.metrics.filter((m) => m.special);
  const sortsBySpecial = query.order.some((o) => special.some((m) => m.id === o.by));
  const comparison = query.compare ? comparisonFor(query.compare, range) : undefined;
  const compareColumns = comparison ? comparisonColumns(resolved.metrics) : [];
  // Rows beyond what the cell limit allows are not read: one more than allowed says the answer is too large.
  const width = resolved.dimensions.length + resolved.metrics.length + compareColumns.length;
  const budget = run.budget;
  const maxRows = budget ? Math.floor(budget.maxCells / width) : Number.POSITIVE_INFINITY;
  const wanted = sortsBySpecial ? 100_000 : query.limit;
  const sqlQuery = { ...query, limit: Math.min(wanted, maxRows + 1) };
  const timeoutMs = budget?.timeoutMs;
  const rollupsRead = new Set<string>();
  const rollups = run.rollups === false ? new Set<string>() : undefined;
  // The period and its comparison are independent queries: run them side by side.
  const finish = async (period: TimeRange, limitOverride?: number): Promise<Row[]> => {
    const rows = await execute(
      engine,
      resolved,
      limitOverride ? { ...sqlQuery, limit: limitOverride } : sqlQuery,
      { range: period, available: facts.available, rollupsRead, rollups, scope, timeoutMs },
    );
    if (rows.length > maxRows) throw tooManyCells(maxRows, width, budget?.maxCells ?? 0);
    const pass = {
      engine,
      resolved,
      query,
      available: facts.available,
      rollupsRead,
      rollups,
      scope,
      timeoutMs,
    };
    for (const metric of special) {
      if (metric.special === 'cumulative') await fillCumulative(pass, metric, period, rows);
      if (metric.special === 'lfl') await fillLikeForLike(pass, metric, period, rows);
    }
    return rows;
  };
  // Which days of each period hold data for the facts asked (a comparison over a half-empty period says so),
  // asked beside the answer's own reads rather than after them.
  const read = factsRead(resolved.metrics, facts.available);
  const coverage = Promise.all([
    coverageOf(engine, read, range),
    comparison ? coverageOf(engine, read, comparison.range) : Promise.resolve(undefined),
  ]);
  coverage.catch(() => undefined);
  const axis = resolved.dimensions[0];
  const buckets = axis?.grain ? partialBuckets(engine, read, axis.grain, range) : Promise.resolve({});
  buckets.catch(() => undefined);
  const [rows, previous] = await Promise.all([
    finish(range),
    comparison ? finish(comparison.range, Math.min(100_000, maxRows + 1)) : Promise.resolve([]),
  ]);
  const dims = resolved.dimensions;
  const columns: ColumnMeta[] = [
    ...dims.map((d) => ({ id: d.id, kind: 'dimension' as const, label: d.label })),
    ...resolved.metrics.map((m) => ({ id: m.id, kind: 'metric' as const, label: m.label, unit: m.unit })),
  ];
  // Rows of the comparison alone are added only when the current answer was not cut by the limit.
  const complete = rows.length < (sortsBySpecial ? 100_000 : query.limit);
  roundMoney(rows, resolved.metrics);
  let out = comparison
    ? mergeComparison(
        rows,
        roundMoney(previous, resolved.metrics),
        dims,
        resolved.metrics,
        comparison,
        complete,
      )
    : rows;
  columns.push(...compareColumns);
  if (sortsBySpecial || out.length > rows.length) {
    out = sortRows(out, query.order.length ? query.order : defaultOrder(dims, resolved.metrics));
    out = out.slice(0, query.limit);
  }
  const [periodCoverage, comparisonCoverage] = await coverage;
  const byStore = dims.some((d) => d.id === 'store')
    ? await storesCovering(
        engine,
        read,
        { range, chain: periodCoverage },
        comparison && comparisonCoverage ? { range: comparison.range, chain: comparisonCoverage } : undefined,
        [...new Set(out.map((r) => String(r.store ?? '')).filter(Boolean))],
      )
    : undefined;
  return {
    columns,
    rows: out,
    meta: {
      timeRange: range,
      ...(comparison ? { compareRange: comparison.range } : {}),
      coverage: {
        period: periodCoverage,
        ...(comparisonCoverage ? { comparison: comparisonCoverage } : {}),
        ...(byStore && Object.keys(byStore).length ? { stores: byStore } : {}),
        ...(Object.keys(await buckets).length ? { buckets: await buckets } : {}),
      },
      engine: engine.name,
      rollups: [...rollupsRead].sort(),
      cached: false,
      durationMs: Math.round(performance.now() - started),
      rowCount: out.length,
      truncated: out.length >= query.limit,
    },
  };
}

/** What the second passes of multi-pass KPIs need to know of the query they finish. */
interface Pass {
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

/** Members as of each period end: registrations from the beginning, summed up to each bucket. */
async function fillCumulative(
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
    entries.push({ time: timeKey(row), count: Number(row[metric.id] ?? 0) });
    groups.set(group, entries);
  }
  for (const row of rows) {
    const time = timeKey(row);
    const entries = groups.get(keyOf(row, otherDims)) ?? [];
    row[metric.id] = entries.reduce((sum, e) => (e.time <= time ? sum + e.count : sum), 0);
  }
}

/** Like-for-like growth: net sales of stores open through both periods, this period over the comparison. */
async function fillLikeForLike(
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

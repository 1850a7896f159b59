import { ALL_DATA, type DataScope } from '../model/index.js';
import type { Engine, Row } from '../warehouse/index.js';
import { type DataFacts, factsOf } from './availability.js';
import { validateCatalog } from './catalog/index.js';
import { comparisonColumns, defaultOrder, mergeComparison, roundMoney, sortRows } from './compare.js';
import { type ResolvedQuery, resolveQuery } from './compiler/plan.js';
import { checkRange, comparisonFor } from './compiler/time.js';
import { coverageOf, factsRead, partialBuckets, storesCovering } from './coverage.js';
import { execute } from './execute.js';
import { isHeavy, type QueryBudget, tooManyCells } from './limits.js';
import { fillCumulative, fillLikeForLike } from './multipass.js';
import { parseQuery, type Query, type TimeRange } from './query.js';
import type { ColumnMeta, QueryResult } from './result.js';
import { ResultCache } from './result-cache.js';
import { type ResolvedScope, resolveScope } from './scope.js';

/**
 * Answering a question: checked, narrowed to the caller's grants, read (from rollups where they hold the
 * range), its comparison merged, multi-pass KPIs finished, coverage said, and kept until the next write.
 */
validateCatalog();

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
  const partial = await buckets;
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
        ...(Object.keys(partial).length ? { buckets: partial } : {}),
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

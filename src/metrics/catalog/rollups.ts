import { col, type Expr } from '../../warehouse/index.js';
import { type DimensionGroup, type FactDef, factById, factSupports } from './facts.js';
import { type MeasureSource, measureById } from './measures.js';

/**
 * Rollups (pre-aggregations): a fact summed per day and the keys kept, for the measures that add up —
 * sums and plain counts, never distinct counts or nested aggregates, so an answer from a rollup is the
 * answer from the rows. The compiler reads one when it holds every dimension and filter of a measure and
 * no changed day of its fact lies in the query's range (see src/warehouse/fact-changes.ts).
 */
export interface RollupDef {
  id: string;
  fact: string;
  /** Keys of the fact kept (beside the day): what the rollup can still be cut by. */
  keys: ('store' | 'channel')[];
  measures: string[];
}

export const ROLLUPS: RollupDef[] = [
  {
    id: 'sales_day',
    fact: 'sales_line',
    keys: ['store', 'channel'],
    measures: ['net_sales', 'gross_sales', 'discount', 'cogs', 'gross_profit', 'units', 'member_net_sales'],
  },
  { id: 'orders_day', fact: 'orders', keys: ['store', 'channel'], measures: ['orders', 'instore_orders'] },
];

export const rollupTable = (rollup: RollupDef): string => `rollup_${rollup.id}`;

/** The rollup as the compiler sees a fact: its table, its day and the keys it kept. */
export function rollupFact(rollup: RollupDef): FactDef {
  const fact = factById(rollup.fact);
  return {
    id: `rollup:${rollup.id}`,
    table: rollupTable(rollup),
    date: col('date', 'f'),
    keys: Object.fromEntries(rollup.keys.map((k) => [k, fact.keys[k]])),
    columnsOf: fact.table,
  };
}

/** The measure's own source on the rollup's fact: what the rollup sums per day. */
export function rolledSource(rollup: RollupDef, measure: string): MeasureSource {
  const source = measureById(measure).sources.find((s) => s.fact === rollup.fact);
  if (!source) throw new Error(`rollup ${rollup.id}: measure ${measure} has no source on ${rollup.fact}`);
  return source;
}

/** How a rollup's column adds up again: a sum of the per-day sums or counts. */
export const rolledUp = (measure: string): MeasureSource['aggregation'] => ({
  kind: 'plain',
  expr: { kind: 'agg', fn: 'sum', arg: col(measure, 'f') },
});

/**
 * The one place a rollup is chosen: of those fresh for the range (`usable`), one of the measure's own fact
 * that sums the measure and kept every dimension and filter asked (never the hour); none, and the rows answer.
 */
export function rollupFor(
  measure: string,
  fact: string,
  groups: readonly DimensionGroup[],
  usable: ReadonlySet<string>,
): RollupDef | undefined {
  return ROLLUPS.find(
    (r) =>
      usable.has(r.id) &&
      r.fact === fact &&
      r.measures.includes(measure) &&
      groups.every((g) => factSupports(rollupFact(r), g)),
  );
}

/** A rollup may only hold measures that add up exactly. */
export function checkRollup(rollup: RollupDef): void {
  const fact = factById(rollup.fact);
  for (const key of rollup.keys) if (!fact.keys[key]) throw new Error(`rollup ${rollup.id}: no ${key} key`);
  for (const measure of rollup.measures) {
    const { aggregation } = rolledSource(rollup, measure);
    const expr: Expr | undefined = aggregation.kind === 'plain' ? aggregation.expr : undefined;
    if (!expr || expr.kind !== 'agg' || (expr.fn !== 'sum' && expr.fn !== 'count'))
      throw new Error(`rollup ${rollup.id}: ${measure} does not add up (only sums and counts do)`);
  }
}

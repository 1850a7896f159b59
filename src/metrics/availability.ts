import { col, type Engine, num } from '../warehouse/index.js';
import { FACTS, factById, measureById } from './catalog/index.js';
import type { TimeRange } from './query.js';

/**
 * Which facts hold data, and the days with sales: what a query falls back on when it names no period, and
 * which sources a measure can be read from. Read again after a few seconds, or at once after a load.
 */
export interface DataFacts {
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
export async function factsOf(engine: Engine): Promise<DataFacts> {
  const cached = dataFacts.get(engine);
  if (cached && Date.now() - cached.at < 5_000) return cached;
  const tables = [...new Set(FACTS.map((f) => f.table))];
  const present = await Promise.all(tables.map((t) => hasRows(engine, t)));
  const withData = new Set(tables.filter((_, i) => present[i]));
  // The days with sales: wherever the catalogue reads net sales from (the lines, or daily takings).
  const salesTables = [...new Set(measureById('net_sales').sources.map((s) => factById(s.fact).table))];
  const spans = await Promise.all(salesTables.filter((t) => withData.has(t)).map((t) => daysOf(engine, t)));
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

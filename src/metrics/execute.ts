import type { Engine, Row } from '../warehouse/index.js';
import { type CompileOptions, compile, type ResolvedQuery } from './compiler/plan.js';
import type { Query } from './query.js';
import { usableRollups } from './rollups.js';

/** Compiles and runs one pass, reading the rollups that hold every day of its range. */
export async function execute(
  engine: Engine,
  resolved: ResolvedQuery,
  query: Query,
  options: CompileOptions & { timeoutMs?: number },
): Promise<Row[]> {
  const rollups = options.rollups ?? (await usableRollups(engine, options.range));
  const { sql, params } = engine.render(compile(resolved, query, { ...options, rollups }));
  return engine.query(sql, params, options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
}

import type { Cell } from './engine.js';
import type { Runner } from './insert.js';

/**
 * The days of each fact that changed since its rollups were last refreshed. Every writer of a fact records
 * them in the same transaction as its rows, so a reader sees either the old rows with a clean rollup or the
 * new rows with the change noted — a rollup is never read for a day it does not yet hold. A null day means
 * "any day": the whole fact changed (a demo generated, a load rolled back).
 */
export const FACT_CHANGE_TABLE = 'fact_change';

/** Records the distinct days `daysSql` selects (one column named date) as changed for `table`. */
export async function noteChangedDays(runner: Runner, table: string, daysSql: string, params: Cell[] = []) {
  await runner.run(
    `INSERT INTO ${FACT_CHANGE_TABLE} (table_name, date) SELECT DISTINCT $${params.length + 1}, date FROM (${daysSql})`,
    [...params, table],
  );
}

/** Records that any day of `table` may have changed. */
export async function noteChangedFact(runner: Runner, table: string) {
  await runner.run(`INSERT INTO ${FACT_CHANGE_TABLE} (table_name, date) VALUES ($1, NULL)`, [table]);
}

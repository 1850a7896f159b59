import { TABLES } from '../model/index.js';
import { DUCKDB_TYPES } from './duckdb/migrations.js';
import type { Cell } from './engine.js';
import { FACT_CHANGE_TABLE } from './fact-changes.js';

/** Anything that can run a parameterised statement (an engine, or a transaction's writer). */
export interface Runner {
  run(sql: string, params?: Cell[]): Promise<void>;
}

/**
 * Inserts plain rows (master data, thousands of rows; bulk facts are generated or loaded in SQL): into a
 * model table as one JSON parameter, into any other table as parameterised multi-row VALUES, in chunks.
 */
export async function insertRows(
  runner: Runner,
  table: string,
  rows: Record<string, Cell>[],
  chunk = 400,
): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const model = TABLES.find((t) => t.name === table);
  if (model) {
    // A model table: the rows travel as one JSON value, unpacked into the model's types by DuckDB
    // (binding thousands of separate parameters is ten times slower).
    const typed = Object.keys(first).map((name) => {
      const column = model.columns.find((c) => c.name === name);
      if (!column) throw new Error(`${table} has no column ${name}`);
      return column;
    });
    const struct = JSON.stringify(Object.fromEntries(typed.map((c) => [c.name, DUCKDB_TYPES[c.type]])));
    const list = typed.map((c) => `"${c.name}"`).join(', ');
    // Facts written row by row (tests, small sources) note their days like any load, for the rollups.
    if (model.kind === 'fact' && model.columns.some((c) => c.name === 'date')) {
      const days = [...new Set(rows.map((r) => r.date).filter((d) => d !== null && d !== undefined))];
      for (const day of days)
        await runner.run(
          `INSERT INTO ${FACT_CHANGE_TABLE} (table_name, date) VALUES ($1, CAST($2 AS DATE))`,
          [table, day as Cell],
        );
    }
    for (let start = 0; start < rows.length; start += 20_000) {
      const slice = rows
        .slice(start, start + 20_000)
        .map((row) => Object.fromEntries(typed.map((c) => [c.name, row[c.name] ?? null])));
      await runner.run(
        `INSERT INTO "${table}" (${list}) SELECT ${list} FROM (SELECT unnest(from_json($1, '[${struct}]'), recursive := true))`,
        [JSON.stringify(slice)],
      );
    }
    return;
  }
  const columns = Object.keys(first);
  for (const name of [table, ...columns]) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier ${name}`);
  }
  for (let start = 0; start < rows.length; start += chunk) {
    const slice = rows.slice(start, start + chunk);
    const params: Cell[] = [];
    const tuples = slice.map((row) => {
      const refs = columns.map((column) => {
        params.push(row[column] ?? null);
        return `$${params.length}`;
      });
      return `(${refs.join(', ')})`;
    });
    await runner.run(
      `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`,
      params,
    );
  }
}

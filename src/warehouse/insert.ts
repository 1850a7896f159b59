import type { Cell } from './engine.js';

/** Anything that can run a parameterised statement (an engine, or a transaction's writer). */
export interface Runner {
  run(sql: string, params?: Cell[]): Promise<void>;
}

/**
 * Inserts plain rows with parameterised multi-row VALUES, in chunks. For master data (thousands of
 * rows); bulk facts are generated or loaded in SQL.
 */
export async function insertRows(
  runner: Runner,
  table: string,
  rows: Record<string, Cell>[],
  chunk = 400,
): Promise<void> {
  const first = rows[0];
  if (!first) return;
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

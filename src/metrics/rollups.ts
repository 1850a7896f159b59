import {
  bin,
  col,
  type DuckDbEngine,
  type Engine,
  FACT_CHANGE_TABLE,
  param,
  type Select,
} from '../warehouse/index.js';
import { factById, ROLLUPS, type RollupDef, rolledSource, rollupTable } from './catalog/index.js';
import type { TimeRange } from './query.js';

const definitionOf = (rollup: RollupDef) => JSON.stringify(rollup);

/**
 * The rollups a query over `range` may read: built from the current definition, with no changed day of
 * their fact inside the range (a day loaded since the last refresh is read from the rows themselves).
 */
export async function usableRollups(engine: Engine, range: TimeRange): Promise<Set<string>> {
  if (engine.name !== 'duckdb') return new Set();
  const rows = await engine.query(
    `SELECT s.rollup_id, s.definition FROM rollup_state s
     WHERE NOT EXISTS (SELECT 1 FROM ${FACT_CHANGE_TABLE} c WHERE c.table_name = s.fact_table
                       AND (c.date IS NULL OR c.date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)))`,
    [range.from, range.to],
  );
  const current = new Map(ROLLUPS.map((r) => [r.id, definitionOf(r)]));
  return new Set(
    rows.filter((r) => current.get(String(r.rollup_id)) === r.definition).map((r) => String(r.rollup_id)),
  );
}

/** The rollup's rows, per day and kept key; only the changed days of its fact when `changedOnly`. */
function rollupSelect(rollup: RollupDef, changedOnly: boolean): Select {
  const fact = factById(rollup.fact);
  const keys = rollup.keys.map((k) => fact.keys[k] as string);
  const changed: Select = {
    columns: [{ expr: col('date'), alias: 'date' }],
    from: { kind: 'table', name: FACT_CHANGE_TABLE, alias: 'c' },
    where: [bin('=', col('table_name'), param(fact.table, 'string'))],
    groupBy: [col('date')],
  };
  return {
    columns: [
      { expr: fact.date, alias: 'date' },
      ...keys.map((k) => ({ expr: col(k, 'f'), alias: k })),
      ...rollup.measures.map((m) => {
        const { aggregation } = rolledSource(rollup, m);
        if (aggregation.kind !== 'plain') throw new Error(`rollup ${rollup.id}: ${m} does not add up`);
        return { expr: aggregation.expr, alias: m };
      }),
    ],
    from: { kind: 'table', name: fact.table, alias: 'f' },
    joins: changedOnly
      ? [
          {
            type: 'inner',
            source: { kind: 'subquery', select: changed, alias: 'c' },
            on: bin('=', fact.date, col('date', 'c')),
          },
        ]
      : [],
    groupBy: [fact.date, ...keys.map((k) => col(k, 'f'))],
    orderBy: [{ expr: col('date'), desc: false }],
  };
}

export interface RollupRefresh {
  rollup: string;
  /** Days recomputed, or 'all' for a full build. */
  days: number | 'all';
  rows: number;
  seconds: number;
}

/**
 * Brings every rollup up to date: a rollup never built, built from another definition, or whose fact
 * changed on any day is built whole; otherwise only the changed days are recomputed. One transaction per
 * fact, so its change notes are cleared together with the rollups that took them in.
 */
export async function refreshRollups(
  engine: DuckDbEngine,
  onStep?: (rollup: string, done: number, total: number) => void,
): Promise<RollupRefresh[]> {
  if (engine.readOnly) return [];
  const done: RollupRefresh[] = [];
  const facts = [...new Set(ROLLUPS.map((r) => r.fact))];
  for (const factId of facts) {
    const fact = factById(factId);
    await engine.transaction(async () => {
      const [change] = await engine.write(
        `SELECT count(DISTINCT date) AS days, count(*) FILTER (WHERE date IS NULL) AS whole FROM ${FACT_CHANGE_TABLE} WHERE table_name = $1`,
        [fact.table],
      );
      for (const rollup of ROLLUPS.filter((r) => r.fact === factId)) {
        const started = performance.now();
        const [state] = await engine.write('SELECT definition FROM rollup_state WHERE rollup_id = $1', [
          rollup.id,
        ]);
        const whole = !state || state.definition !== definitionOf(rollup) || Number(change?.whole) > 0;
        const days = Number(change?.days ?? 0);
        if (!whole && days === 0) continue;
        onStep?.(rollup.id, done.length, ROLLUPS.length);
        const table = `"${rollupTable(rollup)}"`;
        const rendered = engine.render(rollupSelect(rollup, !whole));
        if (whole) {
          await engine.run(`DROP TABLE IF EXISTS ${table}`);
          await engine.run(`CREATE TABLE ${table} AS ${rendered.sql}`, rendered.params);
        } else {
          await engine.run(
            `DELETE FROM ${table} WHERE date IN (SELECT date FROM ${FACT_CHANGE_TABLE} WHERE table_name = $1)`,
            [fact.table],
          );
          await engine.run(`INSERT INTO ${table} ${rendered.sql}`, rendered.params);
        }
        const [count] = await engine.write(`SELECT count(*) AS n FROM ${table}`);
        await engine.run(
          `INSERT INTO rollup_state VALUES ($1, $2, $3, now(), $4)
           ON CONFLICT (rollup_id) DO UPDATE SET fact_table = excluded.fact_table, definition = excluded.definition,
             built_at = excluded.built_at, rows = excluded.rows`,
          [rollup.id, fact.table, definitionOf(rollup), Number(count?.n ?? 0)],
        );
        done.push({
          rollup: rollup.id,
          days: whole ? 'all' : days,
          rows: Number(count?.n ?? 0),
          seconds: (performance.now() - started) / 1000,
        });
      }
      await engine.run(`DELETE FROM ${FACT_CHANGE_TABLE} WHERE table_name = $1`, [fact.table]);
    });
  }
  // Facts without rollups need no notes of their changes.
  await engine.run(
    `DELETE FROM ${FACT_CHANGE_TABLE} WHERE table_name NOT IN (${facts.map((_, i) => `$${i + 1}`).join(', ')})`,
    facts.map((f) => factById(f).table),
  );
  return done;
}

/**
 * Refreshes rollups in the background while a server runs: loads through the API, pulls and
 * subscriptions note their days, and a few seconds later the rollups take them in.
 */
export function startRollupRefresher(engine: DuckDbEngine, everyMs = 2_000): () => Promise<void> {
  let running: Promise<unknown> = refreshRollups(engine).catch(report);
  const timer = setInterval(() => {
    running = running
      .then(async () => {
        const [pending] = await engine.query(`SELECT count(*) AS n FROM ${FACT_CHANGE_TABLE}`);
        if (Number(pending?.n) > 0) await refreshRollups(engine);
      })
      .catch(report);
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

function report(error: unknown): void {
  process.stderr.write(`rollup refresh failed (queries read the rows meanwhile): ${String(error)}\n`);
}

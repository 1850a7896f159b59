import { tableByName } from '../model/index.js';
import {
  bin,
  col,
  type Engine,
  FACT_CHANGE_TABLE,
  type MaterialColumn,
  param,
  type Select,
  type Warehouse,
} from '../warehouse/index.js';
import { factById, ROLLUPS, type RollupDef, rolledSource, rollupTable } from './catalog/index.js';
import type { TimeRange } from './query.js';

/** What a built rollup must match to be read: its declaration and its columns (a change rebuilds it). */
const definitionOf = (rollup: RollupDef) => JSON.stringify({ ...rollup, columns: rollupColumns(rollup) });

interface Snapshot {
  writes: number;
  built: { id: string; fact: string }[];
  /** Per fact table: changed days (ISO), and whether any day may have changed. */
  changes: Map<string, { whole: boolean; days: string[] }>;
}
const snapshots = new WeakMap<Engine, Snapshot>();

/** Which rollups are built from their current definition, and which days changed: read once per write. */
async function snapshotOf(engine: Engine): Promise<Snapshot> {
  const known = snapshots.get(engine);
  if (known && known.writes === engine.writes) return known;
  const writes = engine.writes;
  const current = new Map(ROLLUPS.map((r) => [r.id, definitionOf(r)]));
  const built = (await engine.query('SELECT rollup_id, fact_table, definition FROM rollup_state'))
    .filter((r) => current.get(String(r.rollup_id)) === r.definition)
    .map((r) => ({ id: String(r.rollup_id), fact: String(r.fact_table) }));
  const changes = new Map<string, { whole: boolean; days: string[] }>();
  for (const r of await engine.query(
    `SELECT DISTINCT table_name, CAST(date AS VARCHAR) AS date FROM ${FACT_CHANGE_TABLE}`,
  )) {
    const entry = changes.get(String(r.table_name)) ?? { whole: false, days: [] };
    if (r.date === null) entry.whole = true;
    else entry.days.push(String(r.date));
    changes.set(String(r.table_name), entry);
  }
  const snapshot = { writes, built, changes };
  snapshots.set(engine, snapshot);
  return snapshot;
}

/**
 * The rollups a query over `range` may read: built from the current definition, with no changed day of
 * their fact inside the range (a day loaded since the last refresh is read from the rows themselves).
 */
export async function usableRollups(engine: Engine, range: TimeRange): Promise<Set<string>> {
  if (engine.name !== 'duckdb') return new Set();
  const { built, changes } = await snapshotOf(engine);
  const inRange = (fact: string) => {
    const change = changes.get(fact);
    return change && (change.whole || change.days.some((d) => d >= range.from && d <= range.to));
  };
  return new Set(built.filter((r) => !inRange(r.fact)).map((r) => r.id));
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

/**
 * The rollup's columns: the day, the keys as the fact types them, and each measure as a `total` — exact for
 * money (2 places), quantities (3) and counts, and summed as 64-bit integers: the engine's own type for a
 * sum of decimals is 128-bit and re-summing it was slower than reading the rows.
 */
function rollupColumns(rollup: RollupDef): MaterialColumn[] {
  const fact = factById(rollup.fact);
  const model = tableByName(fact.table);
  const keys = rollup.keys.map((k): MaterialColumn => {
    const name = fact.keys[k] as string;
    const column = model.columns.find((c) => c.name === name);
    if (!column) throw new Error(`rollup ${rollup.id}: ${fact.table} has no ${name}`);
    return { name, type: column.type };
  });
  return [
    { name: 'date', type: 'date' },
    ...keys,
    ...rollup.measures.map((m): MaterialColumn => ({ name: m, type: 'total' })),
  ];
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
  engine: Warehouse,
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
        const rows = await engine.materialise(
          rollupTable(rollup),
          rollupColumns(rollup),
          rollupSelect(rollup, !whole),
          whole ? undefined : fact.table,
        );
        await engine.run(
          `INSERT INTO rollup_state VALUES ($1, $2, $3, now(), $4)
           ON CONFLICT (rollup_id) DO UPDATE SET fact_table = excluded.fact_table, definition = excluded.definition,
             built_at = excluded.built_at, rows = excluded.rows`,
          [rollup.id, fact.table, definitionOf(rollup), rows],
        );
        done.push({
          rollup: rollup.id,
          days: whole ? 'all' : days,
          rows,
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
export function startRollupRefresher(engine: Warehouse, everyMs = 2_000): () => Promise<void> {
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

export interface RollupStatus {
  rollup: string;
  fact: string;
  rows: number;
  builtAt: string | null;
  /** Changed days of its fact not yet taken in ('all': rebuilt at the next refresh). */
  changedDays: number | 'all';
}

export async function rollupStatus(engine: Engine): Promise<RollupStatus[]> {
  const state = new Map(
    (
      await engine.query('SELECT rollup_id, rows, CAST(built_at AS VARCHAR) AS built_at FROM rollup_state')
    ).map((r) => [String(r.rollup_id), r]),
  );
  const changes = new Map(
    (
      await engine.query(
        `SELECT table_name, count(DISTINCT date) AS days, count(*) FILTER (WHERE date IS NULL) AS whole
         FROM ${FACT_CHANGE_TABLE} GROUP BY ALL`,
      )
    ).map((r) => [String(r.table_name), r]),
  );
  return ROLLUPS.map((rollup) => {
    const table = factById(rollup.fact).table;
    const built = state.get(rollup.id);
    const change = changes.get(table);
    return {
      rollup: rollup.id,
      fact: table,
      rows: Number(built?.rows ?? 0),
      builtAt: built ? String(built.built_at).slice(0, 19) : null,
      changedDays: Number(change?.whole ?? 0) > 0 ? 'all' : Number(change?.days ?? 0),
    };
  });
}

import { FIRST_VERSION, STORE_VERSIONED, type Table, tableByName, ZhongtaiError } from '../model/index.js';
import { noteChangedDays, type Warehouse } from '../warehouse/index.js';
import { compileTarget, type MappedSelect, type ReadMode } from './map.js';
import type { FileSpec, TargetSpec } from './spec.js';
import { type BrokenLine, brokenLines, closeSource, correctLines, type Source } from './stage.js';
import { keepBefore, keepWritten } from './undo.js';

/**
 * One target of one file in two steps. Staging reads the file, maps and checks every row and finds
 * repeats, into temp tables named apart per load; writing puts the rows in the model table and the rejects in
 * quarantine, inside the load's transaction. Staging may run before that transaction opens: DuckDB scans
 * and copies a committed table about twice as fast as one made inside the transaction.
 */
export interface StagedTarget {
  file: string;
  table: Table;
  target: TargetSpec;
  /** Temp tables and views of this target: the mapped batch, the deduplicated rows, the rows to load. */
  names: { batch: string; ranked: string; final: string };
  columns: string[];
  key: string[];
  readerTyped: MappedSelect['readerTyped'];
  /** Lines the reader could not split or convert; quarantined with the file's first target only. */
  broken: BrokenLine[];
  firstOfFile: boolean;
  failing: number;
  good: number;
  distinctKeys: number;
  distinctRows: number;
  clashes: number;
}

export interface TargetResult {
  file: string;
  table: string;
  read: number;
  loaded: number;
  rejected: number;
  skipped: number;
}

const q = (name: string) => `"${name}"`;

async function one(engine: Warehouse, sql: string, params: (string | number)[] = []): Promise<number> {
  const [row] = await engine.write(sql, params);
  return Number(Object.values(row ?? {})[0] ?? 0);
}

const KIND_WORDS: Record<string, [string, string]> = {
  int: ['整数', 'whole number'],
  number: ['数字', 'number'],
  date: ['日期', 'date'],
  timestamp: ['时间', 'timestamp'],
};

/** A value the CSV reader could not convert, said as the SQL checks say it (the engine's column name hidden). */
function readerFailure(typedBy: { fields: string[]; kind: string }, engineMessage: string): string {
  const value = /Could not convert string "(.*?)" to/.exec(engineMessage)?.[1];
  const [zh, en] = KIND_WORDS[typedBy.kind] ?? ['值', 'value'];
  return `${typedBy.fields.join(', ')}: 不是有效的${zh} / not a ${en}${value === undefined ? '' : `: "${value}"`}`;
}

export async function stageTarget(
  engine: Warehouse,
  prefix: string,
  source: Source,
  fileSpec: FileSpec,
  target: TargetSpec,
  chainZone: string,
  firstOfFile: boolean,
): Promise<StagedTarget> {
  const table = tableByName(target.table);
  const names = { batch: `${prefix}_batch`, ranked: `${prefix}_ranked`, final: `${prefix}_final` };
  const build = async (mode: ReadMode) => {
    await closeSource(engine, source);
    const mapped = compileTarget(target, source, fileSpec.delimiter, mode, chainZone);
    await engine.run(`CREATE OR REPLACE TEMP TABLE ${names.batch} AS ${mapped.sql}`, mapped.params);
    return mapped;
  };
  let mapped = await build('fast');
  const columns = mapped.columns.map((c) => c.name);
  // Without a declared key, the model's natural key as far as this source feeds it.
  const key = target.key ?? table.key.filter((k) => columns.includes(k));
  const keyList = key.map(q).join(', ');
  const counts = async () => {
    const [row] = await engine.write(
      `SELECT count(*) FILTER (WHERE _reason <> '') AS failing, count(*) FILTER (WHERE _reason = '') AS good FROM ${names.batch}`,
    );
    return { failing: Number(row?.failing ?? 0), good: Number(row?.good ?? 0) };
  };
  // Keys of the rows that load: all of them when none fails (no filter to evaluate over the batch).
  const countKeys = (failing: number) =>
    one(
      engine,
      `SELECT count(*) FROM (SELECT DISTINCT ${keyList} FROM ${names.batch}${failing > 0 ? " WHERE _reason = ''" : ''})`,
    );
  let { failing, good } = await counts();
  // Lines are numbered only when a row needs one (a reject to report, a repeated key to order); that pass
  // reads every column as text, so its rejects quote the file as it is.
  let broken = await brokenLines(engine, source);
  // A failing row sends the file through that pass anyway: its keys are counted there.
  let distinctKeys = failing > 0 ? 0 : await countKeys(0);
  if (failing > 0 || distinctKeys < good || broken.some((b) => b.column)) {
    mapped = await build('exact');
    broken = await brokenLines(engine, source);
    await correctLines(engine, names.batch, broken);
    ({ failing, good } = await counts());
    distinctKeys = await countKeys(failing);
  }
  let distinctRows = good;
  let clashes = 0;
  if (distinctKeys === good) {
    await engine.run(
      `CREATE OR REPLACE TEMP VIEW ${names.final} AS SELECT * FROM ${names.batch} WHERE _reason = ''`,
    );
  } else {
    // Identical rows (a re-sent line, a file overlapping another) collapse to the first; rows sharing a key
    // with other values are rejected, naming the line they clash with.
    await engine.run(`CREATE OR REPLACE TEMP TABLE ${names.ranked} AS
      SELECT *, first_value(_line) OVER w AS _first, row_number() OVER w AS _n
      FROM (SELECT min(_line) AS _line, ${columns.map(q).join(', ')} FROM ${names.batch} WHERE _reason = '' GROUP BY ALL)
      WINDOW w AS (PARTITION BY ${keyList} ORDER BY _line)`);
    clashes = await one(engine, `SELECT count(*) FROM ${names.ranked} WHERE _n > 1`);
    distinctRows = await one(engine, `SELECT count(*) FROM ${names.ranked}`);
    await engine.run(
      `CREATE OR REPLACE TEMP VIEW ${names.final} AS SELECT * FROM ${names.ranked} WHERE _n = 1`,
    );
  }
  return {
    file: source.file,
    table,
    target,
    names,
    columns,
    key,
    readerTyped: mapped.readerTyped,
    broken,
    firstOfFile,
    failing,
    good,
    distinctKeys,
    distinctRows,
    clashes,
  };
}

export async function dropStaged(engine: Warehouse, staged: StagedTarget): Promise<void> {
  await engine.run(`DROP VIEW IF EXISTS ${staged.names.final}`);
  await engine.run(`DROP TABLE IF EXISTS ${staged.names.ranked}`);
  await engine.run(`DROP TABLE IF EXISTS ${staged.names.batch}`);
}

async function quarantine(engine: Warehouse, loadId: number, staged: StagedTarget): Promise<void> {
  const { file, names, key } = staged;
  for (const line of staged.firstOfFile ? staged.broken : []) {
    const typedBy = line.column ? staged.readerTyped.get(line.column) : undefined;
    const why = typedBy
      ? readerFailure(typedBy, line.reason)
      : `无法解析的行 / unreadable line: ${line.reason}`;
    await engine.run('INSERT INTO ingest_reject VALUES ($1, $2, $3, $4, $5, $6)', [
      loadId,
      file,
      line.line,
      typedBy?.fields[0] ?? null,
      why,
      line.raw,
    ]);
  }
  if (staged.failing > 0) {
    await engine.run(
      `INSERT INTO ingest_reject SELECT $1, $2, _line, split_part(_reason, ':', 1), _reason, _raw FROM ${names.batch} WHERE _reason <> ''`,
      [loadId, file],
    );
  }
  if (staged.clashes > 0) {
    const keyText = key
      .map((k) => `'${k}=' || coalesce(CAST(r.${q(k)} AS VARCHAR), '')`)
      .join(` || ', ' || `);
    await engine.run(
      `INSERT INTO ingest_reject SELECT $1, $2, r._line, $3, '重复键但取值不同 / same key as line ' || r._first || ' with other values (' || ${keyText} || ')', NULL
       FROM ${names.ranked} r WHERE r._n > 1`,
      [loadId, file, key.join('+')],
    );
  }
}

/**
 * Keeps store versions: a store new to the history gets a first version valid since ever; one whose
 * versioned attributes differ from its current version gets that version closed on `asOf` and a new one
 * opened (a second change on the same day replaces that day's version).
 */
async function versionStores(engine: Warehouse, loadedRows: string, asOf: string): Promise<void> {
  const cols = STORE_VERSIONED.map(q);
  // The stores as this load left them (a spec need not map every versioned attribute).
  const incoming = `(SELECT store_id, ${cols.join(', ')} FROM store WHERE store_id IN (SELECT store_id FROM ${loadedRows}))`;
  await engine.run(`CREATE OR REPLACE TEMP TABLE _store_changed AS
    SELECT f.* FROM ${incoming} f JOIN store_history h ON h.store_id = f.store_id AND h.valid_to IS NULL
    WHERE NOT (${STORE_VERSIONED.map((c) => `f.${q(c)} IS NOT DISTINCT FROM h.${q(c)}`).join(' AND ')})`);
  await engine.run(
    'DELETE FROM store_history WHERE store_id IN (SELECT store_id FROM _store_changed) AND valid_from >= CAST($1 AS DATE)',
    [asOf],
  );
  await engine.run(
    `UPDATE store_history SET valid_to = CAST($1 AS DATE)
     WHERE store_id IN (SELECT store_id FROM _store_changed) AND (valid_to IS NULL OR valid_to > CAST($1 AS DATE))`,
    [asOf],
  );
  await engine.run(
    `INSERT INTO store_history (store_id, valid_from, valid_to, ${cols.join(', ')}) SELECT store_id, CAST($1 AS DATE), NULL, ${cols.join(', ')} FROM _store_changed`,
    [asOf],
  );
  await engine.run(
    `INSERT INTO store_history (store_id, valid_from, valid_to, ${cols.join(', ')})
     SELECT store_id, DATE '${FIRST_VERSION}', NULL, ${cols.join(', ')} FROM ${incoming} f
     WHERE f.store_id NOT IN (SELECT store_id FROM store_history)`,
  );
  await engine.run('DROP TABLE _store_changed');
}

/** Writes a staged target inside the load's transaction: the replace scope, the rows, the rejects. */
export async function writeTarget(
  engine: Warehouse,
  loadId: number,
  staged: StagedTarget,
  asOf: string,
): Promise<TargetResult> {
  const { table, target, key, columns, good, distinctKeys, distinctRows } = staged;
  const final = staged.names.final;
  await quarantine(engine, loadId, staged);
  const keyList = key.map(q).join(', ');
  const list = columns.map(q).join(', ');
  const same = (a: string, b: string, names: string[]) =>
    names.map((n) => `${a}.${q(n)} IS NOT DISTINCT FROM ${b}.${q(n)}`).join(' AND ');
  const isFact = table.kind === 'fact';
  const onConflict = target.onConflict ?? (isFact ? 'skip' : 'update');
  // The days this load touches — the rows it brings and those it replaces — so rollups refresh just those.
  const dated = isFact && table.columns.some((c) => c.name === 'date');
  if (dated) await noteChangedDays(engine, table.name, `SELECT date FROM ${final}`);
  // For a rollback: what this load is about to delete or overwrite, and the keys it writes where rows
  // carry no load id. A plain append of facts needs neither: its rows are found by their load id.
  if (target.replace) {
    const scope = target.replace.map(q).join(', ');
    const inScope = `(${scope}) IN (SELECT DISTINCT ${scope} FROM ${final})`;
    await keepBefore(engine, loadId, table, inScope);
    if (dated)
      await noteChangedDays(engine, table.name, `SELECT date FROM ${q(table.name)} WHERE ${inScope}`);
    await engine.run(`DELETE FROM ${q(table.name)} WHERE ${inScope}`);
  }
  if (onConflict === 'update' || !isFact) {
    await keepBefore(engine, loadId, table, `(${keyList}) IN (SELECT ${keyList} FROM ${final})`);
    await keepWritten(engine, loadId, table, key, final);
  }
  if (table.name === 'store') {
    const history = tableByName('store_history');
    await keepBefore(engine, loadId, history, `store_id IN (SELECT store_id FROM ${final})`);
    await keepWritten(engine, loadId, history, ['store_id'], final);
  }
  const withLoad = isFact ? `, ${q('load_id')}` : '';
  const loadValue = isFact ? `, ${loadId}` : '';
  const before = await one(engine, `SELECT count(*) FROM ${q(table.name)}`);
  let loaded: number;
  if (onConflict === 'update') {
    const unchanged =
      before === 0
        ? 0
        : await one(
            engine,
            `SELECT count(*) FROM ${final} f WHERE EXISTS (SELECT 1 FROM ${q(table.name)} t WHERE ${same('t', 'f', columns)})`,
          );
    const fresh = `SELECT ${list}${loadValue} FROM ${final} f
       ${before === 0 ? '' : `WHERE NOT EXISTS (SELECT 1 FROM ${q(table.name)} t WHERE ${same('t', 'f', columns)})`}`;
    if (isFact) {
      // Facts carry no key constraint: a row whose key comes again with other values is replaced.
      if (before > 0) {
        const replaced = `FROM ${q(table.name)} t WHERE (${key.map((k) => `t.${q(k)}`).join(', ')}) IN (SELECT ${keyList} FROM ${final})
           AND NOT EXISTS (SELECT 1 FROM ${final} f WHERE ${same('t', 'f', columns)})`;
        if (dated) await noteChangedDays(engine, table.name, `SELECT t.date ${replaced}`);
        await engine.run(`DELETE ${replaced}`);
      }
      await engine.run(`INSERT INTO ${q(table.name)} (${list}${withLoad}) ${fresh}`);
    } else {
      if (key.join() !== table.key.join()) {
        throw new ZhongtaiError('BAD_REQUEST', {
          en: `${target.table}: onConflict update needs the table's own key (${table.key.join(', ')})`,
          zh: `${target.table}：onConflict update 须使用表的主键（${table.key.join('、')}）`,
        });
      }
      const updates = columns.filter((c) => !key.includes(c)).map((c) => `${q(c)} = excluded.${q(c)}`);
      await engine.run(
        `INSERT INTO ${q(table.name)} (${list}) ${fresh}
         ON CONFLICT (${keyList}) ${updates.length ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING'}`,
      );
    }
    loaded = distinctKeys - unchanged;
  } else {
    // An empty table needs no check against what is there: the first load of a fact is a plain append.
    await engine.run(
      `INSERT INTO ${q(table.name)} (${list}${withLoad}) SELECT ${list}${loadValue} FROM ${final} f
       ${before === 0 ? '' : `WHERE NOT EXISTS (SELECT 1 FROM ${q(table.name)} t WHERE ${same('t', 'f', key)})`}`,
    );
    loaded = (await one(engine, `SELECT count(*) FROM ${q(table.name)}`)) - before;
  }
  if (table.name === 'store') await versionStores(engine, final, asOf);
  const rejected = staged.failing + staged.broken.length + staged.clashes;
  return {
    file: staged.file,
    table: table.name,
    read: good + staged.failing + staged.broken.length,
    loaded,
    rejected,
    // Skipped: exact repeats inside the batch, and rows already in the table.
    skipped: good - distinctRows + (distinctKeys - loaded),
  };
}

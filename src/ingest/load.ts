import { basename } from 'node:path';
import { FIRST_VERSION, STORE_VERSIONED, tableByName, ZhongtaiError } from '../model/index.js';
import type { DuckDbEngine } from '../warehouse/index.js';
import { compileTarget, type ReadMode } from './map.js';
import { type FileSpec, fileSpecFor, type Spec, type TargetSpec } from './spec.js';
import { brokenLines, closeSource, correctLines, openSource, type Source } from './stage.js';

export interface TargetResult {
  file: string;
  table: string;
  read: number;
  loaded: number;
  rejected: number;
  skipped: number;
}

export interface ImportResult {
  loadId: number;
  source: string;
  targets: TargetResult[];
  loaded: number;
  rejected: number;
  skipped: number;
  seconds: number;
}

export interface ImportOptions {
  /** Fail the whole load when more than this share of rows is rejected (0..1). */
  maxRejectRate?: number;
  /** Called as each target of each file starts, and once at the end: steps done, of how many, and which. */
  progress?: (done: number, total: number, step: string) => void;
  /** What the load history records as its files (a pushed batch records its idempotency key). */
  recordAs?: string;
  /** The day master-data changes take effect (a store's new region counts from then); default: today. */
  asOf?: string;
  /** Runs inside the load's transaction, after the rows: what must land together with them (a high-water mark). */
  withinLoad?: (loadId: number) => Promise<void>;
}

const q = (name: string) => `"${name}"`;
const LOAD_ORDER: Record<string, number> = {
  store: 0,
  supplier: 0,
  channel: 0,
  promotion: 0,
  campaign: 0,
  product: 1,
  member: 1,
  employee: 1,
  store_attribute: 1,
};
// Wall-clock times from the process: inside a transaction DuckDB's now() is the transaction's start.
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

async function one(engine: DuckDbEngine, sql: string, params: (string | number)[] = []): Promise<number> {
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

/**
 * Keeps store versions: a store new to the history gets a first version valid since ever; one whose
 * versioned attributes differ from its current version gets that version closed on `asOf` and a new one
 * opened (a second change on the same day replaces that day's version).
 */
async function versionStores(engine: DuckDbEngine, asOf: string): Promise<void> {
  const cols = STORE_VERSIONED.map(q);
  // The stores as this load left them (a spec need not map every versioned attribute).
  const incoming = `(SELECT store_id, ${cols.join(', ')} FROM store WHERE store_id IN (SELECT store_id FROM _ingest_final))`;
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
}

async function loadTarget(
  engine: DuckDbEngine,
  loadId: number,
  source: Source,
  fileSpec: FileSpec,
  target: TargetSpec,
  first: boolean,
  asOf: string,
  chainZone: string,
): Promise<TargetResult> {
  const table = tableByName(target.table);
  const batch = '_ingest_batch';
  const build = async (mode: ReadMode) => {
    await closeSource(engine, source);
    const mapped = compileTarget(target, source, fileSpec.delimiter, mode, chainZone);
    await engine.run(`CREATE OR REPLACE TEMP TABLE ${batch} AS ${mapped.sql}`, mapped.params);
    return mapped;
  };
  let mapped = await build('fast');
  const cols = mapped.columns.map((c) => c.name);
  // Without a declared key, the model's natural key as far as this source feeds it.
  const key = target.key ?? table.key.filter((k) => cols.includes(k));
  const keyList = key.map(q).join(', ');
  const failingFast = await one(engine, `SELECT count(*) FROM ${batch} WHERE _reason <> ''`);
  const goodFast = await one(engine, `SELECT count(*) FROM ${batch} WHERE _reason = ''`);
  const countKeys = () =>
    one(engine, `SELECT count(*) FROM (SELECT DISTINCT ${keyList} FROM ${batch} WHERE _reason = '')`);
  let distinctKeys = await countKeys();
  // Lines are numbered only when a row needs one (a reject to report, a repeated key to order); that pass
  // reads every column as text, so its rejects quote the file as it is.
  let broken = await brokenLines(engine, source);
  let failing = failingFast;
  let good = goodFast;
  if (failing > 0 || distinctKeys < good || broken.some((b) => b.column)) {
    mapped = await build('exact');
    broken = await brokenLines(engine, source);
    await correctLines(engine, batch, broken);
    failing = await one(engine, `SELECT count(*) FROM ${batch} WHERE _reason <> ''`);
    good = await one(engine, `SELECT count(*) FROM ${batch} WHERE _reason = ''`);
    distinctKeys = await countKeys();
  }
  if (first) {
    for (const line of broken) {
      const typedBy = line.column ? mapped.readerTyped.get(line.column) : undefined;
      const why = typedBy
        ? readerFailure(typedBy, line.reason)
        : `无法解析的行 / unreadable line: ${line.reason}`;
      await engine.run('INSERT INTO ingest_reject VALUES ($1, $2, $3, $4, $5, $6)', [
        loadId,
        source.file,
        line.line,
        typedBy?.fields[0] ?? null,
        why,
        line.raw,
      ]);
    }
  }
  const read = good + failing + broken.length;
  let rejected = failing + broken.length;
  if (failing > 0) {
    await engine.run(
      `INSERT INTO ingest_reject SELECT $1, $2, _line, split_part(_reason, ':', 1), _reason, _raw FROM ${batch} WHERE _reason <> ''`,
      [loadId, source.file],
    );
  }

  const list = cols.map(q).join(', ');
  const same = (a: string, b: string, names: string[]) =>
    names.map((n) => `${a}.${q(n)} IS NOT DISTINCT FROM ${b}.${q(n)}`).join(' AND ');
  let final = good;
  let distinctRows = good;
  if (distinctKeys === good) {
    await engine.run(
      `CREATE OR REPLACE TEMP VIEW _ingest_final AS SELECT * FROM ${batch} WHERE _reason = ''`,
    );
  } else {
    // Identical rows (a re-sent line, a file overlapping another) collapse to the first; rows sharing a key
    // with other values are rejected, naming the line they clash with.
    await engine.run(`CREATE OR REPLACE TEMP TABLE _ingest_ranked AS
      SELECT *, first_value(_line) OVER w AS _first, row_number() OVER w AS _n
      FROM (SELECT min(_line) AS _line, ${list} FROM ${batch} WHERE _reason = '' GROUP BY ALL)
      WINDOW w AS (PARTITION BY ${keyList} ORDER BY _line)`);
    const clashes = await one(engine, 'SELECT count(*) FROM _ingest_ranked WHERE _n > 1');
    distinctRows = await one(engine, 'SELECT count(*) FROM _ingest_ranked');
    if (clashes > 0) {
      const keyText = key
        .map((k) => `'${k}=' || coalesce(CAST(r.${q(k)} AS VARCHAR), '')`)
        .join(` || ', ' || `);
      await engine.run(
        `INSERT INTO ingest_reject SELECT $1, $2, r._line, $3, '重复键但取值不同 / same key as line ' || r._first || ' with other values (' || ${keyText} || ')', NULL
         FROM _ingest_ranked r WHERE r._n > 1`,
        [loadId, source.file, key.join('+')],
      );
      rejected += clashes;
    }
    await engine.run(
      'CREATE OR REPLACE TEMP VIEW _ingest_final AS SELECT * FROM _ingest_ranked WHERE _n = 1',
    );
    final = distinctKeys;
  }

  if (target.replace) {
    const scope = target.replace.map(q).join(', ');
    await engine.run(
      `DELETE FROM ${q(table.name)} WHERE (${scope}) IN (SELECT DISTINCT ${scope} FROM _ingest_final)`,
    );
  }
  const isFact = table.kind === 'fact';
  const onConflict = target.onConflict ?? (isFact ? 'skip' : 'update');
  const withLoad = isFact ? `, ${q('load_id')}` : '';
  const loadValue = isFact ? `, ${loadId}` : '';
  const before = await one(engine, `SELECT count(*) FROM ${q(table.name)}`);
  let loaded: number;
  if (onConflict === 'update') {
    if (key.join() !== table.key.join()) {
      throw new ZhongtaiError('BAD_REQUEST', {
        en: `${target.table}: onConflict update needs the table's own key (${table.key.join(', ')})`,
        zh: `${target.table}：onConflict update 须使用表的主键（${table.key.join('、')}）`,
      });
    }
    const unchanged =
      before === 0
        ? 0
        : await one(
            engine,
            `SELECT count(*) FROM _ingest_final f WHERE EXISTS (SELECT 1 FROM ${q(table.name)} t WHERE ${same('t', 'f', cols)})`,
          );
    const updates = cols.filter((c) => !key.includes(c)).map((c) => `${q(c)} = excluded.${q(c)}`);
    await engine.run(
      `INSERT INTO ${q(table.name)} (${list}${withLoad}) SELECT ${list}${loadValue} FROM _ingest_final f
       ${before === 0 ? '' : `WHERE NOT EXISTS (SELECT 1 FROM ${q(table.name)} t WHERE ${same('t', 'f', cols)})`}
       ON CONFLICT (${keyList}) ${updates.length ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING'}`,
    );
    loaded = final - unchanged;
  } else {
    // An empty table needs no check against what is there: the first load of a fact is a plain append.
    await engine.run(
      `INSERT INTO ${q(table.name)} (${list}${withLoad}) SELECT ${list}${loadValue} FROM _ingest_final f
       ${before === 0 ? '' : `WHERE NOT EXISTS (SELECT 1 FROM ${q(table.name)} t WHERE ${same('t', 'f', key)})`}`,
    );
    loaded = (await one(engine, `SELECT count(*) FROM ${q(table.name)}`)) - before;
  }
  if (table.name === 'store') await versionStores(engine, asOf);
  // Skipped: exact repeats inside the batch, and rows already in the table.
  return {
    file: source.file,
    table: table.name,
    read,
    loaded,
    rejected,
    skipped: good - distinctRows + (final - loaded),
  };
}

/** Loads files through a spec in one transaction: all of it lands, or none of it. */
export async function importFiles(
  engine: DuckDbEngine,
  spec: Spec,
  files: string[],
  options: ImportOptions = {},
): Promise<ImportResult> {
  const started = Date.now();
  if (files.length === 0)
    throw new ZhongtaiError('BAD_REQUEST', { en: 'No files to import', zh: '没有要导入的文件' });
  const jobs = files.map((file) => {
    const fileSpec = fileSpecFor(spec, file);
    if (!fileSpec) {
      throw new ZhongtaiError(
        'BAD_REQUEST',
        {
          en: `${file}: no entry of ${spec.path} matches this file name (patterns: ${spec.files.map((f) => f.match).join(', ')})`,
          zh: `${file}：映射规范中没有匹配该文件名的条目（${spec.files.map((f) => f.match).join('、')}）`,
        },
        { file },
      );
    }
    return { file, fileSpec };
  });
  // Referenced tables first (stores and suppliers, then products and members, then facts), so a file can
  // refer to rows another file of the same import brings.
  const rank = (f: FileSpec) =>
    Math.max(
      ...f.targets.map((t) => LOAD_ORDER[t.table] ?? (tableByName(t.table).kind === 'dimension' ? 1 : 2)),
    );
  jobs.sort((a, b) => rank(a.fileSpec) - rank(b.fileSpec));

  const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf))
    throw new ZhongtaiError('BAD_REQUEST', {
      en: '--as-of must be a date YYYY-MM-DD',
      zh: '--as-of 须为日期 YYYY-MM-DD',
    });
  const fileList = JSON.stringify(options.recordAs ? [options.recordAs] : jobs.map((j) => j.file));
  try {
    return await engine.transaction(async () => {
      // Numbered inside the transaction: loads queue behind each other, so ids never collide.
      const loadId = await one(engine, 'SELECT coalesce(max(load_id), 0) + 1 FROM ingest_load');
      await engine.run(
        `INSERT INTO ingest_load (load_id, source, spec, spec_hash, files, started_at, status) VALUES ($1, $2, $3, $4, $5, CAST($6 AS TIMESTAMP), 'running')`,
        [loadId, spec.source, spec.path, spec.hash, fileList, stamp(started)],
      );
      const targets: TargetResult[] = [];
      const steps = jobs.reduce((n, j) => n + j.fileSpec.targets.length, 0);
      const hashes: { file: string; sha256: string }[] = [];
      for (const [i, { file, fileSpec }] of jobs.entries()) {
        const source = await openSource(engine, file, fileSpec, i);
        hashes.push({ file, sha256: source.hash });
        for (const [t, target] of fileSpec.targets.entries()) {
          options.progress?.(targets.length, steps, `${basename(file)} → ${target.table}`);
          targets.push(
            await loadTarget(engine, loadId, source, fileSpec, target, t === 0, asOf, spec.timezone),
          );
        }
        await closeSource(engine, source);
        const [firstTarget] = targets.slice(-fileSpec.targets.length);
        if (firstTarget && firstTarget.read === 0) {
          throw new ZhongtaiError(
            'BAD_REQUEST',
            { en: `${file}: no data rows below the header`, zh: `${file}：表头以下没有数据行` },
            { file },
          );
        }
      }
      options.progress?.(steps, steps, 'done');
      const total = (k: 'loaded' | 'rejected' | 'skipped' | 'read') => targets.reduce((s, t) => s + t[k], 0);
      const rate = total('rejected') / Math.max(1, total('read'));
      if (options.maxRejectRate !== undefined && rate > options.maxRejectRate) {
        throw new ZhongtaiError('BAD_REQUEST', {
          en: `${(rate * 100).toFixed(2)}% of rows were rejected, above --max-reject-rate ${(options.maxRejectRate * 100).toFixed(2)}%: nothing was loaded`,
          zh: `拒收比例 ${(rate * 100).toFixed(2)}% 超过上限 ${(options.maxRejectRate * 100).toFixed(2)}%，本次未导入任何数据`,
        });
      }
      await options.withinLoad?.(loadId);
      await engine.run('UPDATE ingest_load SET file_hashes = $2 WHERE load_id = $1', [
        loadId,
        JSON.stringify(hashes),
      ]);
      await engine.run(
        `UPDATE ingest_load SET status = 'ok', finished_at = CAST($5 AS TIMESTAMP), loaded = $2, rejected = $3, skipped = $4 WHERE load_id = $1`,
        [loadId, total('loaded'), total('rejected'), total('skipped'), stamp(Date.now())],
      );
      return {
        loadId,
        source: spec.source,
        targets,
        loaded: total('loaded'),
        rejected: total('rejected'),
        skipped: total('skipped'),
        seconds: (Date.now() - started) / 1000,
      };
    });
  } catch (error) {
    // The data rolled back; the attempt itself is kept, so `zhongtai loads` shows what failed and why.
    const message = error instanceof Error ? error.message : String(error);
    await engine.run(
      `INSERT INTO ingest_load (load_id, source, spec, spec_hash, files, started_at, finished_at, status, message)
       SELECT coalesce(max(load_id), 0) + 1, $1, $2, $3, $4, CAST($5 AS TIMESTAMP), CAST($6 AS TIMESTAMP), 'failed', $7 FROM ingest_load`,
      [
        spec.source,
        spec.path,
        spec.hash,
        fileList,
        stamp(started),
        stamp(Date.now()),
        message.slice(0, 2000),
      ],
    );
    throw error;
  }
}

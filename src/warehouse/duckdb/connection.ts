import { AsyncLocalStorage } from 'node:async_hooks';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { buildCalendar, ZhongtaiError } from '../../model/index.js';
import {
  type Cell,
  type MaterialColumn,
  type QueryOptions,
  type Row,
  tookTooLong,
  type Warehouse,
} from '../engine.js';
import { FACT_CHANGE_TABLE } from '../fact-changes.js';
import { insertRows } from '../insert.js';
import type { Select } from '../query-tree.js';
import { quoteIdentifier, renderDuckDb } from './dialect.js';
import { DUCKDB_TYPES, LATEST_SCHEMA_VERSION, MIGRATIONS, type Schema } from './migrations.js';

function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

/** `ZHONGTAI_TRACE_SQL=1` prints each statement's milliseconds to stderr: where a slow load or query spends. */
const TRACE = process.env.ZHONGTAI_TRACE_SQL === '1';

async function traced<T>(sql: string, work: () => Promise<T>): Promise<T> {
  if (!TRACE) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    const ms = (performance.now() - started).toFixed(0).padStart(6);
    process.stderr.write(`[sql ${ms} ms] ${sql.replace(/\s+/g, ' ').slice(0, 160)}\n`);
  }
}

async function readRows(connection: DuckDBConnection, sql: string, params: Cell[]): Promise<Row[]> {
  const reader = await traced(sql, () =>
    connection.runAndReadAll(sql, params.length ? (params as never) : undefined),
  );
  return reader.getRowObjectsJS().map(toRow);
}

function toRow(raw: Record<string, unknown>): Row {
  const row: Row = {};
  for (const [key, value] of Object.entries(raw)) row[key] = toCell(value as never);
  return row;
}

function schemaTooNew(version: number): ZhongtaiError {
  return new ZhongtaiError('SCHEMA_TOO_NEW', {
    en: `This data file was written by a newer zhongtai (schema v${version}; this version knows up to v${LATEST_SCHEMA_VERSION}). Upgrade zhongtai to open it.`,
    zh: `该数据文件由更新版本的 zhongtai 写入（模式 v${version}，当前版本最高支持 v${LATEST_SCHEMA_VERSION}），请升级 zhongtai 后再打开。`,
  });
}

export interface DuckDbOptions {
  /** A file path, or ':memory:'. */
  path: string;
  threads?: number;
  memoryLimit?: string;
  /** Open without write access, so several processes can read one file at once. */
  readOnly?: boolean;
}

/**
 * The embedded engine. Reads get their own connection so dashboard tiles run side by side; writes go
 * through one connection in turn, which is what DuckDB's single-writer model wants anyway.
 */
export class DuckDbEngine implements Warehouse {
  readonly name = 'duckdb' as const;
  readonly capabilities = { warehouse: true } as const;
  /** Opened without write access (see DuckDbOptions.readOnly). */
  readOnly = false;
  /**
   * Counts statements written and transactions committed by this process, which is the file's only
   * writer: what is read and kept under one count is still exact while the count stays.
   */
  writes = 0;
  private writeQueue: Promise<unknown> = Promise.resolve();
  /** Set in the async context that holds the writer (see `hold`), and whether it has a transaction open. */
  private readonly holder = new AsyncLocalStorage<{ inTransaction: boolean }>();

  private constructor(
    readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
  ) {}

  static async open(options: DuckDbOptions): Promise<DuckDbEngine> {
    // Memory a large query freed goes back to the system within seconds, not at the next allocation: the
    // forecast reads a million store-days and then trains for minutes beside it (measured: 800 MB held → 220 MB).
    const config: Record<string, string> = { allocator_background_threads: 'true' };
    if (options.threads) config.threads = String(options.threads);
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    if (options.readOnly) {
      const engine = new DuckDbEngine(
        ...(await DuckDbEngine.connect(options.path, { ...config, access_mode: 'READ_ONLY' })),
      );
      engine.readOnly = true;
      const version = await engine.schemaVersion().catch(() => 0);
      if (version === LATEST_SCHEMA_VERSION) return engine;
      // An older file is upgraded once with write access, then read as asked; a newer one is refused.
      await engine.close();
      if (version > LATEST_SCHEMA_VERSION) throw schemaTooNew(version);
      await (await DuckDbEngine.open({ ...options, readOnly: false })).close();
      const upgraded = new DuckDbEngine(
        ...(await DuckDbEngine.connect(options.path, { ...config, access_mode: 'READ_ONLY' })),
      );
      upgraded.readOnly = true;
      return upgraded;
    }
    const engine = new DuckDbEngine(...(await DuckDbEngine.connect(options.path, config)));
    await engine.migrate();
    return engine;
  }

  private static async connect(
    path: string,
    config: Record<string, string>,
  ): Promise<[DuckDBInstance, DuckDBConnection]> {
    // Loaded on first open: the native engine costs ~0.4 s, which `zhongtai --help` need not pay.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(path, config);
    return [instance, await instance.connect()];
  }

  render(select: Select) {
    return renderDuckDb(select);
  }

  async query(sql: string, params: Cell[] = [], options: QueryOptions = {}): Promise<Row[]> {
    const connection = await this.instance.connect();
    let stopped = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          stopped = true;
          connection.interrupt();
        }, options.timeoutMs)
      : undefined;
    try {
      return await readRows(connection, sql, params);
    } catch (error) {
      throw stopped && options.timeoutMs ? tookTooLong(options.timeoutMs) : error;
    } finally {
      clearTimeout(timer);
      connection.closeSync();
    }
  }

  async eachBatch(sql: string, params: Cell[], onBatch: (rows: Row[]) => void): Promise<void> {
    const connection = await this.instance.connect();
    try {
      const result = await traced(sql, () =>
        connection.stream(sql, params.length ? (params as never) : undefined),
      );
      for await (const batch of result.yieldRowObjectJs()) onBatch(batch.map(toRow));
    } finally {
      connection.closeSync();
    }
  }

  run(sql: string, params: Cell[] = []): Promise<void> {
    return this.exclusive(async () => {
      await traced(sql, () => this.writer.run(sql, params.length ? (params as never) : undefined));
      this.writes++;
    });
  }

  /** Runs `sql` on the writer connection and returns its rows (inside a transaction, sees its own writes). */
  write(sql: string, params: Cell[] = []): Promise<Row[]> {
    return this.exclusive(async () => {
      const rows = await readRows(this.writer, sql, params);
      this.writes++;
      return rows;
    });
  }

  /**
   * Holds the writer for a series of statements and transactions: nothing else writes in between. A load
   * stages its file outside its transaction this way, since DuckDB scans and copies a table made inside a
   * transaction about half as fast as a committed one.
   */
  hold<T>(work: () => Promise<T>): Promise<T> {
    if (this.holder.getStore()) return work();
    return this.exclusive(() => this.holder.run({ inTransaction: false }, work));
  }

  /** Runs `work` in one transaction; called inside another, it joins that one. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.hold(async () => {
      const held = this.holder.getStore() as { inTransaction: boolean };
      if (held.inTransaction) return work();
      held.inTransaction = true;
      try {
        await this.writer.run('BEGIN TRANSACTION');
        try {
          const result = await work();
          await traced('COMMIT', () => this.writer.run('COMMIT'));
          this.writes++;
          return result;
        } catch (error) {
          await this.writer.run('ROLLBACK');
          throw error;
        }
      } finally {
        held.inTransaction = false;
      }
    });
  }

  async materialise(
    table: string,
    columns: MaterialColumn[],
    select: Select,
    changedDaysOf?: string,
  ): Promise<number> {
    // Names come from the catalogue (rollup and column ids), never from users; quoted all the same.
    const name = quoteIdentifier(table);
    const rendered = this.render(select);
    if (changedDaysOf === undefined) {
      const ddl = columns.map(
        (c) => `${quoteIdentifier(c.name)} ${c.type === 'total' ? 'DECIMAL(18,3)' : DUCKDB_TYPES[c.type]}`,
      );
      await this.run(`DROP TABLE IF EXISTS ${name}`);
      await this.run(`CREATE TABLE ${name} (${ddl.join(', ')})`);
    } else {
      await this.run(
        `DELETE FROM ${name} WHERE date IN (SELECT date FROM ${FACT_CHANGE_TABLE} WHERE table_name = $1)`,
        [changedDaysOf],
      );
    }
    await this.run(`INSERT INTO ${name} ${rendered.sql}`, rendered.params);
    const [count] = await this.write(`SELECT count(*) AS n FROM ${name}`);
    return Number(count?.n ?? 0);
  }

  async schemaVersion(): Promise<number> {
    const rows = await readRows(
      this.writer,
      "SELECT value FROM zhongtai_meta WHERE key = 'schema_version'",
      [],
    );
    return Number(rows[0]?.value ?? 0);
  }

  async close(): Promise<void> {
    await this.writeQueue.catch(() => undefined);
    this.writer.closeSync();
    this.instance.closeSync();
  }

  /**
   * Writes run one at a time. Statements issued by whoever holds the writer (in its own async context) run
   * at once; everything else — other requests, other transactions — waits until it lets go.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.holder.getStore()) return work();
    const next = this.writeQueue.then(work, work);
    this.writeQueue = next.catch(() => undefined);
    return next;
  }

  private async migrate(): Promise<void> {
    await this.writer.run(
      'CREATE TABLE IF NOT EXISTS zhongtai_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)',
    );
    const current = await this.schemaVersion();
    if (current > LATEST_SCHEMA_VERSION) throw schemaTooNew(current);
    const pending = MIGRATIONS.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
    if (pending.length === 0) return;
    // Every warehouse gets the mainland-China calendar with its tables: holidays, ISO weeks, day counts.
    const fillCalendar = async () => {
      const [row] = await readRows(this.writer, 'SELECT count(*) AS n FROM calendar', []);
      if (Number(row?.n) === 0) await insertRows(this, 'calendar', buildCalendar() as never, 500);
    };
    await this.transaction(async () => {
      for (const migration of pending) {
        const columns = await readRows(
          this.writer,
          "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'",
          [],
        );
        const existing: Schema = new Map();
        for (const { table_name, column_name } of columns) {
          const set = existing.get(String(table_name)) ?? new Set<string>();
          set.add(String(column_name));
          existing.set(String(table_name), set);
        }
        for (const statement of migration.statements(existing)) await this.writer.run(statement);
        await this.writer.run(
          "INSERT INTO zhongtai_meta VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          [String(migration.version)],
        );
      }
      await fillCalendar();
    });
  }
}

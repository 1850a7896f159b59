import { TABLES, ZhongtaiError } from '../../model/index.js';
import { type Cell, type Engine, type QueryOptions, type Row, tookTooLong } from '../engine.js';
import type { Select } from '../query-tree.js';
import { renderClickHouse } from './dialect.js';
import { quoteName, quoteString } from './literals.js';
import { localName, SCHEMA_VERSION, schemaStatements } from './migrations.js';

const isFact = (table: string) => TABLES.some((t) => t.name === table && t.kind === 'fact');

export interface ClickHouseOptions {
  /** The HTTP interface, e.g. http://127.0.0.1:8123 */
  url: string;
  database?: string;
  user?: string;
  password?: string;
  /**
   * A cluster of shards (named in every node's `remote_servers`): facts become Distributed tables over local
   * ones, dimensions are kept whole on every node. `nodes` are the HTTP interfaces of all of them, `url` first.
   */
  cluster?: { name: string; nodes: string[] };
}

const NUMERIC = /^(U?Int\d+|Float\d+|Decimal)/;

/** Values as the layers above expect them: numbers as numbers (64-bit and decimals come quoted), dates as text. */
function toCell(value: unknown, type: string): Cell {
  if (value === null || value === undefined) return null;
  const bare = type.replace(/^Nullable\((.*)\)$/, '$1');
  if (NUMERIC.test(bare)) return Number(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

/**
 * ClickHouse through its HTTP interface (plain fetch: the server Debian ships, 18.16, predates what client
 * libraries now expect). One statement a request; `join_use_nulls` so an unmatched left join gives NULLs as
 * in every other engine. There are no transactions: loads into ClickHouse are whole-table copies, replaced.
 */
export class ClickHouseEngine implements Engine {
  readonly name = 'clickhouse' as const;
  /** It answers queries; the warehouse file stays the place loads and forecasts are kept. */
  readonly capabilities = { warehouse: false } as const;
  private writeCount = 0;

  private constructor(
    private readonly options: Required<Pick<ClickHouseOptions, 'url' | 'database'>> & ClickHouseOptions,
  ) {}

  static async open(options: ClickHouseOptions): Promise<ClickHouseEngine> {
    const database = options.database ?? 'zhongtai';
    if (!/^\w+$/.test(database)) throw new Error(`unsafe database name ${database}`);
    const engine = new ClickHouseEngine({ ...options, database });
    const cluster = options.cluster ? { name: options.cluster.name, database } : undefined;
    for (const node of engine.nodes) {
      try {
        await engine.send(`CREATE DATABASE IF NOT EXISTS ${quoteName(database)}`, false, undefined, node);
      } catch (error) {
        throw new ZhongtaiError('BAD_REQUEST', {
          en: `Cannot reach ClickHouse at ${node}: ${(error as Error).message}`,
          zh: `无法连接 ClickHouse ${node}：${(error as Error).message}`,
        });
      }
      for (const sql of schemaStatements(cluster)) await engine.send(sql, true, undefined, node);
    }
    for (const node of engine.nodes)
      await engine.send(
        `INSERT INTO zhongtai_meta VALUES ('schema_version', ${quoteString(String(SCHEMA_VERSION))})`,
        true,
        undefined,
        node,
      );
    return engine;
  }

  /** Whether facts are spread over a cluster's shards. */
  get clustered(): boolean {
    return this.options.cluster !== undefined;
  }

  /** Every node's HTTP interface: one, or each of a cluster's. */
  get nodes(): string[] {
    return this.options.cluster?.nodes ?? [this.options.url];
  }

  get writes(): number {
    return this.writeCount;
  }

  render(select: Select) {
    return renderClickHouse(select);
  }

  private async send(
    sql: string,
    inDatabase = true,
    body?: string,
    node = this.options.url,
    timeoutMs?: number,
  ): Promise<string> {
    const url = new URL(node);
    if (inDatabase) url.searchParams.set('database', this.options.database);
    url.searchParams.set('join_use_nulls', '1');
    // The server stops a query itself (max_execution_time, whole seconds); the client gives up a little later.
    if (timeoutMs)
      url.searchParams.set('max_execution_time', String(Math.max(1, Math.ceil(timeoutMs / 1000))));
    // A load into a Distributed table has reached its shards when it returns.
    url.searchParams.set('insert_distributed_sync', '1');
    if (body !== undefined) url.searchParams.set('query', sql);
    const headers: Record<string, string> = {};
    if (this.options.user) headers['X-ClickHouse-User'] = this.options.user;
    if (this.options.password) headers['X-ClickHouse-Key'] = this.options.password;
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: body ?? sql,
      ...(timeoutMs ? { signal: AbortSignal.timeout(timeoutMs + 2_000) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`ClickHouse: ${text.trim().slice(0, 500)}`);
    return text;
  }

  async query(sql: string, params: Cell[] = [], options: QueryOptions = {}): Promise<Row[]> {
    if (params.length) throw new Error('ClickHouse statements carry their values as checked literals');
    let text: string;
    try {
      text = await this.send(`${sql} FORMAT JSON`, true, undefined, this.options.url, options.timeoutMs);
    } catch (error) {
      if (options.timeoutMs && /TIMEOUT_EXCEEDED|Timeout exceeded|aborted/i.test(String(error)))
        throw tookTooLong(options.timeoutMs);
      throw error;
    }
    const answer = JSON.parse(text) as {
      meta: { name: string; type: string }[];
      data: Record<string, unknown>[];
    };
    return answer.data.map((raw) => {
      const row: Row = {};
      for (const { name, type } of answer.meta) row[name] = toCell(raw[name], type);
      return row;
    });
  }

  async run(sql: string, params: Cell[] = []): Promise<void> {
    if (params.length) throw new Error('ClickHouse statements carry their values as checked literals');
    await this.send(sql);
    this.writeCount += 1;
  }

  /**
   * Rows already written as JSON lines (a copy streams them from a file), in one INSERT (decimals as numbers:
   * 18.x refuses them quoted). On a cluster a fact goes through its Distributed table to the shards; a
   * dimension to every node.
   */
  async insertLines(table: string, lines: string[]): Promise<void> {
    if (!lines.length) return;
    const body = `${lines.join('\n')}\n`;
    const targets = this.options.cluster && !isFact(table) ? this.nodes : [this.options.url];
    for (const node of targets)
      await this.send(`INSERT INTO ${quoteName(table)} FORMAT JSONEachRow`, true, body, node);
    this.writeCount += 1;
  }

  /** Empties a table (on a cluster: a fact's local tables on every shard, a dimension on every node). */
  async truncate(table: string): Promise<void> {
    const sharded = this.options.cluster !== undefined && isFact(table);
    for (const node of this.nodes)
      await this.send(
        `TRUNCATE TABLE IF EXISTS ${quoteName(sharded ? localName(table) : table)}`,
        true,
        undefined,
        node,
      );
    this.writeCount += 1;
  }

  /** No transactions in ClickHouse: the work runs as it is (callers replace whole tables). */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  async schemaVersion(): Promise<number> {
    const [row] = await this.query(
      "SELECT max(toInt32(value)) AS v FROM zhongtai_meta WHERE key = 'schema_version'",
    );
    return Number(row?.v ?? 0);
  }

  async close(): Promise<void> {}
}

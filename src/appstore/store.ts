import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { ZhongtaiError } from '../model/index.js';
import { migrateAppStore } from './migrations.js';

/**
 * The application store: dashboards, saved questions, themes (later users, roles, tokens, job history).
 * PostgreSQL's SQL either way — embedded in the data folder (PGlite: PostgreSQL compiled to WebAssembly,
 * nothing to install) or a PostgreSQL server — and never in the analytics warehouse file.
 */
/** What runs SQL: the store itself, or one transaction of it. */
export interface Queryable {
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
}

export interface AppStore extends Queryable {
  readonly kind: 'embedded' | 'postgres';
  /**
   * Runs `work` in one transaction (READ COMMITTED; lock rows with FOR UPDATE): committed when it returns,
   * rolled back when it throws. On the server a deadlock or serialization failure is retried a few times.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Deadlock and serialization failure: PostgreSQL rolled the transaction back, and trying again is safe. */
const RETRYABLE = new Set(['40P01', '40001']);

export interface AppStoreOptions {
  /** A folder for the embedded store (created if missing). */
  path?: string;
  /** A PostgreSQL connection URL instead. */
  url?: string;
  /** Connections to the server at most (default 10): the business centers write from many clients at once. */
  poolSize?: number;
}

class EmbeddedStore implements AppStore {
  readonly kind = 'embedded' as const;
  constructor(
    private readonly db: PGlite,
    private readonly lock: string,
  ) {}
  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }
  // PGlite runs one statement or one transaction at a time: a transaction excludes every other query.
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) =>
      work({
        query: async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
          (await tx.query<R>(sql, params)).rows,
      }),
    );
  }
  async close(): Promise<void> {
    await this.db.close();
    rmSync(this.lock, { force: true });
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The embedded store is one process's at a time (PGlite has no server to share it): a second opener —
 * `zhongtai users add` beside a running `serve` — is told so instead of corrupting it. A lock left by a
 * process that died is taken over.
 */
function takeLock(folder: string): string {
  const lock = join(folder, 'zhongtai.lock');
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return lock;
  } catch {
    const holder = Number(readFileSync(lock, 'utf8'));
    if (holder && holder !== process.pid && alive(holder))
      throw new ZhongtaiError('CONFLICT', {
        en: `The application store ${folder} is in use by process ${holder} (a running zhongtai serve?). Manage users in the web app (用户管理) or through /api/v1/users, or stop that process first.`,
        zh: `应用库 ${folder} 正被进程 ${holder} 使用（是否有正在运行的 zhongtai serve？）。请在网页端「用户管理」或通过 /api/v1/users 操作，或先停止该进程。`,
      });
    writeFileSync(lock, String(process.pid));
    return lock;
  }
}

/**
 * A statement as the server should run it: the reads and writes the centers repeat thousands of times a
 * second are named, so each connection parses and plans them once instead of on every call (about a third
 * of the server's work on a wallet payment). `SELECT *` stays unnamed: a column added by a migration would
 * change the prepared statement's row and the server would refuse it.
 */
const named = new Map<string, string>();
function statement(sql: string, values: unknown[]): pg.QueryConfig {
  if (!/^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(sql) || /\bSELECT\s+(\w+\.)?\*/i.test(sql))
    return { text: sql, values };
  let name = named.get(sql);
  if (!name) {
    name = `zt${named.size + 1}`;
    named.set(sql, name);
  }
  return { name, text: sql, values };
}

class ServerStore implements AppStore {
  readonly kind = 'postgres' as const;
  constructor(private readonly pool: pg.Pool) {}
  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(statement(sql, params))).rows as T[];
  }
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          query: async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
            (await client.query(statement(sql, params))).rows as R[],
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        const code = (error as { code?: string }).code;
        if (!(code && RETRYABLE.has(code) && attempt < 5)) throw error;
      } finally {
        client.release();
      }
    }
  }
  close(): Promise<void> {
    return this.pool.end();
  }
}

export async function openAppStore(options: AppStoreOptions): Promise<AppStore> {
  let store: AppStore;
  if (options.url) {
    // The drivers load when a store is opened, not when the CLI starts.
    const { default: pgDriver } = await import('pg');
    const pool = new pgDriver.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end();
      throw new ZhongtaiError('BAD_REQUEST', {
        en: `Cannot reach the application store at ${redact(options.url)}: ${(error as Error).message}`,
        zh: `无法连接应用库 ${redact(options.url)}：${(error as Error).message}`,
      });
    }
    store = new ServerStore(pool);
  } else {
    if (!options.path) throw new Error('an application store needs a folder or a URL');
    mkdirSync(options.path, { recursive: true });
    const lock = takeLock(options.path);
    try {
      const { PGlite } = await import('@electric-sql/pglite');
      store = new EmbeddedStore(await PGlite.create(options.path), lock);
    } catch (error) {
      rmSync(lock, { force: true });
      throw error;
    }
  }
  await migrateAppStore(store);
  return store;
}

/** A connection URL without its password, for messages. */
const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { ZhongtaiError } from '../model/index.js';
import { migrateAppStore } from './migrations.js';

/**
 * The application store: dashboards, saved questions, themes (later users, roles, tokens, job history).
 * PostgreSQL's SQL either way — embedded in the data folder (PGlite: PostgreSQL compiled to WebAssembly,
 * nothing to install) or a PostgreSQL server — and never in the analytics warehouse file.
 */
export interface AppStore {
  readonly kind: 'embedded' | 'postgres';
  query<T extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<T[]>;
  close(): Promise<void>;
}

export interface AppStoreOptions {
  /** A folder for the embedded store (created if missing). */
  path?: string;
  /** A PostgreSQL connection URL instead. */
  url?: string;
}

class EmbeddedStore implements AppStore {
  readonly kind = 'embedded' as const;
  constructor(private readonly db: PGlite) {}
  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }
  close(): Promise<void> {
    return this.db.close();
  }
}

class ServerStore implements AppStore {
  readonly kind = 'postgres' as const;
  constructor(private readonly pool: pg.Pool) {}
  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }
  close(): Promise<void> {
    return this.pool.end();
  }
}

export async function openAppStore(options: AppStoreOptions): Promise<AppStore> {
  let store: AppStore;
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: 4 });
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
    store = new EmbeddedStore(await PGlite.create(options.path));
  }
  await migrateAppStore(store);
  return store;
}

/** A connection URL without its password, for messages. */
const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

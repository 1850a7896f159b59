import pg from 'pg';
import { type AppStore, openAppStore } from '../../src/appstore/index.js';

export const POSTGRES = 'postgres://postgres@127.0.0.1:5432';

/**
 * An application store on the machine's PostgreSQL server, in a database made fresh for this run. A server
 * that cannot be reached fails the test: no quiet skip.
 */
export async function freshPostgresStore(database: string, poolSize?: number): Promise<AppStore> {
  return openAppStore({ url: await freshPostgresDatabase(database), ...(poolSize ? { poolSize } : {}) });
}

/** The URL of a database on the machine's PostgreSQL server made fresh for this run (name_pid). */
export async function freshPostgresDatabase(database: string): Promise<string> {
  const name = `${database}_${process.pid}`;
  const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return `${POSTGRES}/${name}`;
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles, listSources, loadSpec, pull } from '../src/ingest/index.js';
import { openWarehouse, type Warehouse } from '../src/warehouse/index.js';
import { storeMasterEntry, takingsEntry, writeStoreMaster } from './support/store-master.js';

/**
 * An ERP's daily takings table on the real PostgreSQL and MariaDB servers of this machine (127.0.0.1), pulled
 * by high-water mark. No server, no pass: these fail loudly where the databases are missing.
 */
const table = `zt_takings_${process.pid}`;

interface Db {
  name: 'postgres' | 'mysql';
  url: string;
  exec: (sql: string, params?: unknown[]) => Promise<void>;
  close: () => Promise<void>;
}

async function postgres(): Promise<Db> {
  const url = 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    name: 'postgres',
    url,
    exec: async (sql, params) =>
      void (await client.query(
        sql.replace(
          /\?/g,
          (() => {
            let i = 0;
            return () => `$${++i}`;
          })(),
        ),
        params,
      )),
    close: () => client.end(),
  };
}

async function mariadb(): Promise<Db> {
  const url = 'mysql://root@127.0.0.1:3306/test';
  const connection = await mysql.createConnection({ uri: url });
  return {
    name: 'mysql',
    url,
    exec: async (sql, params) => void (await connection.query(sql, params)),
    close: () => connection.end(),
  };
}

function specFor(db: Db, dir: string): string {
  const path = join(dir, `${db.name}.yaml`);
  writeFileSync(
    path,
    `source: erp-${db.name}
pull:
  from: ${db.name}
  url: "\${ZT_ERP_URL}"
  table: ${table}
  watermark: updated_at
  batch: 3
  as: erp-takings.jsonl
files:
${storeMasterEntry('supermarket', '华东', '上海')}${takingsEntry('erp-takings.jsonl')}`,
  );
  return path;
}

for (const open of [postgres, mariadb]) {
  describe(`pulling from ${open.name === 'postgres' ? 'PostgreSQL' : 'MariaDB'}`, () => {
    let db: Db;
    let engine: Warehouse;
    let specPath: string;
    const dir = mkdtempSync(join(tmpdir(), 'zhongtai-pull-'));
    const insert = (shop: number, day: string, takings: number, at: string) =>
      db.exec(`INSERT INTO ${table} (shop, day, takings, tickets, updated_at) VALUES (?, ?, ?, ?, ?)`, [
        shop,
        day,
        takings,
        10,
        at,
      ]);
    const total = async () =>
      (await engine.query('SELECT count(*) AS n, sum(net_sales) AS s FROM store_day_sales'))[0];

    beforeAll(async () => {
      db = await open();
      await db.exec(`DROP TABLE IF EXISTS ${table}`);
      await db.exec(
        `CREATE TABLE ${table} (shop INTEGER, day DATE, takings DECIMAL(12,2), tickets INTEGER, updated_at TIMESTAMP(3))`,
      );
      process.env.ZT_ERP_URL = db.url;
      specPath = specFor(db, dir);
      writeStoreMaster(dir, 2);
      engine = await openWarehouse({ path: join(dir, 'w.duckdb') });
      await importFiles(engine, loadSpec(specPath), [join(dir, 'stores.csv')]);
    });
    afterAll(async () => {
      await db?.exec(`DROP TABLE IF EXISTS ${table}`);
      await db?.close();
      await engine?.close();
    });

    it('takes all rows in batches on the first run, then only what changed', async () => {
      for (let d = 1; d <= 5; d++) await insert(1, `2026-11-0${d}`, 100 * d, `2026-11-0${d} 20:00:00.000`);
      const first = await pull(engine, loadSpec(specPath));
      expect(first).toMatchObject({
        batches: 2,
        loaded: 5,
        rejected: 0,
        watermark: '2026-11-05 20:00:00.000',
      });
      expect(await total()).toEqual({ n: 5, s: 1500 });

      expect(await pull(engine, loadSpec(specPath))).toMatchObject({ batches: 0, loaded: 0 });
      await insert(2, '2026-11-05', 70, '2026-11-06 08:00:00.000');
      expect(await pull(engine, loadSpec(specPath))).toMatchObject({ batches: 1, loaded: 1, skipped: 1 });
      expect(await total()).toEqual({ n: 6, s: 1570 });
    });

    it('resumes after a failed run from the last good high-water mark', async () => {
      const before = (await listSources(engine))[0];
      await insert(1, '2026-11-07', 40, '2026-11-07 09:00:00.000');
      // The ERP is unreachable for one run: nothing loads, the mark stays, the error is kept.
      process.env.ZT_ERP_URL = db.url.replace(/:\d+\//, ':1/');
      await expect(pull(engine, loadSpec(specPath))).rejects.toThrow(/ECONNREFUSED/);
      const failed = (await listSources(engine))[0];
      expect(failed?.last_error).toMatch(/ECONNREFUSED/);
      expect(failed?.watermark).toBe(before?.watermark);
      expect(await total()).toEqual({ n: 6, s: 1570 });
      // Back again: the next run takes up where the last good one stopped.
      process.env.ZT_ERP_URL = db.url;
      expect(await pull(engine, loadSpec(specPath))).toMatchObject({
        loaded: 1,
        watermark: '2026-11-07 09:00:00.000',
      });
      expect(await total()).toEqual({ n: 7, s: 1610 });
      expect((await listSources(engine))[0]).toMatchObject({
        last_error: null,
        watermark: '2026-11-07 09:00:00.000',
      });
    });
  });
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { TABLES } from '../../model/index.js';
import { DuckDbEngine } from './connection.js';
import { LATEST_SCHEMA_VERSION } from './migrations.js';

const freshPath = () => join(mkdtempSync(join(tmpdir(), 'zhongtai-mig-')), 'w.duckdb');

async function stamp(path: string, version: number) {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run(
    'CREATE TABLE IF NOT EXISTS zhongtai_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)',
  );
  await connection.run(`INSERT OR REPLACE INTO zhongtai_meta VALUES ('schema_version', '${version}')`);
  connection.closeSync();
  instance.closeSync();
}

describe('versioned migrations', () => {
  it('creates every table of the model in a new file and stamps the version', async () => {
    const engine = await DuckDbEngine.open({ path: freshPath() });
    expect(await engine.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    const tables = (
      await engine.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")
    ).map((r) => r.table_name);
    for (const table of TABLES) expect(tables).toContain(table.name);
    const money = await engine.query(
      "SELECT data_type FROM information_schema.columns WHERE table_name = 'sales_line' AND column_name = 'net'",
    );
    expect(money[0]?.data_type).toBe('DECIMAL(18,2)');
    await engine.close();
  });

  it('upgrades a file written by an older version', async () => {
    const path = freshPath();
    await stamp(path, 0);
    const engine = await DuckDbEngine.open({ path });
    expect(await engine.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    expect(await engine.query('SELECT count(*) AS n FROM sales_line')).toEqual([{ n: 0 }]);
    await engine.close();
  });

  it('refuses a file from a newer version with a clear message, read-write or read-only', async () => {
    const path = freshPath();
    await stamp(path, LATEST_SCHEMA_VERSION + 1);
    await expect(DuckDbEngine.open({ path })).rejects.toMatchObject({
      code: 'SCHEMA_TOO_NEW',
      message: expect.stringContaining('newer zhongtai'),
    });
    await expect(DuckDbEngine.open({ path, readOnly: true })).rejects.toMatchObject({
      code: 'SCHEMA_TOO_NEW',
    });
  });

  it('lets two readers share one file', async () => {
    const path = freshPath();
    await (await DuckDbEngine.open({ path })).close();
    const a = await DuckDbEngine.open({ path, readOnly: true });
    const b = await DuckDbEngine.open({ path, readOnly: true });
    expect(await a.query('SELECT count(*) AS n FROM store')).toEqual([{ n: 0 }]);
    expect(await b.query('SELECT count(*) AS n FROM store')).toEqual([{ n: 0 }]);
    await a.close();
    await b.close();
  });

  it('rolls a failed transaction back whole', async () => {
    const engine = await DuckDbEngine.open({ path: freshPath() });
    await expect(
      engine.transaction(async () => {
        await engine.run("INSERT INTO supplier VALUES (1, 'V1', 'a')");
        await engine.run("INSERT INTO supplier VALUES (1, 'V1', 'duplicate key')");
      }),
    ).rejects.toThrow();
    expect(await engine.query('SELECT count(*) AS n FROM supplier')).toEqual([{ n: 0 }]);
    await engine.close();
  });
});

describe('migration 2 (ingest)', () => {
  it('adds the new tables and columns to a file made by version 1, keeping its rows', async () => {
    const path = freshPath();
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE zhongtai_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)');
    await connection.run("INSERT INTO zhongtai_meta VALUES ('schema_version', '1')");
    // store_day as version 1 made it: four columns, area required
    await connection.run(
      'CREATE TABLE store_day (store_id INTEGER NOT NULL, date DATE NOT NULL, is_open BOOLEAN NOT NULL, selling_area_m2 DOUBLE NOT NULL)',
    );
    await connection.run("INSERT INTO store_day VALUES (1, DATE '2024-01-01', true, 120)");
    connection.closeSync();
    instance.closeSync();

    const engine = await DuckDbEngine.open({ path });
    expect(await engine.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    expect(await engine.query('SELECT store_id, is_open, promo, load_id FROM store_day')).toEqual([
      { store_id: 1, is_open: true, promo: null, load_id: null },
    ]);
    await engine.run("INSERT INTO store_day (store_id, date, is_open) VALUES (2, DATE '2024-01-01', false)");
    expect(await engine.query('SELECT count(*) AS n FROM ingest_load')).toEqual([{ n: 0 }]);
    await engine.close();
  });
});

describe('transactions from concurrent callers', () => {
  it('runs them one after another, each seeing only its own work until it commits', async () => {
    const engine = await DuckDbEngine.open({ path: freshPath() });
    const load = (id: number) =>
      engine.transaction(async () => {
        const [row] = await engine.write('SELECT coalesce(max(supplier_id), 0) + 1 AS next FROM supplier');
        await new Promise((r) => setTimeout(r, 5));
        await engine.run('INSERT INTO supplier VALUES ($1, $2, $3)', [Number(row?.next), `V${id}`, `s${id}`]);
      });
    // Without isolation between callers these would read the same max and collide on the key.
    await Promise.all(Array.from({ length: 8 }, (_, i) => load(i)));
    expect(await engine.query('SELECT count(*) AS n, max(supplier_id) AS top FROM supplier')).toEqual([
      { n: 8, top: 8 },
    ]);
    await engine.close();
  });
});

import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles, loadSpec } from '../src/ingest/index.js';
import { runQuery } from '../src/metrics/index.js';
import { ClickHouseEngine, copyToClickHouse, openWarehouse, type Warehouse } from '../src/warehouse/index.js';
import { zhongtai } from './support/cli.js';
import { type ClickHouseServer, startClickHouse, startShards } from './support/clickhouse.js';
import { SMALL_DEMO } from './support/paths.js';
import { adminServer } from './support/server.js';
import { storeMasterEntry, takingsEntry, writeStoreMaster } from './support/store-master.js';

let single: ClickHouseServer;
let shards: ClickHouseServer[] = [];
let duck: Warehouse;
beforeAll(async () => {
  [single, shards] = await Promise.all([startClickHouse(), startShards(2)]);
  duck = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
}, 120_000);
afterAll(async () => {
  await duck?.close();
  await Promise.all([single, ...shards].filter(Boolean).map((s) => s.stop()));
});

const month = { from: '2026-10-01', to: '2026-10-31' };
/** The CLI flags that point a command at the single server's `database`. */
const onClickHouse = (database: string) => [
  '--engine',
  'clickhouse',
  '--clickhouse-url',
  single.url,
  '--clickhouse-database',
  database,
];
const METRICS = [
  'net_sales',
  'orders',
  'atv',
  'gross_margin',
  'psd',
  'conversion_rate',
  'repurchase_rate',
  'sku_movement_rate',
  'days_of_inventory',
  // Targets phased in the warehouse, to the last day with sales on ClickHouse's side too.
  'target_net_sales',
  'attainment_net_sales',
];

describe('ClickHouse from the command line and the API', () => {
  it('syncs the warehouse with a command, then answers `query --engine clickhouse` and the HTTP API as DuckDB does', async () => {
    const synced = await zhongtai(
      'clickhouse-sync',
      '--db',
      SMALL_DEMO,
      '--clickhouse-url',
      single.url,
      '--clickhouse-database',
      'cli',
    );
    expect(synced.stdout).toMatch(/Copied 已同步 \d+ tables, [\d,]+ rows/);
    const ask = [
      'query',
      '--metrics',
      'net_sales,orders,atv',
      '--by',
      'region',
      '--from',
      month.from,
      '--to',
      month.to,
      '--format',
      'json',
    ];
    const fromHouse = JSON.parse((await zhongtai(...ask, ...onClickHouse('cli'))).stdout);
    const fromDuck = JSON.parse((await zhongtai(...ask, '--db', SMALL_DEMO)).stdout);
    expect(fromHouse.meta.engine).toBe('clickhouse');
    expect(fromHouse.rows).toHaveLength(fromDuck.rows.length);
    fromDuck.rows.forEach((row: Record<string, number>, i: number) => {
      expect(fromHouse.rows[i].region).toBe(row.region);
      expect(fromHouse.rows[i].net_sales).toBeCloseTo(row.net_sales as number, 2);
    });

    const house = await ClickHouseEngine.open({ url: single.url, database: 'cli' });
    const server = await adminServer({ engine: house });
    try {
      const api = await server.inject({
        method: 'POST',
        url: '/api/v1/query',
        payload: { metrics: METRICS, timeRange: month },
      });
      expect(api.statusCode).toBe(200);
      const expected = await runQuery(
        duck,
        { metrics: METRICS, timeRange: month },
        { rollups: false, cache: false },
      );
      for (const m of METRICS)
        expect(api.json().rows[0][m], m).toBeCloseTo(expected.rows[0]?.[m] as number, 6);
      expect((await server.inject('/api/v1/health')).json()).toMatchObject({
        engine: 'clickhouse',
        dataRange: { to: '2026-11-15' },
      });
    } finally {
      await server.close();
    }
  }, 180_000);
});

describe('loads with --engine clickhouse', () => {
  it('generates a demo chain into the file and copies it on, refusing the option without a URL first', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zhongtai-ch-demo-')), 'demo.duckdb');
    const tiny = ['--db', file, '--stores', '3', '--days', '10', '--skus', '100', '--lines', '2000'];
    const refused = await zhongtai('demo', ...tiny, '--engine', 'clickhouse');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--clickhouse-url');
    expect(existsSync(file)).toBe(false);
    const made = await zhongtai('demo', ...tiny, ...onClickHouse('tiny'));
    expect(made.stdout).toMatch(/Copied 已同步 \d+ tables/);
    const ask = ['query', '--metrics', 'net_sales,orders', '--format', 'json'];
    const fromHouse = JSON.parse((await zhongtai(...ask, ...onClickHouse('tiny'))).stdout);
    const fromFile = JSON.parse((await zhongtai(...ask, '--db', file)).stdout);
    expect(fromHouse.rows[0].orders).toBe(fromFile.rows[0].orders);
    expect(fromHouse.rows[0].net_sales).toBeCloseTo(fromFile.rows[0].net_sales, 2);
  }, 120_000);
});

describe('pushed events on a ClickHouse-backed server', () => {
  it('land in the warehouse file and are swapped into ClickHouse by month before the answer returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhongtai-ch-push-'));
    writeFileSync(
      join(dir, 'pos.yaml'),
      `source: pos\nfiles:\n${storeMasterEntry()}${takingsEntry('push-pos.jsonl')}`,
    );
    writeStoreMaster(dir, 3);
    const warehouse = await openWarehouse({ path: join(dir, 'w.duckdb') });
    const spec = loadSpec(join(dir, 'pos.yaml'));
    await importFiles(warehouse, spec, [join(dir, 'stores.csv')]);
    const house = await ClickHouseEngine.open({ url: single.url, database: 'pushed' });
    await copyToClickHouse(warehouse, house);
    const server = await adminServer({ engine: house, warehouse, specs: [spec] });
    const push = (body: string, key: string) =>
      server.inject({
        method: 'POST',
        url: '/api/v1/ingest/pos',
        payload: body,
        headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': key },
      });
    const sales = async () =>
      (
        await server.inject({
          method: 'POST',
          url: '/api/v1/query',
          payload: { metrics: ['net_sales', 'orders'], timeRange: { from: '2026-10-01', to: '2026-11-30' } },
        })
      ).json();
    try {
      expect(
        (await push('{"shop":1,"day":"2026-10-31","takings":100.5,"tickets":4}\n', 'a')).statusCode,
      ).toBe(201);
      expect((await sales()).rows[0]).toEqual({ net_sales: 100.5, orders: 4 });
      const second =
        '{"shop":2,"day":"2026-11-01","takings":50,"tickets":2}\n{"shop":1,"day":"2026-10-30","takings":9.5,"tickets":1}\n';
      expect((await push(second, 'b')).statusCode).toBe(201);
      const answer = await sales();
      expect(answer.meta.engine).toBe('clickhouse');
      expect(answer.rows[0]).toEqual({ net_sales: 160, orders: 7 });
      // A retried batch changes nothing, in the file or in ClickHouse.
      expect((await push(second, 'b')).statusCode).toBe(200);
      expect((await sales()).rows[0]).toEqual({ net_sales: 160, orders: 7 });
      expect(await house.query('SELECT count() AS n FROM store_day_sales')).toEqual([{ n: 3 }]);
    } finally {
      await server.close();
      await warehouse.close();
    }
  }, 120_000);
});

describe('forecasting on a ClickHouse-backed server', () => {
  it('trains on the warehouse file and answers forecast and replenishment routes', async () => {
    // Forecasts are trained and kept in the file (ClickHouse answers the queries): a copy, as runs are saved.
    const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-ch-forecast-')), 'w.duckdb');
    copyFileSync(SMALL_DEMO, path);
    const warehouse = await openWarehouse({ path });
    const house = await ClickHouseEngine.open({ url: single.url, database: 'forecasting' });
    const server = await adminServer({ engine: house, warehouse });
    try {
      const forecast = await server.inject({
        method: 'POST',
        url: '/api/v1/forecast',
        payload: { horizon: 7, rounds: 20 },
      });
      expect(forecast.statusCode).toBe(200);
      expect(forecast.json().origin).toBe('2026-11-15');
      expect(forecast.json().rows.length).toBeGreaterThan(0);
      const saved = await warehouse.query('SELECT count(*) AS n FROM forecast_run');
      expect(Number(saved[0]?.n)).toBeGreaterThan(0);
      const replenish = await server.inject({
        method: 'POST',
        url: '/api/v1/replenish',
        payload: { limit: 5, serviceLevel: 0.9 },
      });
      expect(replenish.statusCode).toBe(200);
      expect(replenish.json().rows).toHaveLength(5);
    } finally {
      await server.close();
      await warehouse.close();
    }
  }, 180_000);
});

describe('two shards', () => {
  it('splits the facts by store over two servers and answers every metric as one DuckDB file does', async () => {
    const house = await ClickHouseEngine.open({
      url: shards[0]?.url as string,
      database: 'sharded',
      cluster: { name: 'zhongtai', nodes: shards.map((s) => s.url) },
    });
    // Copied from the command line, as an operator points zhongtai at a cluster.
    const synced = await zhongtai(
      'clickhouse-sync',
      '--db',
      SMALL_DEMO,
      '--clickhouse-url',
      shards[0]?.url as string,
      '--clickhouse-database',
      'sharded',
      '--clickhouse-cluster',
      'zhongtai',
      '--clickhouse-nodes',
      shards.map((s) => s.url).join(','),
    );
    expect(synced.code, synced.stderr).toBe(0);
    // Each shard holds part of the lines, the two together all of them, each store on one shard only.
    const local = await Promise.all(
      shards.map(async (s) => {
        const node = await ClickHouseEngine.open({
          url: s.url,
          database: 'sharded',
          cluster: { name: 'zhongtai', nodes: shards.map((x) => x.url) },
        });
        return node.query('SELECT count() AS n, groupUniqArray(store_id) AS stores FROM sales_line_local');
      }),
    );
    const [total] = await duck.query('SELECT count(*) AS n FROM sales_line');
    const counts = local.map((rows) => Number(rows[0]?.n));
    expect(counts.every((n) => n > 0)).toBe(true);
    expect((counts[0] as number) + (counts[1] as number)).toBe(Number(total?.n));
    const storesOf = (i: number) => new Set(String(local[i]?.[0]?.stores).split(','));
    expect([...storesOf(0)].filter((store) => storesOf(1).has(store))).toEqual([]);
    expect(storesOf(0).size + storesOf(1).size).toBe(12);
    const questions = [
      { metrics: METRICS, timeRange: month },
      {
        metrics: ['net_sales', 'orders', 'atv', 'gross_margin'],
        dimensions: ['store', 'month'],
        timeRange: { from: '2026-06-01', to: '2026-10-31' },
      },
      {
        metrics: ['net_sales', 'units', 'gross_margin'],
        dimensions: ['category_l1', 'channel'],
        timeRange: month,
      },
      {
        metrics: ['repurchase_rate', 'active_members', 'new_members'],
        dimensions: ['region'],
        timeRange: month,
        compare: 'yoy',
      },
      { metrics: ['sku_movement_rate'], dimensions: ['format', 'week'], timeRange: month },
    ];
    for (const q of questions) {
      const a = await runQuery(duck, q, { rollups: false, cache: false });
      const b = await runQuery(house, q, { cache: false });
      expect(b.rows.length, JSON.stringify(q)).toBe(a.rows.length);
      a.rows.forEach((row, i) => {
        for (const [key, value] of Object.entries(row)) {
          if (typeof value === 'number')
            expect(Number(b.rows[i]?.[key]), `${key} row ${i}`).toBeCloseTo(value, 2);
          else expect(b.rows[i]?.[key] ?? null, `${key} row ${i}`).toEqual(value);
        }
      });
    }
  }, 180_000);
});

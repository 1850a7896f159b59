import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runQuery } from '../metrics/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { importFiles, listRejects, loadSpec, rollbackLoad } from './index.js';

/**
 * A POS that exports daily takings per store with its own store codes, and a store master. Each test
 * writes the files a real export might, faults included.
 */
const SPEC = `
source: pos
files:
  - match: stores*.csv
    targets:
      - table: store
        columns:
          store_id: { from: id, type: int }
          code: { from: code }
          name: { from: name }
          format: { from: format, allowed: [supermarket, convenience, fresh, department_store] }
          region: { from: region }
          city: { from: city }
          open_date: { from: opened, formats: ["%Y-%m-%d", "%Y/%m/%d"] }
  - match: takings*.csv
    targets:
      - table: store_day_sales
        key: [store_id, date]
        columns:
          store_id: { from: shop, map: { GZ01: 1, SH02: 2 } }
          date: { from: day, formats: ["%Y-%m-%d", "%d.%m.%Y"] }
          net_sales: { from: takings, min: 0 }
          orders: { from: tickets, type: int, min: 0 }
  - match: shop-takings*.csv
    targets:
      - table: store_day_sales
        columns:
          store_id: { from: store, type: int, references: store }
          date: { from: day }
          net_sales: { from: takings }
  - match: takings*.jsonl
    targets: &columnar
      - table: store_day_sales
        columns:
          store_id: { from: shop, map: { GZ01: 1, SH02: 2 } }
          date: { from: day }
          net_sales: { from: takings, min: 0 }
          orders: { from: tickets, type: int }
  - match: takings*.parquet
    targets: *columnar
  - match: online-orders*.jsonl
    targets:
      - table: orders
        columns:
          order_id: { from: id, type: int }
          ts: { from: paid_at, formats: ["%Y-%m-%dT%H:%M:%SZ"], timezone: UTC }
          date: { from: paid_at, formats: ["%Y-%m-%dT%H:%M:%SZ"], timezone: UTC }
          store_id: { from: shop, map: { GZ01: 1, SH02: 2 } }
          channel: { value: mini_program }
          status: { value: completed }
          net: { from: amount, min: 0 }
          items: { from: items, type: int }
  - match: gbk-*.csv
    encoding: gbk
    targets:
      - table: store_day_sales
        columns:
          store_id: { from: 门店, map: { 广州一店: 1, 上海二店: 2 } }
          date: { from: 日期 }
          net_sales: { from: 销售额 }
          orders: { from: 客单数, type: int }
`;

const STORES =
  'id,code,name,format,region,city,opened\n1,GZ01,广州一店,convenience,华南,广州,2020-01-01\n2,SH02,上海二店,supermarket,华东,上海,2019/05/01\n';

let dir: string;
let engine: Warehouse;
const file = (name: string, text: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const spec = () => loadSpec(file('pos.yaml', SPEC));
const count = async (table: string) =>
  Number((await engine.query(`SELECT count(*) AS n FROM ${table}`))[0]?.n);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zhongtai-ingest-'));
  engine = await openWarehouse({ path: join(dir, 'w.duckdb') });
  await importFiles(engine, spec(), [file('stores.csv', STORES)]);
});
afterEach(() => engine.close());

describe('importing files through a mapping spec', () => {
  it('maps codes, reads dates in two formats and loads good rows', async () => {
    const result = await importFiles(engine, spec(), [
      file('takings.csv', 'shop,day,takings,tickets\nGZ01,2024-03-01,1000.50,40\nSH02,02.03.2024,2500,80\n'),
    ]);
    expect(result).toMatchObject({ loaded: 2, rejected: 0, skipped: 0 });
    expect(
      await engine.query(
        'SELECT store_id, CAST(date AS VARCHAR) AS d, net_sales FROM store_day_sales ORDER BY 1',
      ),
    ).toEqual([
      { store_id: 1, d: '2024-03-01', net_sales: 1000.5 },
      { store_id: 2, d: '2024-03-02', net_sales: 2500 },
    ]);
  });

  it('rejects text in a number column, impossible values and unknown store codes, naming line, field and value', async () => {
    const result = await importFiles(engine, spec(), [
      file(
        'takings.csv',
        'shop,day,takings,tickets\nGZ01,2024-03-01,abc,40\nGZ01,2024-03-02,-5,40\nXX99,2024-03-03,10,1\nSH02,2024-03-04,10,1\n',
      ),
    ]);
    expect(result).toMatchObject({ loaded: 1, rejected: 3 });
    const rejects = await listRejects(engine, { loadId: result.loadId });
    expect(rejects.map((r) => [r.line, r.field])).toEqual([
      [2, 'net_sales'],
      [3, 'net_sales'],
      [4, 'store_id'],
    ]);
    expect(String(rejects[0]?.reason)).toContain('not a number: "abc"');
    expect(String(rejects[1]?.reason)).toContain('below the minimum 0');
    expect(String(rejects[2]?.reason)).toContain('no mapping for this code: "XX99"');
    expect(String(rejects[2]?.raw)).toBe('XX99,2024-03-03,10,1');
  });

  it('keeps a truncated last line and a line with too many fields as rejects with their line numbers', async () => {
    const result = await importFiles(engine, spec(), [
      file(
        'takings.csv',
        'shop,day,takings,tickets\nGZ01,2024-03-01,10,1\nGZ01,2024-03-02,10,1,extra\nSH02,2024-03-03,10,1\nSH02,2024-03-04,1',
      ),
    ]);
    expect(result).toMatchObject({ loaded: 2, rejected: 2 });
    const rejects = await listRejects(engine, { loadId: result.loadId });
    expect(rejects.map((r) => r.line)).toEqual([3, 5]);
    expect(String(rejects[0]?.reason)).toContain('TOO MANY COLUMNS');
  });

  it('collapses duplicate rows inside a file and across files, and rejects a clash naming the first line', async () => {
    const first = await importFiles(engine, spec(), [
      file(
        'takings-a.csv',
        'shop,day,takings,tickets\nGZ01,2024-03-01,10,1\nGZ01,2024-03-01,10,1\nGZ01,2024-03-01,99,9\n',
      ),
    ]);
    expect(first).toMatchObject({ loaded: 1, skipped: 1, rejected: 1 });
    expect(String((await listRejects(engine, { loadId: first.loadId }))[0]?.reason)).toContain(
      'same key as line 2',
    );
    const second = await importFiles(engine, spec(), [
      file('takings-b.csv', 'shop,day,takings,tickets\nGZ01,2024-03-01,10,1\nSH02,2024-03-01,20,2\n'),
    ]);
    expect(second).toMatchObject({ loaded: 1, skipped: 1 });
    expect(await count('store_day_sales')).toBe(2);
  });

  it('checks a file against stores that an earlier file of the same import brings', async () => {
    const result = await importFiles(engine, spec(), [
      file('shop-takings.csv', 'store,day,takings\n3,2024-03-01,10\n4,2024-03-01,20\n1,2024-03-01,30\n'),
      file('stores-new.csv', `${STORES}3,GZ03,广州三店,fresh,华南,广州,2024-02-01\n`),
    ]);
    expect(result.targets.map((t) => [t.table, t.loaded, t.rejected])).toEqual([
      ['store', 1, 0],
      ['store_day_sales', 2, 1],
    ]);
    const [reject] = await listRejects(engine, { loadId: result.loadId });
    expect([reject?.line, reject?.field, String(reject?.reason)]).toEqual([
      3,
      'store_id',
      'store_id: 未知的store / unknown store: "4"',
    ]);
  });

  it('runs loads started together in one process one after the other, each whole', async () => {
    const takings = (name: string, day: string) =>
      file(name, `shop,day,takings,tickets\nGZ01,${day},10,1\nSH02,${day},20,2\n`);
    const results = await Promise.all(
      ['2024-03-01', '2024-03-02', '2024-03-03'].map((day, i) =>
        importFiles(engine, spec(), [takings(`takings-${i}.csv`, day)]),
      ),
    );
    expect(results.map((r) => r.loaded)).toEqual([2, 2, 2]);
    expect(new Set(results.map((r) => r.loadId)).size).toBe(3);
    expect(
      await engine.query('SELECT load_id, count(*) AS n FROM store_day_sales GROUP BY 1 ORDER BY 1'),
    ).toEqual(results.map((r) => ({ load_id: r.loadId, n: 2 })));
  });

  it('refuses a header that lacks a mapped column, hinting at the delimiter', async () => {
    await expect(
      importFiles(engine, spec(), [file('takings.csv', 'shop;day;takings;tickets\nGZ01;2024-03-01;10;1\n')]),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/has no column "shop".*delimiter/),
    });
    expect(await count('store_day_sales')).toBe(0);
  });

  it('refuses empty and 0-byte files clearly', async () => {
    await expect(importFiles(engine, spec(), [file('takings.csv', '')])).rejects.toThrow(/empty \(0 bytes\)/);
    await expect(
      importFiles(engine, spec(), [file('takings.csv', 'shop,day,takings,tickets\n')]),
    ).rejects.toThrow(/no data rows/);
  });

  it('reads a GBK export, and says so when GBK bytes are read as UTF-8', async () => {
    const gbk = iconv.encode(
      '门店,日期,销售额,客单数\n广州一店,2024-03-01,88.8,3\n上海二店,2024-03-01,66.6,2\n',
      'gbk',
    );
    const result = await importFiles(engine, spec(), [file('gbk-takings.csv', gbk)]);
    expect(result).toMatchObject({ loaded: 2, rejected: 0 });
    const asUtf8 = loadSpec(file('utf8.yaml', SPEC.replace('encoding: gbk', 'encoding: utf-8')));
    await expect(importFiles(engine, asUtf8, [file('gbk-takings.csv', gbk)])).rejects.toThrow();
  });

  it('reads JSON lines and Parquet, numbering records for rejects', async () => {
    const jsonl = await importFiles(engine, spec(), [
      file(
        'takings.jsonl',
        '{"shop":"GZ01","day":"2024-03-01","takings":12.5,"tickets":3}\n{"shop":"SH02","day":"2024-03-01","takings":-1,"tickets":1}\n',
      ),
    ]);
    expect(jsonl).toMatchObject({ loaded: 1, rejected: 1 });
    expect((await listRejects(engine, { loadId: jsonl.loadId })).map((r) => r.line)).toEqual([2]);
    const parquet = join(dir, 'takings.parquet');
    await engine.run(
      `COPY (SELECT 'SH02' AS shop, DATE '2024-03-02' AS day, 20.25 AS takings, 4 AS tickets) TO '${parquet}' (FORMAT parquet)`,
    );
    expect(await importFiles(engine, spec(), [parquet])).toMatchObject({ loaded: 1, rejected: 0 });
    expect(
      await engine.query("SELECT net_sales FROM store_day_sales WHERE date = DATE '2024-03-02'"),
    ).toEqual([{ net_sales: 20.25 }]);
  });

  it('maps codes through a code table file beside the spec, rejecting unknown codes', async () => {
    file('shops.csv', 'pos_code,store_id\nGZ01,1\nSH02,2\n');
    const tabled = loadSpec(
      file(
        'tabled.yaml',
        SPEC.replace(
          'store_id: { from: shop, map: { GZ01: 1, SH02: 2 } }\n          date: { from: day, formats',
          'store_id: { from: shop, mapFile: shops.csv }\n          date: { from: day, formats',
        ),
      ),
    );
    const result = await importFiles(engine, tabled, [
      file(
        'takings.csv',
        'shop,day,takings,tickets\nGZ01,2024-03-01,10,1\nSH02,2024-03-01,20,2\nXX,2024-03-01,5,1\n',
      ),
    ]);
    expect(result).toMatchObject({ loaded: 2, rejected: 1 });
    expect(String((await listRejects(engine, { loadId: result.loadId }))[0]?.reason)).toContain(
      'no mapping for this code: "XX"',
    );
    expect(() =>
      loadSpec(
        file(
          'missing.yaml',
          SPEC.replace(
            'map: { GZ01: 1, SH02: 2 } }\n          date: { from: day, formats',
            'mapFile: none.csv }\n          date: { from: day, formats',
          ),
        ),
      ),
    ).toThrow(/no code table at/);
  });

  it("keeps a UTC source's timestamps in the chain's local time (and on the local day)", async () => {
    await importFiles(engine, spec(), [
      file(
        'online-orders.jsonl',
        '{"id":1,"paid_at":"2024-03-01T20:30:00Z","shop":"GZ01","amount":99,"items":2}\n',
      ),
    ]);
    expect(
      await engine.query('SELECT CAST(ts AS VARCHAR) AS ts, CAST(date AS VARCHAR) AS d FROM orders'),
    ).toEqual([{ ts: '2024-03-02 04:30:00', d: '2024-03-02' }]);
  });

  it('fails the whole load above --max-reject-rate and records why', async () => {
    const before = await count('store_day_sales');
    await expect(
      importFiles(
        engine,
        spec(),
        [file('takings.csv', 'shop,day,takings,tickets\nGZ01,2024-03-01,10,1\nXX,2024-03-01,10,1\n')],
        { maxRejectRate: 0.1 },
      ),
    ).rejects.toThrow(/50.00% of rows were rejected/);
    expect(await count('store_day_sales')).toBe(before);
    expect(await engine.query('SELECT status FROM ingest_load ORDER BY load_id DESC LIMIT 1')).toEqual([
      { status: 'failed' },
    ]);
  });

  it('replaces a re-delivered day when the spec declares a replace scope', async () => {
    const replacing = loadSpec(
      file(
        'replace.yaml',
        SPEC.replace(
          '        key: [store_id, date]\n',
          '        key: [store_id, date]\n        replace: [date]\n',
        ),
      ),
    );
    await importFiles(engine, replacing, [
      file('takings.csv', 'shop,day,takings,tickets\nGZ01,2024-03-01,10,1\nSH02,2024-03-01,20,2\n'),
    ]);
    await importFiles(engine, replacing, [
      file('takings.csv', 'shop,day,takings,tickets\nGZ01,2024-03-01,15,1\n'),
    ]);
    expect(await engine.query('SELECT store_id, net_sales FROM store_day_sales ORDER BY 1')).toEqual([
      { store_id: 1, net_sales: 15 },
    ]);
    // Rolling the re-delivery back brings the day back as first delivered.
    const [last] = await engine.query('SELECT max(load_id) AS id FROM ingest_load');
    expect(await rollbackLoad(engine, Number(last?.id))).toMatchObject({
      removed: { store_day_sales: 1 },
      restored: { store_day_sales: 2 },
    });
    expect(await engine.query('SELECT store_id, net_sales FROM store_day_sales ORDER BY 1')).toEqual([
      { store_id: 1, net_sales: 10 },
      { store_id: 2, net_sales: 20 },
    ]);
  });

  it('updates facts in place when the spec says onConflict: update, and rolls the update back', async () => {
    const updating = loadSpec(
      file(
        'update.yaml',
        SPEC.replace(
          '        key: [store_id, date]\n',
          '        key: [store_id, date]\n        onConflict: update\n',
        ),
      ),
    );
    await importFiles(engine, updating, [
      file('takings.csv', 'shop,day,takings,tickets\nGZ01,2024-03-01,10,1\nSH02,2024-03-01,20,2\n'),
    ]);
    const revised = await importFiles(engine, updating, [
      file('takings.csv', 'shop,day,takings,tickets\nGZ01,2024-03-01,12,1\nSH02,2024-03-01,20,2\n'),
    ]);
    expect(revised).toMatchObject({ loaded: 1, skipped: 1 });
    const takings = () => engine.query('SELECT store_id, net_sales FROM store_day_sales ORDER BY 1');
    expect(await takings()).toEqual([
      { store_id: 1, net_sales: 12 },
      { store_id: 2, net_sales: 20 },
    ]);
    await rollbackLoad(engine, revised.loadId);
    expect(await takings()).toEqual([
      { store_id: 1, net_sales: 10 },
      { store_id: 2, net_sales: 20 },
    ]);
  });

  it('adds columns up exactly and names rows by their line, the same on a re-delivery', async () => {
    const log = loadSpec(
      file(
        'log.yaml',
        `source: log
files:
  - match: purchases*.csv
    targets:
      - table: orders
        columns:
          order_id: { template: "{$line}", type: int }
          ts: { from: day, formats: ["%Y-%m-%d"] }
          date: { from: day, formats: ["%Y-%m-%d"] }
          store_id: { value: 1 }
          channel: { value: pos }
          member_id: { from: customer, type: int }
          status: { value: completed }
          net: { sum: [paid, voucher, points] }
          items: { value: 1 }
`,
      ),
    );
    const purchases = file(
      'purchases.csv',
      'customer,day,paid,voucher,points\n7,2024-03-01,0.10,0.20,\n7,2024-03-01,0.10,0.20,\n8,2024-03-02,19.99,x,1\n9,2024-03-03,,,\n',
    );
    const first = await importFiles(engine, log, [purchases]);
    // Two identical purchases stay two (their lines tell them apart); "x" is no amount; all blank is no amount.
    expect(first).toMatchObject({ loaded: 2, rejected: 2 });
    expect(await engine.query('SELECT order_id, CAST(net AS VARCHAR) AS net FROM orders ORDER BY 1')).toEqual(
      [
        { order_id: 2, net: '0.30' },
        { order_id: 3, net: '0.30' },
      ],
    );
    const rejects = await listRejects(engine, { loadId: first.loadId });
    expect(rejects.map((r) => [r.line, r.field])).toEqual([
      [4, 'net'],
      [5, 'net'],
    ]);
    const again = await importFiles(engine, log, [purchases]);
    expect(again).toMatchObject({ loaded: 0, skipped: 2 });
  });

  it('rolls a load back, and refuses to roll back twice', async () => {
    const first = await importFiles(engine, spec(), [
      file('takings-a.csv', 'shop,day,takings,tickets\nGZ01,2024-03-01,10,1\n'),
    ]);
    const second = await importFiles(engine, spec(), [
      file('takings-b.csv', 'shop,day,takings,tickets\nSH02,2024-03-01,20,2\nSH02,2024-03-02,30,3\n'),
    ]);
    expect(await rollbackLoad(engine, second.loadId)).toEqual({
      loadId: second.loadId,
      removed: { store_day_sales: 2 },
      restored: {},
    });
    expect(await engine.query('SELECT load_id, net_sales FROM store_day_sales')).toEqual([
      { load_id: first.loadId, net_sales: 10 },
    ]);
    await expect(rollbackLoad(engine, second.loadId)).rejects.toThrow(/rolled_back/);
    await expect(rollbackLoad(engine, 999)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps store versions, so past sales stay with the region the store was in', async () => {
    await importFiles(engine, spec(), [
      file(
        'takings.csv',
        'shop,day,takings,tickets\nGZ01,2024-03-01,10,1\nGZ01,2024-03-02,20,1\nSH02,2024-03-02,5,1\n',
      ),
    ]);
    // 广州一店 moves from 华南 to 华东 from 2024-03-02 on.
    await importFiles(
      engine,
      spec(),
      [file('stores.csv', STORES.replace('convenience,华南', 'convenience,华东'))],
      { asOf: '2024-03-02' },
    );
    const byRegion = await runQuery(engine, {
      metrics: ['net_sales'],
      dimensions: ['region'],
      timeRange: { from: '2024-03-01', to: '2024-03-02' },
    });
    expect(Object.fromEntries(byRegion.rows.map((r) => [r.region, r.net_sales]))).toEqual({
      华南: 10,
      华东: 25,
    });
    expect(
      await engine.query(
        'SELECT region, CAST(valid_from AS VARCHAR) AS f, CAST(valid_to AS VARCHAR) AS t FROM store_history WHERE store_id = 1 ORDER BY valid_from',
      ),
    ).toEqual([
      { region: '华南', f: '1900-01-01', t: '2024-03-02' },
      { region: '华东', f: '2024-03-02', t: null },
    ]);
    // Loading the same master again changes nothing.
    await importFiles(
      engine,
      spec(),
      [file('stores.csv', STORES.replace('convenience,华南', 'convenience,华东'))],
      { asOf: '2024-03-05' },
    );
    expect(await engine.query('SELECT count(*) AS n FROM store_history WHERE store_id = 1')).toEqual([
      { n: 2 },
    ]);
  });

  it('rolls master data back: a store as it was, with its history, and a store the load added removed', async () => {
    const history = () =>
      engine.query(
        'SELECT store_id, region, CAST(valid_from AS VARCHAR) AS f, CAST(valid_to AS VARCHAR) AS t FROM store_history ORDER BY 1, 3',
      );
    const stores = () => engine.query('SELECT store_id, name, region FROM store ORDER BY 1');
    const [storesBefore, historyBefore] = [await stores(), await history()];
    const moved = await importFiles(
      engine,
      spec(),
      [
        file(
          'stores.csv',
          `${STORES.replace('广州一店,convenience,华南', '广州天河店,convenience,华东')}3,GZ03,广州三店,fresh,华南,广州,2024-02-01\n`,
        ),
      ],
      { asOf: '2024-03-02' },
    );
    const later = await importFiles(engine, spec(), [
      file('stores.csv', STORES.replace('上海二店', '上海徐汇店')),
    ]);
    await expect(rollbackLoad(engine, moved.loadId)).rejects.toMatchObject({ code: 'CONFLICT' });
    await rollbackLoad(engine, later.loadId);
    expect(await rollbackLoad(engine, moved.loadId)).toMatchObject({
      removed: { store: 3, store_history: 4 },
      restored: { store: 2, store_history: 2 },
    });
    expect(await stores()).toEqual(storesBefore);
    expect(await history()).toEqual(historyBefore);
  });

  it('updates master data in place and records every load', async () => {
    const result = await importFiles(engine, spec(), [
      file('stores.csv', STORES.replace('广州一店', '广州天河店')),
    ]);
    expect(result).toMatchObject({ loaded: 1, skipped: 1 });
    expect(await engine.query('SELECT name FROM store WHERE store_id = 1')).toEqual([{ name: '广州天河店' }]);
    expect(await count('ingest_load')).toBe(2);
    const [last] = await engine.query('SELECT file_hashes FROM ingest_load ORDER BY load_id DESC LIMIT 1');
    expect(JSON.parse(String(last?.file_hashes))).toEqual([
      { file: join(dir, 'stores.csv'), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
  });
});

describe('mapping specs', () => {
  const bad = (yaml: string) => () => loadSpec(file('bad.yaml', yaml));

  it('names the line of a YAML mistake', () => {
    expect(bad('source: pos\nfiles:\n  - match: [unclosed\n')).toThrow(/bad\.yaml:\d+/);
  });

  it('refuses unknown tables and columns, and unfed required columns', () => {
    expect(
      bad('source: pos\nfiles:\n  - match: a.csv\n    targets:\n      - table: nope\n        columns: {}\n'),
    ).toThrow(/unknown table "nope"/);
    expect(
      bad(
        'source: pos\nfiles:\n  - match: a.csv\n    targets:\n      - table: store_day_sales\n        columns:\n          colour: { from: x }\n',
      ),
    ).toThrow(/bad\.yaml:7:.*has no column "colour"/);
    expect(
      bad(
        'source: pos\nfiles:\n  - match: a.csv\n    targets:\n      - table: store_day_sales\n        columns:\n          store_id: { from: x }\n',
      ),
    ).toThrow(/needs date, net_sales/);
    expect(
      bad(
        'source: pos\nfiles:\n  - match: a.csv\n    targets:\n      - table: store_day_sales\n        key: [store_id, channel]\n        columns:\n          store_id: { from: s }\n          date: { from: d }\n          net_sales: { from: n }\n',
      ),
    ).toThrow(/"channel" is not among the columns this target maps/);
  });
});

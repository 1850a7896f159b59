import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../src/warehouse/index.js';
import { DATASETS, ROOT } from './support/paths.js';

const run = promisify(execFile);
const zhongtai = async (...args: string[]) =>
  (await run('node', [join(ROOT, 'bin', 'zhongtai.js'), ...args], { cwd: ROOT })).stdout;
const folder = join(DATASETS, 'rossmann-100');
const spec = join(ROOT, 'examples', 'rossmann', 'spec.yaml');
const db = join(mkdtempSync(join(tmpdir(), 'zhongtai-rossmann-')), 'rossmann.duckdb');

/** Figures per store for 2015-06-01 … 2015-06-19, computed from the raw CSV here, not through zhongtai. */
function expectedFromRawCsv() {
  const lines = readFileSync(join(folder, 'train.csv'), 'utf8').trim().split('\n').slice(1);
  const unique = [...new Set(lines)]; // the export repeats some store-days verbatim
  const byStore = new Map<string, { sales: number; customers: number; openDays: number }>();
  for (const line of unique) {
    const [store, , date, sales, customers, open] = line.split(',');
    if (!store || !date || date < '2015-06-01' || date > '2015-06-19') continue;
    const entry = byStore.get(store) ?? { sales: 0, customers: 0, openDays: 0 };
    entry.sales += Number(sales);
    entry.customers += Number(customers);
    entry.openDays += open === '1' ? 1 : 0;
    byStore.set(store, entry);
  }
  return byStore;
}

const query = async () =>
  JSON.parse(
    await zhongtai(
      'query',
      '--db',
      db,
      '--metrics',
      'net_sales,orders,atv,psd',
      '--by',
      'store_code',
      '--from',
      '2015-06-01',
      '--to',
      '2015-06-19',
      '--format',
      'json',
    ),
  ).rows as { store_code: string; net_sales: number; orders: number; atv: number; psd: number }[];

const importBoth = () =>
  zhongtai('import', '--db', db, '--spec', spec, join(folder, 'store.csv'), join(folder, 'train.csv'));

describe('Rossmann: a real chain export, imported through examples/rossmann/spec.yaml', () => {
  beforeAll(async () => {
    await importBoth();
  }, 120_000);

  it('gives the same store figures as an independent computation from the raw CSV', async () => {
    const expected = expectedFromRawCsv();
    const rows = await query();
    expect(rows).toHaveLength(expected.size);
    expect(rows.length).toBeGreaterThan(90);
    for (const row of rows) {
      const want = expected.get(row.store_code);
      expect(want, row.store_code).toBeDefined();
      if (!want) continue;
      expect(row.net_sales).toBeCloseTo(want.sales, 2);
      expect(row.orders).toBe(want.customers);
      expect(row.atv).toBeCloseTo(want.sales / want.customers, 9);
      expect(row.psd).toBeCloseTo(want.sales / want.openDays, 9);
    }
  });

  it('keeps each duplicated store-day once and loads every store with its attributes', async () => {
    const engine = await openWarehouse({ path: db, readOnly: true });
    const lines = readFileSync(join(folder, 'train.csv'), 'utf8').trim().split('\n').slice(1);
    expect(await engine.query('SELECT count(*) AS n FROM store_day_sales')).toEqual([
      { n: new Set(lines).size },
    ]);
    expect(await engine.query('SELECT count(*) AS n FROM store')).toEqual([{ n: 1115 }]);
    expect(
      await engine.query("SELECT value FROM store_attribute WHERE store_id = 2 AND name = 'promo_interval'"),
    ).toEqual([{ value: 'Jan,Apr,Jul,Oct' }]);
    expect(
      await engine.query(
        'SELECT holiday, count(*) AS n FROM store_day WHERE holiday IS NOT NULL GROUP BY 1 ORDER BY 1',
      ),
    ).toEqual([
      { holiday: 'christmas', n: 368 },
      { holiday: 'easter', n: 600 },
      { holiday: 'public_holiday', n: 1844 },
    ]);
    await engine.close();
  });

  it('gives the same stores from the Excel workbook as from the CSV', async () => {
    const fromExcel = join(mkdtempSync(join(tmpdir(), 'zhongtai-rossmann-')), 'excel.duckdb');
    await zhongtai('import', '--db', fromExcel, '--spec', spec, join(folder, 'rossmann-store.xlsx'));
    const engine = await openWarehouse({ path: ':memory:' });
    await engine.run(`ATTACH '${db}' AS csv (READ_ONLY)`);
    await engine.run(`ATTACH '${fromExcel}' AS xlsx (READ_ONLY)`);
    for (const table of ['store', 'store_attribute']) {
      const [diff] = await engine.query(
        `SELECT (SELECT count(*) FROM (SELECT * FROM csv.${table} EXCEPT SELECT * FROM xlsx.${table})) +
                (SELECT count(*) FROM (SELECT * FROM xlsx.${table} EXCEPT SELECT * FROM csv.${table})) AS n,
                (SELECT count(*) FROM xlsx.${table}) AS rows`,
      );
      expect(diff?.n, table).toBe(0);
      expect(Number(diff?.rows), table).toBeGreaterThan(1000);
    }
    await engine.close();
  }, 120_000);

  it('changes nothing when the same files are imported again', async () => {
    const before = await query();
    const out = await importBoth();
    expect(out).toMatch(/0 loaded/);
    expect(await query()).toEqual(before);
  }, 120_000);

  it("takes each store's state and the daily weather per state from the whole chain's folder, NA as empty", async () => {
    const whole = join(DATASETS, 'rossmann');
    const weatherDir = join(whole, 'weather');
    const files = readdirSync(weatherDir).map((f) => join(weatherDir, f));
    await zhongtai('import', '--db', db, '--spec', spec, join(whole, 'store_states.csv'), ...files);
    // Read from the raw files here: rows, NA cloud covers and the hottest day per state.
    const expected = files.map((file) => {
      const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
      const at = (name: string) => (header as string).split(';').indexOf(`"${name}"`);
      const cells = rows.map((r) => r.split(';'));
      const hottest = Math.max(...cells.map((c) => Number(c[at('Max_TemperatureC')])));
      const na = cells.filter((c) => c[at('CloudCover')] === 'NA').length;
      return { area: (file.split('/').pop() as string).replace('.csv', ''), rows: rows.length, na, hottest };
    });
    const engine = await openWarehouse({ path: db, readOnly: true });
    const got = await engine.query(
      `SELECT area, count(*) AS rows, count(*) - count(cloud_cover) AS na, max(temp_max_c) AS hottest
       FROM weather_day GROUP BY area ORDER BY area`,
    );
    expect(got).toEqual(expected.sort((a, b) => a.area.localeCompare(b.area)));
    expect(expected.reduce((n, e) => n + e.na, 0)).toBeGreaterThan(1000);
    const [states] = await engine.query(
      "SELECT count(*) AS n, count(*) FILTER (WHERE value = 'HE') AS hesse FROM store_attribute WHERE name = 'weather_area'",
    );
    const stateLines = readFileSync(join(whole, 'store_states.csv'), 'utf8').trim().split('\n').slice(1);
    expect(states).toEqual({
      n: stateLines.length,
      hesse: stateLines.filter((l) => l.trim().endsWith(',HE')).length,
    });
    await engine.close();

    // A file named like a state's but not in a weather folder is no weather file: refused, patterns named.
    const elsewhere = mkdtempSync(join(tmpdir(), 'zhongtai-rossmann-'));
    mkdirSync(join(elsewhere, 'other'));
    copyFileSync(files[0] as string, join(elsewhere, 'other', 'NW.csv'));
    await expect(
      zhongtai('import', '--db', db, '--spec', spec, join(elsewhere, 'other', 'NW.csv')),
    ).rejects.toThrow(/no entry .* matches this file name \(patterns: store_states\*\.csv, weather\/\*\.csv/);
  }, 120_000);
});

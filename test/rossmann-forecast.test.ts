import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
const dir = mkdtempSync(join(tmpdir(), 'zhongtai-rossmann-forecast-'));
const db = join(dir, 'rossmann.duckdb');

/**
 * A known-future plan in the competition's test.csv format for the week after the data end: Sundays
 * closed, store 2 closed for a refurbishment on Wednesday, store 5's Open left empty one day (as in the real
 * test.csv), a promotion Monday to Friday.
 */
function writePlan(): string {
  const lines = ['Id,Store,DayOfWeek,Date,Open,Promo,StateHoliday,SchoolHoliday'];
  let id = 1;
  for (let store = 1; store <= 100; store++) {
    for (let d = 0; d < 7; d++) {
      const date = new Date(Date.UTC(2015, 5, 20 + d));
      const weekday = ((date.getUTCDay() + 6) % 7) + 1;
      const iso = date.toISOString().slice(0, 10);
      const open =
        store === 5 && iso === '2015-06-22'
          ? ''
          : weekday === 7 || (store === 2 && weekday === 3)
            ? '0'
            : '1';
      lines.push(`${id++},${store},${weekday},${iso},${open},${weekday <= 5 ? 1 : 0},0,0`);
    }
  }
  const path = join(dir, 'test.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('Rossmann: forecasting the week after the data end from a known-future plan', () => {
  beforeAll(async () => {
    await zhongtai(
      'import',
      '--db',
      db,
      '--spec',
      join(ROOT, 'examples', 'rossmann', 'spec.yaml'),
      join(folder, 'store.csv'),
      join(folder, 'train.csv'),
    );
    await zhongtai(
      'import',
      '--db',
      db,
      '--spec',
      join(ROOT, 'examples', 'rossmann', 'future.yaml'),
      writePlan(),
    );
  }, 120_000);

  it('writes one row per store and day, closed days zero, P10 ≤ P50 ≤ P90, and keeps the run in the warehouse', async () => {
    const out = join(dir, 'forecast.csv');
    const said = await zhongtai(
      'forecast',
      '--db',
      db,
      '--level',
      'store',
      '--horizon',
      '7',
      '--rounds',
      '60',
      '--out',
      out,
    );
    expect(said).toMatch(/100 stores × 7 days from 2015-06-20/);
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
    expect(header).toBe('store,date,p10,p50,p90');
    const forecast = rows.map((line) => {
      const [store, date, p10, p50, p90] = line.split(',');
      return {
        store: Number(store),
        date: String(date),
        p10: Number(p10),
        p50: Number(p50),
        p90: Number(p90),
      };
    });
    expect(forecast).toHaveLength(700);
    expect(new Set(forecast.map((r) => `${r.store}|${r.date}`)).size).toBe(700);
    const at = (store: number, date: string) => forecast.find((r) => r.store === store && r.date === date);
    expect(at(1, '2015-06-21')?.p50).toBe(0); // Sunday
    expect(at(2, '2015-06-24')?.p50).toBe(0); // planned closure
    expect(at(5, '2015-06-22')?.p50).toBeGreaterThan(0); // Open left empty: taken as open
    for (const r of forecast.filter((f) => f.p50 > 0)) {
      expect(r.p10).toBeLessThanOrEqual(r.p50);
      expect(r.p50).toBeLessThanOrEqual(r.p90);
    }
    // Open days look like the stores' own June figures (not a chain average).
    const juneMean = (store: number) => {
      const june = readFileSync(join(folder, 'train.csv'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith(`${store},`) && l.includes(',2015-06-'))
        .map((l) => l.split(','))
        .filter((f) => f[5] === '1')
        .map((f) => Number(f[3]));
      return june.reduce((s, v) => s + v, 0) / june.length;
    };
    for (const store of [1, 3, 25]) {
      const open = forecast.filter((r) => r.store === store && r.p50 > 0);
      const mean = open.reduce((s, r) => s + r.p50, 0) / open.length;
      expect(mean / juneMean(store)).toBeGreaterThan(0.7);
      expect(mean / juneMean(store)).toBeLessThan(1.4);
    }
    const engine = await openWarehouse({ path: db, readOnly: true });
    try {
      expect(
        await engine.query(
          "SELECT count(*) AS n, count(DISTINCT store_id) AS stores FROM forecast WHERE level = 'store'",
        ),
      ).toEqual([{ n: 700, stores: 100 }]);
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('backtests every model on the last window; the boosted trees beat the baselines', async () => {
    const table = await zhongtai(
      'backtest',
      '--db',
      db,
      '--horizon',
      '42',
      '--folds',
      '1',
      '--rounds',
      '150',
      '--until',
      '2015-06-19',
    );
    const rmspe = (model: string) => {
      const line = table.split('\n').find((l) => l.includes(` ${model} `));
      return Number(line?.trim().split(/\s+/)[5]);
    };
    expect(rmspe('gbt')).toBeLessThan(rmspe('median_8'));
    expect(rmspe('gbt')).toBeLessThan(rmspe('ets'));
    expect(rmspe('median_8')).toBeLessThan(rmspe('seasonal_naive'));
    expect(rmspe('gbt')).toBeLessThan(0.115);
  }, 120_000);

  it('refuses an ensemble size it does not have, saying the range', async () => {
    const failed = await zhongtai('forecast', '--db', db, '--members', '4').catch(
      (error: { stderr: string }) => error.stderr,
    );
    expect(failed).toMatch(/members must be 1–3 \(members 须为 1–3\)/);
  });
});

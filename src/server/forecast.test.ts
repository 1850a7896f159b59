import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { adminServer, bearer, userWithToken } from '../../test/support/server.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';

let engine: Warehouse;
let server: Awaited<ReturnType<typeof adminServer>>;
beforeAll(async () => {
  // A copy of the small demo chain: a forecast run is written to the warehouse.
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-forecast-api-')), 'demo.duckdb');
  copyFileSync(SMALL_DEMO, path);
  engine = await openWarehouse({ path });
  server = await adminServer({ engine });
});
afterAll(async () => {
  await server.close();
  await engine.close();
});

describe('POST /api/v1/forecast', () => {
  it('trains off the main thread: the server answers, and tells how far the run has got, while it trains', async () => {
    expect((await server.inject({ method: 'GET', url: '/api/v1/forecast/progress' })).json()).toEqual({
      running: false,
    });
    const posted = server.inject({
      method: 'POST',
      url: '/api/v1/forecast',
      payload: { horizon: 7, rounds: 400 },
    });
    const seen: number[] = [];
    let done = false;
    void posted.then(() => {
      done = true;
    });
    while (!done) {
      const progress = (await server.inject({ method: 'GET', url: '/api/v1/forecast/progress' })).json();
      if (progress.running) seen.push(progress.share);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await posted).statusCode).toBe(200);
    // Several answers while training, rising, some in each half (the check window, then the run).
    expect(seen.length).toBeGreaterThan(5);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.some((share) => share > 0 && share < 0.5)).toBe(true);
    expect(seen.some((share) => share > 0.5 && share < 1)).toBe(true);
    expect((await server.inject({ method: 'GET', url: '/api/v1/forecast/progress' })).json()).toEqual({
      running: false,
    });
  }, 120_000);

  it('runs two forecasts asked at once one after the other, saying how many wait', async () => {
    const post = (horizon: number) =>
      server.inject({ method: 'POST', url: '/api/v1/forecast', payload: { horizon, rounds: 100 } });
    const asked = Date.now();
    const both = Promise.all([post(7), post(3)]);
    let done = false;
    void both.then(() => {
      done = true;
    });
    const seen: { queued: number; share: number }[] = [];
    while (!done) {
      const progress = (await server.inject({ method: 'GET', url: '/api/v1/forecast/progress' })).json();
      if (progress.running) seen.push({ queued: progress.queued, share: progress.share });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const wall = (Date.now() - asked) / 1000;
    const [first, second] = (await both).map((response) => {
      expect(response.statusCode).toBe(200);
      return response.json() as { runId: number; seconds: number; rows: { date: string }[] };
    });
    expect(first?.rows).toHaveLength(10 * 7);
    expect(second?.rows).toHaveLength(10 * 3);
    expect(second?.runId).toBe((first?.runId as number) + 1);
    // One after the other: their times add up within the wait (side by side they would overlap).
    expect(wall).toBeGreaterThanOrEqual((first?.seconds as number) + (second?.seconds as number));
    // One waiting while the first trained, then none for the rest.
    const whileFirst = seen.findIndex((p) => p.queued === 1 && p.share > 0);
    expect(whileFirst).toBeGreaterThanOrEqual(0);
    const after = seen.slice(whileFirst);
    const alone = after.findIndex((p) => p.queued === 0);
    expect(alone).toBeGreaterThan(0);
    expect(after.slice(alone).every((p) => p.queued === 0)).toBe(true);
  }, 120_000);

  it('forecasts every open store of the demo chain for the days after its last sales, and saves the run', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/forecast',
      payload: { horizon: 7, rounds: 40 },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.origin).toBe('2026-11-15');
    // 12 stores, of which two small shops closed in the summer (close_date set): 10 × 7 days.
    expect(new Set(body.rows.map((r: { store: number }) => r.store))).toEqual(
      new Set([1, 3, 4, 5, 6, 8, 9, 10, 11, 12]),
    );
    expect(body.rows).toHaveLength(10 * 7);
    expect(new Set(body.rows.map((r: { date: string }) => r.date))).toEqual(
      new Set([
        '2026-11-16',
        '2026-11-17',
        '2026-11-18',
        '2026-11-19',
        '2026-11-20',
        '2026-11-21',
        '2026-11-22',
      ]),
    );
    for (const row of body.rows) expect(row.p10 <= row.p50 && row.p50 <= row.p90 && row.p50 > 0).toBe(true);
    expect(await engine.query('SELECT count(*) AS n FROM forecast WHERE run_id = $1', [body.runId])).toEqual([
      { n: 70 },
    ]);
  }, 60_000);

  it('forecasts each category a store sold, and splits it among the SKUs that sold there in the last four weeks', async () => {
    const post = async (level: string) => {
      const response = await server.inject({
        method: 'POST',
        url: '/api/v1/forecast',
        payload: { level, horizon: 7, rounds: 40 },
      });
      expect(response.statusCode).toBe(200);
      return response.json() as {
        runId: number;
        rows: {
          store: number;
          category?: string;
          sku?: number;
          date: string;
          p10: number;
          p50: number;
          p90: number;
        }[];
      };
    };
    const byCategory = await post('category');
    const pairs = await engine.query(
      `SELECT DISTINCT l.store_id AS store, p.category_l1 AS category FROM sales_line l JOIN product p USING (sku)
       JOIN store s ON s.store_id = l.store_id
       WHERE l.date > DATE '2025-11-15' AND (s.close_date IS NULL OR s.close_date > DATE '2026-11-15')`,
    );
    expect(new Set(byCategory.rows.map((r) => `${r.store}|${r.category}`))).toEqual(
      new Set(pairs.map((p) => `${p.store}|${p.category}`)),
    );
    expect(byCategory.rows).toHaveLength(pairs.length * 7);
    for (const row of byCategory.rows) expect(row.p10 <= row.p50 && row.p50 <= row.p90).toBe(true);

    const bySku = await post('store-sku');
    const recent = await engine.query(
      `SELECT DISTINCT l.store_id AS store, l.sku FROM sales_line l JOIN store s ON s.store_id = l.store_id
       WHERE l.date BETWEEN DATE '2026-10-19' AND DATE '2026-11-15'
         AND (s.close_date IS NULL OR s.close_date > DATE '2026-11-15')
       GROUP BY ALL HAVING sum(l.net) > 0`,
    );
    expect(new Set(bySku.rows.map((r) => `${r.store}|${r.sku}`))).toEqual(
      new Set(recent.map((r) => `${r.store}|${r.sku}`)),
    );
    // The same seeded model at the category level: the SKUs of a store's category add up to its forecast.
    const sums = new Map<string, number>();
    for (const r of bySku.rows) {
      const k = `${r.store}|${r.category}|${r.date}`;
      sums.set(k, (sums.get(k) ?? 0) + r.p50);
      expect(r.p10 <= r.p50 && r.p50 <= r.p90).toBe(true);
    }
    for (const r of byCategory.rows) {
      const sum = sums.get(`${r.store}|${r.category}|${r.date}`);
      if (sum !== undefined) expect(sum).toBeCloseTo(r.p50, 6);
    }
    const [saved] = await engine.query(
      'SELECT count(*) AS n, count(sku) AS skus, count(category) AS categories FROM forecast WHERE run_id = $1',
      [bySku.runId],
    );
    expect(saved).toEqual({ n: bySku.rows.length, skus: bySku.rows.length, categories: bySku.rows.length });
  }, 120_000);

  it('refuses a bad body naming the field', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/forecast',
      payload: { horizon: 'soon' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'BAD_REQUEST', place: { field: 'horizon' } });
    const extra = await server.inject({
      method: 'POST',
      url: '/api/v1/forecast',
      payload: { level: 'store', sql: 'DROP' },
    });
    expect(extra.statusCode).toBe(400);
  });

  it('lists the runs kept, newest first', async () => {
    const { runs } = (await server.inject('/api/v1/forecast/runs')).json();
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.map((r: { runId: number }) => r.runId)).toEqual(
      [...runs.map((r: { runId: number }) => r.runId)].sort((a, b) => b - a),
    );
    expect(runs[0]).toMatchObject({ level: 'store-sku', model: 'gbt', origin: '2026-11-15', horizon: 7 });
  });
});

describe('POST /api/v1/replenish', () => {
  it('suggests whole packs per store × SKU, costliest orders first, with names', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/replenish',
      payload: { limit: 5, serviceLevel: 0.9 },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.date).toBe('2026-11-15');
    expect(body.toOrder).toBeGreaterThan(5);
    expect(body.series).toBeGreaterThanOrEqual(body.toOrder);
    expect(body.rows).toHaveLength(5);
    const costs = body.rows.map((r: { orderCost: number }) => r.orderCost);
    expect(costs).toEqual([...costs].sort((a, b) => b - a));
    expect(body.orderCost).toBeGreaterThanOrEqual(costs.reduce((a: number, b: number) => a + b, 0));
    for (const row of body.rows) {
      expect(Number.isInteger(row.packs) && row.packs > 0).toBe(true);
      expect(row.name).not.toBe(String(row.sku));
      expect(row.storeName.length).toBeGreaterThan(0);
    }
  });

  it("gives a supplier only its own products' orders, by the metric layer's grant rule", async () => {
    const supplier = await userWithToken(server.appStore, 'supplier', [{ kind: 'supplier', value: 'V0001' }]);
    const asked = (headers: Record<string, string>) =>
      server.app.inject({ method: 'POST', url: '/api/v1/replenish', payload: { limit: 500 }, headers });
    const own = new Set(
      (await engine.query('SELECT sku FROM product WHERE supplier_id = 1')).map((r) => Number(r.sku)),
    );
    const mine = (await asked(bearer(supplier.token))).json();
    const all = (await asked(bearer(server.token))).json();
    expect(mine.rows.length).toBeGreaterThan(0);
    expect(mine.rows.every((r: { sku: number }) => own.has(r.sku))).toBe(true);
    expect(all.rows.some((r: { sku: number }) => !own.has(r.sku))).toBe(true);
    expect(mine.toOrder).toBeLessThan(all.toOrder);
    // Its orders are the whole list's orders of its products, the same figures.
    const whole = new Map(all.rows.map((r: { store: number; sku: number }) => [`${r.store}:${r.sku}`, r]));
    for (const r of mine.rows.slice(0, 20)) {
      const same = whole.get(`${r.store}:${r.sku}`);
      if (same) expect(same).toEqual(r);
    }
  });

  it('refuses a service level outside (0, 1), naming the field', async () => {
    const response = await server.inject({
      method: 'POST',
      url: '/api/v1/replenish',
      payload: { serviceLevel: 95 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.place).toEqual({ field: 'serviceLevel' });
  });
});

describe('the nightly refresh (serve --forecast-schedule)', () => {
  it('retrains the store forecast when its time comes round, and says when it last finished and how the last day went', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-nightly-')), 'demo.duckdb');
    copyFileSync(SMALL_DEMO, path);
    const file = await openWarehouse({ path });
    // The server's clock, moved past the next minute instead of waiting for it.
    let ahead = 0;
    const nightly = await adminServer({
      engine: file,
      forecastSchedule: { schedule: '* * * * *', checkMs: 100, now: () => new Date(Date.now() + ahead) },
    });
    try {
      const before = (await nightly.inject('/api/v1/forecast/status')).json();
      expect(before).toMatchObject({ lastRun: null, schedule: '* * * * *', lastError: null, lastDay: null });
      expect(Date.parse(before.nextRun) - Date.now()).toBeLessThanOrEqual(60_000);
      // Nothing runs before its time.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await nightly.inject('/api/v1/forecast/runs')).json().runs).toEqual([]);

      ahead = 61_000;
      let runs: { runId: number; level: string; origin: string; horizon: number }[] = [];
      for (let waited = 0; runs.length === 0 && waited < 120_000; waited += 250) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        runs = (await nightly.inject('/api/v1/forecast/runs')).json().runs;
      }
      ahead = 0;
      // Once for the time that came round, for the days after the last sales, 42 days as by hand.
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ level: 'store', origin: '2026-11-15', horizon: 42 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await nightly.inject('/api/v1/forecast/runs')).json().runs).toHaveLength(1);
      const after = (await nightly.inject('/api/v1/forecast/status')).json();
      expect(after.lastRun.runId).toBe(runs[0]?.runId);
      // The nightly run forecasts days not yet sold: the last day with sales is scored by a run made before it.
      expect(after.lastDay).toBeNull();

      const backtest = await nightly.inject({
        method: 'POST',
        url: '/api/v1/forecast',
        payload: { horizon: 7, rounds: 40, from: '2026-11-15' },
      });
      expect(backtest.statusCode).toBe(200);
      const rows = (backtest.json().rows as { store: number; date: string; p50: number }[]).filter(
        (r) => r.date === '2026-11-15',
      );
      const actual = new Map(
        (
          await file.query(
            "SELECT store_id, sum(net) AS sales FROM sales_line WHERE date = DATE '2026-11-15' GROUP BY ALL",
          )
        ).map((r) => [Number(r.store_id), Number(r.sales)]),
      );
      const scored = rows.filter((r) => (actual.get(r.store) ?? 0) > 0);
      const sold = scored.reduce((sum, r) => sum + (actual.get(r.store) as number), 0);
      const missed = scored.reduce((sum, r) => sum + Math.abs((actual.get(r.store) as number) - r.p50), 0);
      const { lastDay } = (await nightly.inject('/api/v1/forecast/status')).json();
      expect(lastDay).toMatchObject({
        date: '2026-11-15',
        runId: backtest.json().runId,
        origin: '2026-11-14',
        stores: scored.length,
      });
      expect(scored.length).toBe(10);
      expect(lastDay.accuracy).toBeCloseTo(1 - missed / sold, 9);
    } finally {
      await nightly.close();
      await file.close();
    }
  }, 240_000);
});

import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../../src/warehouse/index.js';
import { openWorld, queryApi, settled, type World, watchedPage } from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';

/** The forecast page over a copy of the demo chain (forecast runs are written to it), in headless Chromium. */
let world: World;
let engine: Warehouse;
let base: string;
let browser: Browser;

beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-forecast-e2e-')), 'demo.duckdb');
  copyFileSync(SMALL_DEMO, path);
  world = await openWorld(await openWarehouse({ path }));
  ({ engine, base, browser } = world);
});

afterAll(() => world?.close());

/** 1 − WAPE of the newest store run over the last 28 days, straight from the tables (not through the catalogue). */
async function accuracyFromTables(): Promise<number> {
  const [row] = await engine.query(
    `WITH f AS (SELECT store_id, date, p50 FROM forecast
                WHERE run_id = (SELECT max(run_id) FROM forecast_run WHERE level = 'store')),
          a AS (SELECT store_id, date, sum(net) AS sales FROM sales_line
                WHERE date BETWEEN DATE '2026-10-19' AND DATE '2026-11-15' GROUP BY ALL)
     SELECT 1 - sum(abs(a.sales - f.p50)) / sum(a.sales) AS accuracy FROM f JOIN a USING (store_id, date)`,
  );
  return Number(row?.accuracy);
}

describe('forecast and replenishment page', () => {
  it('backtests the last 28 days on a click and scores them as the tables do; lists replenishment orders', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/`);
    await page.getByTestId('nav-forecast').click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('销售预测与补货');
    expect(new URL(page.url()).pathname).toBe('/forecast');
    // Nothing forecast yet: the page says what to do, and the replenishment list is there already.
    await expect.poll(() => page.getByTestId('forecast-runs').innerText()).toContain('还没有门店预测');
    // …and the charts of forecast against actual say there is none yet, not "no data in this period".
    await expect.poll(() => page.getByTestId('no-forecast-yet').innerText()).toContain('尚无预测');
    expect(await page.getByTestId('tile-forecast-daily').count()).toBe(0);
    await page.waitForSelector('[data-testid="tile-replenish"] tbody tr', { timeout: 60_000 });
    const costs = (
      await page
        .locator('[data-testid="order-cost"]')
        .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-raw')))
    ).map(Number);
    expect(costs).toHaveLength(50);
    expect(costs).toEqual([...costs].sort((a, b) => b - a));

    // A run trains the three-member ensemble twice (the check window, then the run), six worker jobs two at a time.
    await page.getByTestId('run-backtest').click();
    // The page shows how far the run has got while it trains (the server answers meanwhile).
    await expect
      .poll(async () => Number(await page.getByTestId('forecast-progress').getAttribute('data-share')), {
        timeout: 120_000,
      })
      .toBeGreaterThan(0);
    await page.waitForSelector('[data-testid="chain-accuracy"]:not([data-raw=""])', { timeout: 300_000 });
    await settled(page);
    const shown = Number(await page.getByTestId('chain-accuracy').getAttribute('data-raw'));
    expect(shown).toBeCloseTo(await accuracyFromTables(), 9);
    expect(shown).toBeGreaterThan(0.6);
    expect(await page.getByTestId('latest-run').innerText()).toContain('2026-10-18');
    // The model in words, not the CLI's name for it.
    expect(await page.getByTestId('latest-run').innerText()).toContain('梯度提升树');
    // When it finished, and how the run did on the last day with sales (forecast before that day was known).
    await expect.poll(() => page.getByTestId('last-finished').innerText()).toContain('最近一次完成于');
    const [lastDay] = await engine.query(
      `WITH f AS (SELECT store_id, p50 FROM forecast WHERE date = DATE '2026-11-15'
                    AND run_id = (SELECT max(run_id) FROM forecast_run WHERE level = 'store')),
            a AS (SELECT store_id, sum(net) AS sales FROM sales_line WHERE date = DATE '2026-11-15' GROUP BY ALL)
       SELECT 1 - sum(abs(a.sales - f.p50)) / sum(a.sales) AS accuracy FROM f JOIN a USING (store_id)
       WHERE a.sales > 0`,
    );
    expect(Number(await page.getByTestId('last-day-accuracy').getAttribute('data-raw'))).toBeCloseTo(
      Number(lastDay?.accuracy),
      9,
    );
    expect(await page.getByTestId('last-day-accuracy').innerText()).toContain('2026-11-15 准确率');
    expect(await page.getByTestId('nightly').innerText()).toContain('未设置夜间自动刷新');
    // Ten stores were open in the window (two of twelve closed before it), worst first.
    const cells = page.locator('[data-testid="tile-store-accuracy"] td[data-raw]');
    const accuracies = (await cells.evaluateAll((tds) => tds.map((td) => td.getAttribute('data-raw')))).map(
      Number,
    );
    expect(accuracies).toHaveLength(10);
    expect(accuracies).toEqual([...accuracies].sort((a, b) => a - b));
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'forecast-zh.png'), fullPage: true });

    // Back and forth between the pages with the browser's own history.
    await page.getByTestId('nav-overview').click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('经营总览');
    await page.goBack();
    await expect.poll(() => page.locator('h1').innerText()).toBe('销售预测与补货');
    expect(errors).toEqual([]);
    await page.close();
  }, 480_000);

  it('forecasts the next 28 days on a click, in English too', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/forecast?lang=en`);
    await expect.poll(() => page.locator('h1').innerText()).toBe('Sales forecast & replenishment');
    await page.getByTestId('run-future').click();
    await expect
      .poll(() => page.getByTestId('latest-run').innerText(), { timeout: 300_000 })
      .toContain('2026-11-15');
    await settled(page);
    const { rows } = await queryApi(base, {
      metrics: ['net_sales', 'forecast_sales'],
      grain: 'day',
      timeRange: { from: '2026-11-16', to: '2026-12-13' },
    });
    expect(rows).toHaveLength(28);
    for (const row of rows) expect(row.forecast_sales > 0 && row.net_sales === null).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'forecast-en.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 480_000);
});

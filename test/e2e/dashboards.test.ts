import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppStore, openAppStore, seedDemoDashboards } from '../../src/appstore/index.js';
import { DuckDbEngine } from '../../src/warehouse/index.js';
import { launchBrowser, serveOnLoopback, settled, watchedPage } from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';

/** The demo chain's ready-made dashboards in Chromium: filters for every tile, CSV export, big screen. */
let engine: DuckDbEngine;
let appStore: AppStore;
let app: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  engine = await DuckDbEngine.open({ path: SMALL_DEMO, readOnly: true });
  appStore = await openAppStore({ path: join(mkdtempSync(join(tmpdir(), 'zhongtai-boards-')), 'app') });
  await seedDemoDashboards(appStore, '2026-11-15');
  ({ app, base } = await serveOnLoopback(engine, appStore));
  browser = await launchBrowser();
  mkdirSync(join(ARTIFACTS, 'screenshots'), { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await engine?.close();
  await appStore?.close();
});

const netSales = async (filters: object[], from: string) => {
  const response = await fetch(`${base}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ metrics: ['net_sales'], filters, timeRange: { from, to: '2026-11-15' } }),
  });
  return (await response.json()).rows[0].net_sales as number;
};

describe('dashboards', () => {
  it('filters every tile by period and region, exports a tile, and goes big screen', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/dashboards`);
    await expect.poll(() => page.locator('[data-testid="dashboard-list"] h2').count()).toBe(6);
    await page.getByTestId('dashboard-list').getByRole('link', { name: '经营总览' }).click();
    const kpi = page.getByTestId('kpi-net_sales-value');
    await page.waitForSelector('[data-testid="kpi-net_sales-value"]:not([data-raw=""])', { timeout: 30_000 });
    expect(Number(await kpi.getAttribute('data-raw'))).toBeCloseTo(await netSales([], '2026-10-17'), 2);

    await page.getByTestId('board-days').selectOption('7');
    await expect
      .poll(async () => Number(await kpi.getAttribute('data-raw')))
      .toBeCloseTo(await netSales([], '2026-11-09'), 2);
    await expect.poll(() => page.locator('[data-testid="board-region"] option').count()).toBeGreaterThan(2);
    const region = (await page
      .locator('[data-testid="board-region"] option')
      .nth(1)
      .getAttribute('value')) as string;
    await page.getByTestId('board-region').selectOption(region);
    await expect
      .poll(async () => Number(await kpi.getAttribute('data-raw')))
      .toBeCloseTo(await netSales([{ dimension: 'region', value: region }], '2026-11-09'), 2);
    expect(new URL(page.url()).searchParams.get('region')).toBe(region);

    // A tile's answer as CSV, with the labels people read.
    await settled(page);
    const tile = page.locator('section.tile', { hasText: '大区销售额' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      tile.getByTestId('export-csv').click(),
    ]);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('\uFEFF大区,销售额,销售额(对比期),销售额变化,销售额变化率');
    expect(csv.split('\r\n')[1]?.startsWith(`${region},`)).toBe(true);

    await page.getByTestId('big-screen').click();
    expect(await page.evaluate(() => document.body.classList.contains('screen'))).toBe(true);
    expect(await page.locator('header.top').isVisible()).toBe(false);
    await page.reload();
    await page.waitForSelector('[data-testid="kpi-net_sales-value"]:not([data-raw=""])', { timeout: 30_000 });
    expect(await page.evaluate(() => document.body.classList.contains('screen'))).toBe(true);
    await settled(page);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'big-screen.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});

import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/index.js';
import { openWorld, queryApi, settled, type World, watchedPage } from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';

/** The built web app, served by the real server over the demo chain, in Debian's headless Chromium. */
let world: World;
let base: string;
let browser: Browser;

beforeAll(async () => {
  world = await openWorld(await openWarehouse({ path: SMALL_DEMO, readOnly: true }));
  ({ base, browser } = world);
});

afterAll(() => world?.close());

async function openDashboard(query = '') {
  const { page, errors } = await watchedPage(browser);
  await page.goto(`${base}/${query}`);
  await page.waitForSelector('[data-testid="kpi-net_sales-value"]:not([data-raw=""])', { timeout: 30_000 });
  await page.waitForSelector('[data-testid="tile-stores"] tbody tr', { timeout: 30_000 });
  await settled(page);
  return { page, errors };
}

describe('chain overview dashboard', () => {
  it('loads without console errors and shows the same 销售额 as the API', async () => {
    const { page, errors } = await openDashboard();
    const [from, to] = (await page.getByTestId('range').innerText()).split('~').map((s) => s.trim());
    const api = await queryApi(base, { metrics: ['net_sales'], timeRange: { from, to } });
    const shown = Number(await page.getByTestId('kpi-net_sales-value').getAttribute('data-raw'));
    expect(shown).toBeCloseTo(api.rows[0].net_sales, 2);
    // The card shows it in 万 for Chinese readers.
    const text = await page.getByTestId('kpi-net_sales-value').innerText();
    expect(text).toBe(`¥${(api.rows[0].net_sales / 1e4).toFixed(api.rows[0].net_sales >= 1e6 ? 0 : 1)}万`);
    expect(await page.locator('h1').innerText()).toBe('经营总览');
    expect(await page.locator('[data-testid="tile-stores"] tbody tr').count()).toBe(10);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'overview-zh.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('switches to English and to another period', async () => {
    const { page, errors } = await openDashboard();
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('Chain overview');
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    const range = await page.getByTestId('range').innerText();
    expect(range).toBe('2026-11-09 ~ 2026-11-15');
    await page.waitForSelector('[data-testid="kpi-net_sales-value"]:not([data-raw=""])');
    await settled(page);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'overview-en.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

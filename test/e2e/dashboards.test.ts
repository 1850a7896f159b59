import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { readSheet } from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppStore,
  createEmbedLink,
  SYSTEM_ACTOR,
  seedDemoDashboards,
} from '../../src/appstore/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import {
  adminHeaders,
  openWorld,
  queryApi,
  settled,
  tempAppStore,
  type World,
  watchedPage,
} from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';

/** The demo chain's ready-made dashboards in Chromium: filters for every tile, CSV export, big screen. */
let world: World;
let base: string;
let browser: Browser;

beforeAll(async () => {
  const appStore = await tempAppStore();
  await seedDemoDashboards(appStore, '2026-11-15');
  world = await openWorld(await openWarehouse({ path: SMALL_DEMO, readOnly: true }), appStore);
  ({ base, browser } = world);
});

afterAll(() => world?.close());

const netSales = async (filters: object[], from: string) =>
  (await queryApi(base, { metrics: ['net_sales'], filters, timeRange: { from, to: '2026-11-15' } })).rows[0]
    .net_sales as number;

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
    // One comparison for every tile: month over month, named so on the KPI card.
    await page.getByTestId('board-compare').selectOption('mom');
    await expect.poll(() => page.getByTestId('kpi-net_sales').innerText()).toContain('环比');
    await page.getByTestId('board-compare').selectOption('');

    // A tile's answer as CSV, with the labels people read.
    await settled(page);
    const tile = page.locator('section.tile', { hasText: '大区销售额' });
    // Exports sit behind the tile's "⋯", beside 在自助分析中打开: one visible link, not six.
    expect(await tile.locator('.tile-actions > button:visible, .tile-actions > a:visible').count()).toBe(1);
    await tile.getByTestId('tile-menu').click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      tile.getByTestId('export-csv').click(),
    ]);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('\uFEFF大区,销售额,销售额(对比期),销售额变化,销售额变化率');
    expect(csv.split('\r\n')[1]?.startsWith(`${region},`)).toBe(true);
    // The same tile as an Excel workbook, read back.
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      tile.getByTestId('export-xlsx').click(),
    ]);
    expect(xlsx.suggestedFilename()).toBe('大区销售额.xlsx');
    const sheet = (await readSheet((await xlsx.path()) as string, 1)) as unknown[][];
    expect(sheet[0]).toEqual(['大区', '销售额', '销售额(对比期)', '销售额变化', '销售额变化率']);
    expect(sheet[1]?.[0]).toBe(region);
    expect(Number(sheet[1]?.[1])).toBeCloseTo(Number(csv.split('\r\n')[1]?.split(',')[1]), 2);

    // The whole dashboard as one picture.
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
    expect(png.suggestedFilename()).toBe('经营总览.png');
    const bytes = readFileSync((await png.path()) as string);
    writeFileSync(join(ARTIFACTS, 'screenshots', 'dashboard-export.png'), bytes);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    // Two tiles a row, 720 px each: 1,488 px wide; tall enough for two rows of tiles.
    expect(bytes.readUInt32BE(16)).toBe(1488);
    expect(bytes.readUInt32BE(20)).toBeGreaterThan(500);
    // Printed (or saved as PDF from the print dialog): the dashboard alone, no page chrome.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.getByTestId('print').isVisible()).toBe(false);
    expect(await page.getByTestId('kpi-net_sales-value').isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4', landscape: true });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    await page.emulateMedia({ media: 'screen' });

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

  it('embeds a dashboard by a signed link that fixes its filters, and refuses it altered or expired', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/dashboards`);
    await page.getByTestId('dashboard-list').getByRole('link', { name: '经营总览' }).click();
    await expect.poll(() => page.locator('[data-testid="board-region"] option').count()).toBeGreaterThan(2);
    const region = (await page
      .locator('[data-testid="board-region"] option')
      .nth(2)
      .getAttribute('value')) as string;
    await page.getByTestId('board-region').selectOption(region);
    await page.getByTestId('embed-make').click();
    const url = await page.getByTestId('embed-url').inputValue();
    expect(url).toMatch(/\/embed\/[\w-]+\.[\w-]+$/);

    // Opened by someone who never signed in: the link alone lets the page read, within its maker's grants.
    const embedded = await watchedPage(browser, { anonymous: true });
    await embedded.page.goto(url);
    await embedded.page.waitForSelector('[data-testid="kpi-net_sales-value"]:not([data-raw=""])', {
      timeout: 30_000,
    });
    expect(await embedded.page.locator('header.top').count()).toBe(0);
    expect(await embedded.page.getByTestId('embed').innerText()).toContain(`大区 = ${region}`);
    expect(
      Number(await embedded.page.getByTestId('kpi-net_sales-value').getAttribute('data-raw')),
    ).toBeCloseTo(await netSales([{ dimension: 'region', value: region }], '2026-10-17'), 2);
    // Nothing to change: no edit, move or remove actions.
    expect(await embedded.page.getByTestId('remove-tile').count()).toBe(0);

    const [payload, signature] = (url.split('/embed/')[1] as string).split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const widened = Buffer.from(JSON.stringify({ ...claims, f: [] })).toString('base64url');
    await embedded.page.goto(`${base}/embed/${widened}.${signature}`);
    await expect.poll(() => embedded.page.getByTestId('embed-refused').innerText()).toContain('签名不符');

    const board = (
      await (await fetch(`${base}/api/v1/dashboards`, { headers: adminHeaders(base) })).json()
    ).dashboards.find((d: { name: string }) => d.name === '经营总览');
    const old = await createEmbedLink(
      world.appStore as AppStore,
      { dashboardId: board.id, filters: [], expiresInMinutes: 5 },
      { ...SYSTEM_ACTOR, userId: world.admin.userId },
      Date.now() - 3_600_000,
    );
    await embedded.page.goto(`${base}${old.path}`);
    await expect.poll(() => embedded.page.getByTestId('embed-refused').innerText()).toContain('过期');
    await embedded.page.close();
    expect(errors).toEqual([]);
    // The refused links answer 401, which the browser logs as a failed request; nothing else may appear.
    expect(embedded.errors.filter((e) => !e.includes('401'))).toEqual([]);
    await page.close();
  }, 120_000);

  it('takes a brand colour, a logo and the dark theme for everyone, kept across a reload', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/`);
    await page.waitForSelector('[data-testid="kpi-net_sales-value"]:not([data-raw=""])', { timeout: 30_000 });
    await page.getByTestId('theme-open').click();
    await page.getByTestId('theme-mode').selectOption('dark');
    await page.getByTestId('theme-color').fill('#1e8449');
    await page.getByTestId('theme-logo-text').fill('鲜');
    await page.getByTestId('theme-save').click();
    const look = () =>
      page.evaluate(() => ({
        dark: document.body.classList.contains('dark'),
        logo: document.querySelector('[data-testid="logo"]')?.textContent,
        accent: getComputedStyle(document.querySelector('[data-testid="logo"]') as Element).backgroundColor,
      }));
    await expect.poll(look).toEqual({ dark: true, logo: '鲜', accent: 'rgb(30, 132, 73)' });
    await page.reload();
    await expect.poll(look).toEqual({ dark: true, logo: '鲜', accent: 'rgb(30, 132, 73)' });
    await settled(page);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'theme-dark.png'), fullPage: true });
    // Back to the default look, so other pages of this run are not affected.
    await fetch(`${base}/api/v1/settings/theme`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...adminHeaders(base) },
      body: JSON.stringify({}),
    });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('cross-filters every tile by a value clicked on one, and drops the filter again', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/dashboards`);
    await page.getByTestId('dashboard-list').getByRole('link', { name: '经营总览' }).click();
    const tile = page.locator('section.tile', { hasText: '大区销售额' });
    await tile.locator('[data-testid="explore-chart"] canvas').waitFor({ timeout: 30_000 });
    await settled(page);
    const regions = await queryApi(base, {
      metrics: ['net_sales'],
      dimensions: ['region'],
      timeRange: { from: '2026-10-17', to: '2026-11-15' },
    });
    const first = regions.rows[0].region as string;
    // The first region's label under the x axis (grid: 70 px left, 20 right, 60 below).
    const box = (await tile.getByTestId('explore-chart').boundingBox()) as {
      x: number;
      y: number;
      width: number;
      height: number;
    };
    const n = regions.rows.length;
    await page.mouse.click(box.x + 70 + ((box.width - 90) * 0.5) / n, box.y + box.height - 60 + 12);
    await expect.poll(() => page.getByTestId('picks').innerText()).toContain(`大区 = ${first}`);
    const kpi = page.getByTestId('kpi-net_sales-value');
    await expect
      .poll(async () => Number(await kpi.getAttribute('data-raw')))
      .toBeCloseTo(await netSales([{ dimension: 'region', value: first }], '2026-10-17'), 2);
    expect(new URL(page.url()).searchParams.getAll('pick')).toEqual([`region:${first}`]);
    await page.getByTestId('picks').getByRole('button').click();
    await expect
      .poll(async () => Number(await kpi.getAttribute('data-raw')))
      .toBeCloseTo(await netSales([], '2026-10-17'), 2);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('names the ready-made dashboards and their tiles in English in English mode', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/dashboards`);
    await expect.poll(() => page.locator('[data-testid="dashboard-list"] h2').count()).toBe(6);
    await page.getByTestId('lang-switch').click();
    await expect
      .poll(() => page.locator('[data-testid="dashboard-list"] h2').allInnerTexts())
      .toContain('Business overview');
    await page.getByTestId('dashboard-list').getByRole('link', { name: 'Store comparison' }).click();
    await expect.poll(() => page.getByTestId('dashboard-name').innerText()).toBe('Store comparison');
    await expect
      .poll(() => page.locator('[data-testid="dashboard"] section.tile h2').allInnerTexts())
      .toContain('Sales per m² by store');
    await settled(page);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'dashboard-en.png'), fullPage: true });
    await page.getByTestId('lang-switch').click();
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('lays tiles out by dragging one onto another and widening one, kept across a reload', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/dashboards`);
    await page.getByTestId('dashboard-list').getByRole('link', { name: '门店对比' }).click();
    const order = () =>
      page
        .locator('[data-testid="dashboard"] .tile-slot')
        .evaluateAll((slots) => slots.map((s) => s.getAttribute('data-testid')));
    await expect.poll(order).toEqual(['slot-t1', 'slot-t2', 'slot-t3', 'slot-t4']);
    // The drag itself, as the browser sends it (dragstart, dragover, drop sharing one DataTransfer): a
    // mouse-driven drag is at the mercy of tiles still re-rendering on a busy machine.
    await settled(page);
    const transfer = await page.evaluateHandle(() => new DataTransfer());
    await page.getByTestId('slot-t4').dispatchEvent('dragstart', { dataTransfer: transfer });
    await page.getByTestId('slot-t1').dispatchEvent('dragover', { dataTransfer: transfer });
    await page.getByTestId('slot-t1').dispatchEvent('drop', { dataTransfer: transfer });
    await page.getByTestId('slot-t4').dispatchEvent('dragend', { dataTransfer: transfer });
    await expect.poll(order).toEqual(['slot-t4', 'slot-t1', 'slot-t2', 'slot-t3']);
    await page.getByTestId('slot-t2').getByTestId('tile-menu').click();
    await page.getByTestId('slot-t2').getByTestId('toggle-wide').click();
    await expect.poll(() => page.getByTestId('slot-t2').getAttribute('class')).toContain('wide');
    await page.reload();
    await expect.poll(order).toEqual(['slot-t4', 'slot-t1', 'slot-t2', 'slot-t3']);
    await expect.poll(() => page.getByTestId('slot-t2').getAttribute('class')).toContain('wide');
    await settled(page);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'dashboard-layout.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});

import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/index.js';
import { openWorld, queryApi, settled, tempAppStore, type World, watchedPage } from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';

/** 自助分析 in headless Chromium over the demo chain: build, drill, go back, compare, reference line, reload. */
let world: World;
let base: string;
let browser: Browser;

beforeAll(async () => {
  world = await openWorld(await openWarehouse({ path: SMALL_DEMO, readOnly: true }), await tempAppStore());
  ({ base, browser } = world);
});

afterAll(() => world?.close());

const api = (body: object) => queryApi(base, body);

/** The first column's values and one metric's raw values, as the table shows them. */
async function table(page: Page, metric: string) {
  await settled(page);
  const rows = page.locator('[data-testid="explore-table"] tbody tr');
  const names = await rows.locator('td:first-child').allInnerTexts();
  const values = (
    await page
      .locator(`[data-testid="explore-table"] td[data-metric="${metric}"]`)
      .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-raw')))
  ).map(Number);
  return { names, values };
}

describe('自助分析 explore', () => {
  it('builds a question, drills region → city → store and back, compares, draws an average line, survives a reload', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/explore`);
    await expect.poll(() => page.locator('h1').innerText()).toBe('自助分析');
    await page.waitForSelector('[data-testid="explore-table"] tbody tr', { timeout: 30_000 });
    const range = { from: '2026-10-17', to: '2026-11-15' };
    const regions = await api({ metrics: ['net_sales'], dimensions: ['region'], timeRange: range });
    const first = await table(page, 'net_sales');
    expect(first.names).toEqual(regions.rows.map((r: { region: string }) => r.region));
    expect(first.values).toEqual(regions.rows.map((r: { net_sales: number }) => r.net_sales));

    // Pinyin initials find a metric the way Chinese users type: mll → 毛利率.
    const search = page.locator('[data-testid="pick-metrics"] input[type="search"]');
    await search.fill('mll');
    await expect
      .poll(() => page.locator('[data-testid="pick-metrics"] li button').allInnerTexts())
      .toEqual(['毛利率']);
    await search.fill('');
    // A second metric, then down two levels by clicking values.
    await page.locator('[data-testid="pick-metrics"] button[data-id="orders"]').click();
    await page.waitForSelector('[data-testid="explore-table"] td[data-metric="orders"]');
    const region = first.names[0] as string;
    await page.getByTestId('drill').first().click();
    await expect.poll(() => page.getByTestId('crumbs').innerText()).toContain(`大区: ${region}`);
    const cities = await api({
      metrics: ['net_sales'],
      dimensions: ['city'],
      filters: [{ dimension: 'region', value: region }],
      timeRange: range,
    });
    await expect
      .poll(async () => (await table(page, 'net_sales')).names)
      .toEqual(cities.rows.map((r: { city: string }) => r.city));
    const city = cities.rows[0].city as string;
    await page.getByTestId('drill').first().click();
    await expect.poll(() => page.getByTestId('crumbs').innerText()).toContain(`城市: ${city}`);
    const stores = await api({
      metrics: ['net_sales'],
      dimensions: ['store'],
      filters: [
        { dimension: 'region', value: region },
        { dimension: 'city', value: city },
      ],
      timeRange: range,
    });
    await expect
      .poll(async () => (await table(page, 'net_sales')).values)
      .toEqual(stores.rows.map((r: { net_sales: number }) => r.net_sales));
    // Stores have no finer level: nothing to click.
    expect(await page.getByTestId('drill').count()).toBe(0);
    // Drill-through: the sales lines behind the first store's number, all of that store, newest first.
    const store = stores.rows[0].store as string;
    await page.getByTestId('lines').first().click();
    await page.waitForSelector('[data-testid="drill-through"] tbody tr', { timeout: 30_000 });
    expect(await page.getByTestId('drill-through').locator('h3').innerText()).toContain(`门店: ${store}`);
    const shownStores = await page
      .locator('[data-testid="drill-through"] td[data-col="store"]')
      .allInnerTexts();
    expect(shownStores.length).toBeGreaterThan(0);
    expect(new Set(shownStores)).toEqual(new Set([store]));
    await page.getByRole('button', { name: '全部' }).click();
    await expect.poll(async () => (await table(page, 'net_sales')).names).toEqual(first.names);

    // Year over year: the change appears as a column; an average line over the first metric.
    await page.getByTestId('compare').selectOption('yoy');
    await expect
      .poll(() => page.locator('[data-testid="explore-table"] thead').innerText())
      .toContain('销售额变化率');
    await page.getByTestId('reference').selectOption('average');
    const { values } = await table(page, 'net_sales');
    const reference = Number(await page.getByTestId('explore-chart').getAttribute('data-reference'));
    expect(reference).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'explore-zh.png'), fullPage: true });

    // The question is in the URL: a reload shows it again.
    await page.reload();
    await page.waitForSelector('[data-testid="explore-table"] td[data-metric="orders"]');
    expect(await page.getByTestId('compare').inputValue()).toBe('yoy');
    expect(Number(await page.getByTestId('explore-chart').getAttribute('data-reference'))).toBeCloseTo(
      reference,
      6,
    );
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('draws a line along months and drills a month into its weeks', async () => {
    const { page, errors } = await watchedPage(browser);
    const q = {
      metrics: ['net_sales'],
      dimensions: ['month'],
      filters: [],
      range: { from: '2026-01-01', to: '2026-11-15' },
      compare: '',
      reference: '',
      chart: 'auto',
    };
    await page.goto(`${base}/explore?lang=en&q=${encodeURIComponent(JSON.stringify(q))}`);
    await page.waitForSelector('[data-testid="explore-chart"][data-kind="line"]', { timeout: 30_000 });
    const months = await table(page, 'net_sales');
    expect(months.names).toHaveLength(11);
    // A trend line through the months (least squares over their order) and the 90th percentile.
    await page.getByTestId('reference').selectOption('trend');
    const n = months.values.length;
    const mx = (n - 1) / 2;
    const my = months.values.reduce((a, b) => a + b, 0) / n;
    const slope =
      months.values.reduce((a, y, x) => a + (x - mx) * (y - my), 0) /
      months.values.reduce((a, _, x) => a + (x - mx) ** 2, 0);
    await expect
      .poll(async () => Number(await page.getByTestId('explore-chart').getAttribute('data-reference')))
      .toBeCloseTo(slope, 4);
    await page.getByTestId('reference').selectOption('p90');
    const sorted = [...months.values].sort((a, b) => a - b);
    await expect
      .poll(async () => Number(await page.getByTestId('explore-chart').getAttribute('data-reference')))
      .toBeCloseTo(sorted[Math.ceil(0.9 * n) - 1] as number, 4);
    await page.getByTestId('reference').selectOption('');
    // A custom comparison period: the months against the same months a year before, as the API answers.
    await page.getByTestId('compare').selectOption('custom');
    expect(await page.getByTestId('compare-from').inputValue()).toBe('2025-01-01');
    const custom = await queryApi(base, {
      metrics: ['net_sales'],
      dimensions: ['month'],
      timeRange: { from: '2026-01-01', to: '2026-11-15' },
      compare: { from: '2025-01-01', to: '2025-11-15' },
    });
    await expect
      .poll(async () => (await table(page, 'net_sales_prev')).values)
      .toEqual(custom.rows.map((r: { net_sales_prev: number | null }) => r.net_sales_prev ?? 0));
    await page.getByTestId('compare').selectOption('');
    await page.getByTestId('drill').nth(9).click(); // October
    await expect.poll(() => page.getByTestId('crumbs').innerText()).toContain('Month: 2026-10-01');
    const weeks = await table(page, 'net_sales');
    // The weeks of October add up to October.
    expect(weeks.values.reduce((a, b) => a + b, 0)).toBeCloseTo(months.values[9] as number, 2);
    expect(await page.locator('input[type="date"]').first().inputValue()).toBe('2026-10-01');
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'explore-en.png'), fullPage: true });
    // Year to date against the same days a year before: one click and a comparison.
    await page.getByRole('button', { name: 'Year to date' }).click();
    await page.getByTestId('compare').selectOption('yoy');
    expect(await page.locator('input[type="date"]').first().inputValue()).toBe('2026-01-01');
    const ytd = await queryApi(base, {
      metrics: ['net_sales'],
      dimensions: ['week'],
      timeRange: { from: '2026-01-01', to: '2026-11-15' },
      compare: 'yoy',
    });
    await expect
      .poll(async () => (await table(page, 'net_sales')).values)
      .toEqual(ytd.rows.map((r: { net_sales: number }) => r.net_sales));
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('saves questions as tiles of a new dashboard, which keeps them across a reload and drops a removed one', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/explore`);
    await page.waitForSelector('[data-testid="explore-table"] tbody tr', { timeout: 30_000 });
    const regions = await table(page, 'net_sales');
    await page.getByTestId('save-open').click();
    await page.getByTestId('tile-title').fill('大区销售额');
    await page.getByTestId('save-target').selectOption('new');
    await page.getByTestId('new-dashboard-name').fill('经营周报');
    await page.getByTestId('save-confirm').click();
    await expect.poll(() => page.getByTestId('saved').innerText()).toContain('经营周报');
    // A second question onto the same dashboard: sales by month, as a line.
    await page.locator('[data-testid="pick-dimensions"] button[data-id="region"]').click();
    await page.locator('[data-testid="pick-dimensions"] button[data-id="month"]').click();
    await page.getByRole('button', { name: '近一年' }).click();
    await page.waitForSelector('[data-testid="explore-chart"][data-kind="line"]');
    await page.getByTestId('save-open').click();
    await expect.poll(() => page.getByTestId('save-target').inputValue()).not.toBe('new');
    await page.getByTestId('tile-title').fill('月度销售额');
    await page.getByTestId('save-confirm').click();
    await expect.poll(() => page.getByTestId('saved').innerText()).toContain('经营周报');

    await page.getByTestId('nav-dashboards').click();
    await page.getByRole('link', { name: '经营周报' }).click();
    await expect.poll(() => page.getByTestId('dashboard-name').innerText()).toBe('经营周报');
    await page.waitForSelector('[data-testid="dashboard"] [data-testid="explore-chart"][data-kind="line"]');
    await settled(page);
    const titles = await page.locator('[data-testid="dashboard"] section.tile h2').allInnerTexts();
    expect(titles).toEqual(['大区销售额', '月度销售额']);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'dashboard-zh.png'), fullPage: true });

    await page.reload();
    await expect
      .poll(() => page.locator('[data-testid="dashboard"] section.tile h2').allInnerTexts())
      .toEqual(titles);
    await page.locator('[data-testid="dashboard"] section.tile').first().getByTestId('tile-menu').click();
    await page.locator('[data-testid="dashboard"] section.tile').first().getByTestId('remove-tile').click();
    await expect
      .poll(() => page.locator('[data-testid="dashboard"] section.tile h2').allInnerTexts())
      .toEqual(['月度销售额']);
    await page.reload();
    await expect
      .poll(() => page.locator('[data-testid="dashboard"] section.tile h2').allInnerTexts())
      .toEqual(['月度销售额']);
    // Open the tile's question in Explore: the same question, its range following the data.
    await page.getByRole('button', { name: '在自助分析中打开' }).click();
    await page.waitForSelector('[data-testid="explore-chart"][data-kind="line"]');
    expect(await page.getByRole('button', { name: '近一年' }).getAttribute('aria-pressed')).toBe('true');
    expect(regions.names.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('pivots two dimensions with totals computed from summed parts, swaps and sorts', async () => {
    const { page, errors } = await watchedPage(browser);
    const range = { from: '2026-10-17', to: '2026-11-15' };
    const q = {
      metrics: ['gross_margin'],
      dimensions: ['region', 'format'],
      filters: [],
      range,
      compare: '',
      reference: '',
      chart: 'pivot',
    };
    await page.goto(`${base}/explore?q=${encodeURIComponent(JSON.stringify(q))}`);
    await page.waitForSelector('[data-testid="pivot"] tfoot td[data-col="total"]:not([data-raw=""])', {
      timeout: 30_000,
    });
    await settled(page);
    // The pivot stands alone: no chart beside it.
    expect(await page.getByTestId('explore-chart').count()).toBe(0);
    const cells = await api({
      metrics: ['gross_margin'],
      dimensions: ['region', 'format'],
      timeRange: range,
    });
    const byRegion = await api({ metrics: ['gross_margin'], dimensions: ['region'], timeRange: range });
    const all = await api({ metrics: ['gross_margin'], timeRange: range });
    const raw = async (row: string, col: string) =>
      Number(
        await page
          .locator(`[data-testid="pivot"] tr[data-row="${row}"] td[data-col="${col}"]`)
          .getAttribute('data-raw'),
      );
    const first = cells.rows[0] as { region: string; format: string; gross_margin: number };
    expect(await raw(first.region, first.format)).toBeCloseTo(first.gross_margin, 9);
    // A region's margin is its gross profit over its sales, not the mean of its formats' margins.
    let differs = false;
    for (const r of byRegion.rows as { region: string; gross_margin: number }[]) {
      expect(await raw(r.region, 'total')).toBeCloseTo(r.gross_margin, 9);
      const parts = (cells.rows as { region: string; gross_margin: number }[]).filter(
        (c) => c.region === r.region,
      );
      const mean = parts.reduce((a, c) => a + c.gross_margin, 0) / parts.length;
      if (Math.abs(mean - r.gross_margin) > 1e-4) differs = true;
    }
    expect(differs).toBe(true);
    expect(await raw('total', 'total')).toBeCloseTo(all.rows[0].gross_margin, 9);

    await page.locator('[data-testid="pivot"] th', { hasText: '合计' }).first().click();
    const totals = (
      await page
        .locator('[data-testid="pivot"] tbody td[data-col="total"]')
        .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-raw')))
    ).map(Number);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    await page.getByTestId('pivot-swap').click();
    await expect
      .poll(() => page.locator('[data-testid="pivot"] thead th').first().innerText())
      .toBe('业态 / 大区');
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'pivot-zh.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('draws hour × weekday as a heat map and shares as a donut', async () => {
    const { page, errors } = await watchedPage(browser);
    const range = { from: '2026-08-18', to: '2026-11-15' };
    const ask = (q: object) =>
      page.goto(
        `${base}/explore?q=${encodeURIComponent(JSON.stringify({ filters: [], range, compare: '', reference: '', ...q }))}`,
      );
    await ask({ metrics: ['conversion_rate'], dimensions: ['weekday', 'hour_of_day'], chart: 'auto' });
    await page.waitForSelector('[data-testid="explore-chart"][data-kind="heatmap"]', { timeout: 30_000 });
    const heat = await api({
      metrics: ['conversion_rate'],
      dimensions: ['weekday', 'hour_of_day'],
      timeRange: range,
    });
    const { values } = await table(page, 'conversion_rate');
    expect(values).toEqual(heat.rows.map((r: { conversion_rate: number | null }) => r.conversion_rate ?? 0));
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'explore-heatmap.png'), fullPage: true });

    await ask({ metrics: ['net_sales'], dimensions: ['format'], chart: 'pie' });
    await page.waitForSelector('[data-testid="explore-chart"][data-kind="pie"]', { timeout: 30_000 });
    expect((await table(page, 'net_sales')).names).toEqual(['百货', '超市', '便利店', '生鲜/鲜果']);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('draws many bars as the top 30 and says the rest under the chart, asked of the API', async () => {
    const { page, errors } = await watchedPage(browser);
    const range = { from: '2026-10-17', to: '2026-11-15' };
    const q = {
      metrics: ['net_sales', 'gross_margin'],
      dimensions: ['sku'],
      filters: [],
      range,
      compare: '',
      reference: '',
      chart: 'auto',
    };
    await page.goto(`${base}/explore?q=${encodeURIComponent(JSON.stringify(q))}`);
    await page.waitForSelector('[data-testid="explore-chart"]:not([data-others=""])', { timeout: 30_000 });
    const skus = await api({ metrics: ['net_sales'], dimensions: ['sku'], timeRange: range, limit: 500 });
    const total = await api({ metrics: ['net_sales'], timeRange: range });
    const top = skus.rows.slice(0, 30) as { net_sales: number }[];
    const others = Number(await page.getByTestId('explore-chart').getAttribute('data-others'));
    expect(others).toBeCloseTo(total.rows[0].net_sales - top.reduce((a, r) => a + r.net_sales, 0), 2);
    // A sum's rest is not a bar that flattens the top 30: it is written under the chart.
    await expect.poll(() => page.getByTestId('others-note').innerText()).toContain('其余合计 ¥');
    await settled(page);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'explore-top30.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('splits a chart into small multiples by the second dimension, on one scale', async () => {
    const { page, errors } = await watchedPage(browser);
    const range = { from: '2026-01-01', to: '2026-11-15' };
    const q = {
      metrics: ['net_sales'],
      dimensions: ['month', 'format'],
      filters: [],
      range,
      compare: '',
      reference: '',
      chart: 'multiples',
    };
    await page.goto(`${base}/explore?q=${encodeURIComponent(JSON.stringify(q))}`);
    await page.waitForSelector('[data-testid="multiple"] canvas', { timeout: 30_000 });
    await settled(page);
    const captions = await page.locator('[data-testid="multiple"] figcaption').allInnerTexts();
    const formats = await api({ metrics: ['net_sales'], dimensions: ['month', 'format'], timeRange: range });
    const expected = [...new Set(formats.rows.map((r: { format: string }) => r.format))].map(
      (code) =>
        ({ supermarket: '超市', department_store: '百货', convenience: '便利店', fresh: '生鲜/鲜果' })[
          code as string
        ],
    );
    expect(captions).toEqual(expected);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'explore-multiples.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('filters by any dimension with values picked from a searchable list, and drops the filter again', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${base}/explore`);
    await page.waitForSelector('[data-testid="explore-table"] tbody tr', { timeout: 30_000 });
    const range = { from: '2026-10-17', to: '2026-11-15' };
    const all = await table(page, 'net_sales');
    await page.getByTestId('filter-dimension').selectOption('format');
    const editor = page.getByTestId('filter-editor');
    await editor.getByRole('checkbox', { name: '便利店' }).check();
    await editor.getByRole('searchbox').fill('超');
    await expect.poll(() => editor.getByRole('checkbox').count()).toBe(1);
    await editor.getByRole('checkbox', { name: '超市' }).check();
    await page.getByTestId('filter-apply').click();
    await expect.poll(() => page.getByTestId('filter-bar').innerText()).toContain('业态 = 便利店、超市');
    const filtered = await api({
      metrics: ['net_sales'],
      dimensions: ['region'],
      filters: [{ dimension: 'format', op: 'in', values: ['convenience', 'supermarket'] }],
      timeRange: range,
    });
    await expect
      .poll(async () => (await table(page, 'net_sales')).values)
      .toEqual(filtered.rows.map((r: { net_sales: number }) => r.net_sales));
    await page.getByRole('button', { name: '移除筛选 业态' }).click();
    await expect.poll(async () => (await table(page, 'net_sales')).values).toEqual(all.values);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('pivots two dimensions down and one across with subtotals asked at their own grain', async () => {
    const { page, errors } = await watchedPage(browser);
    const range = { from: '2026-10-17', to: '2026-11-15' };
    const q = {
      metrics: ['gross_margin'],
      dimensions: ['region', 'format', 'channel'],
      filters: [],
      range,
      compare: '',
      reference: '',
      chart: 'pivot',
    };
    await page.goto(`${base}/explore?q=${encodeURIComponent(JSON.stringify(q))}`);
    await page.waitForSelector('[data-testid="pivot"] tfoot td[data-col="total"]:not([data-raw=""])', {
      timeout: 30_000,
    });
    await settled(page);
    const sub = await api({ metrics: ['gross_margin'], dimensions: ['region', 'channel'], timeRange: range });
    const regions = await api({ metrics: ['gross_margin'], dimensions: ['region'], timeRange: range });
    const first = sub.rows[0] as { region: string; channel: string; gross_margin: number };
    const raw = async (row: string, col: string) =>
      Number(
        await page
          .locator(`[data-testid="pivot"] tr[data-row="${row}"] td[data-col="${col}"]`)
          .getAttribute('data-raw'),
      );
    // A region's subtotal by channel, and its subtotal across channels, as the API answers them.
    expect(await raw(`${first.region}|subtotal`, first.channel)).toBeCloseTo(first.gross_margin, 9);
    for (const r of regions.rows as { region: string; gross_margin: number }[])
      expect(await raw(`${r.region}|subtotal`, 'total')).toBeCloseTo(r.gross_margin, 9);
    expect(await page.locator('[data-testid="pivot"] tr.subtotal').count()).toBe(regions.rows.length);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'pivot-grouped.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/index.js';
import { openWorld, queryApi, settled, type World, watchedPage } from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';

/**
 * Numbers an analyst can trust, in Chromium: a ratio's change in percentage points, and a comparison over a
 * partly empty period said so. The small demo chain starts 2025-10-12: a year before its last 92 days
 * (2025-08-16 … 2025-11-15) holds data on 35 of them.
 */
let world: World;
beforeAll(async () => {
  world = await openWorld(await openWarehouse({ path: SMALL_DEMO, readOnly: true }));
});
afterAll(() => world?.close());

const question = (dimensions: string[], chart: string) => ({
  metrics: ['net_sales', 'gross_margin'],
  dimensions,
  filters: [],
  range: { from: '2026-08-16', to: '2026-11-15' },
  compare: 'yoy',
  reference: '',
  chart,
});

describe('trustworthy comparisons', () => {
  for (const width of [1440, 390])
    it(`shows a margin's change in 个百分点 and says the comparison period is partly empty (${width} px)`, async () => {
      const { page, errors } = await watchedPage(world.browser);
      await page.setViewportSize({ width, height: 900 });
      const q = question([], 'auto');
      await page.goto(`${world.base}/explore?q=${encodeURIComponent(JSON.stringify(q))}`);
      const answer = await queryApi(world.base, {
        metrics: q.metrics,
        timeRange: q.range,
        compare: 'yoy',
      });
      const points = answer.rows[0].gross_margin_delta as number;
      const { daysWithData, days } = answer.meta.coverage.comparison;
      expect(days).toBe(92);
      expect(daysWithData).toBeLessThan(days);
      const margin = page.getByTestId('kpi-gross_margin-change');
      await expect.poll(() => margin.innerText()).toContain('个百分点');
      expect(await margin.innerText()).toContain(`${points > 0 ? '+' : ''}${points.toFixed(1)} 个百分点`);
      await expect
        .poll(() => page.getByTestId('kpi-net_sales-coverage').innerText())
        .toBe(`去年同期仅 ${daysWithData}/${days} 天有数据`);
      expect(await page.getByTestId('kpi-net_sales-change').getAttribute('class')).toContain('partial');
      await settled(page);
      await page.screenshot({
        path: join(ARTIFACTS, 'screenshots', `kpi-coverage-${width}.png`),
        fullPage: true,
      });
      // A chart of the same question carries the note above it.
      await page.goto(
        `${world.base}/explore?q=${encodeURIComponent(JSON.stringify(question(['region'], 'bar')))}`,
      );
      await expect.poll(() => page.getByTestId('coverage-note').innerText()).toContain('去年同期仅');
      expect(errors).toEqual([]);
      await page.close();
    });

  it("draws a ratio's 平均值 as the whole's ratio from summed parts, labelled weighted, not the mean of the rows", async () => {
    const { page, errors } = await watchedPage(world.browser);
    const q = {
      ...question(['region'], 'bar'),
      metrics: ['gross_margin'],
      compare: '',
      reference: 'average',
    };
    await page.goto(`${world.base}/explore?q=${encodeURIComponent(JSON.stringify(q))}`);
    const chain = (await queryApi(world.base, { metrics: ['gross_margin'], timeRange: q.range })).rows[0]
      .gross_margin as number;
    const byRegion = (
      await queryApi(world.base, { metrics: ['gross_margin'], dimensions: ['region'], timeRange: q.range })
    ).rows.map((r: { gross_margin: number }) => r.gross_margin);
    const meanOfRatios = byRegion.reduce((a: number, b: number) => a + b, 0) / byRegion.length;
    expect(Math.abs(meanOfRatios - chain)).toBeGreaterThan(1e-6);
    const chart = page.getByTestId('explore-chart');
    await expect.poll(async () => Number(await chart.getAttribute('data-reference'))).toBeCloseTo(chain, 9);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says on a store row when the store traded on markedly fewer days, and greys its comparison', async () => {
    const { page, errors } = await watchedPage(world.browser);
    const month = { from: '2026-10-01', to: '2026-10-31' };
    const q = { ...question(['store'], 'table'), metrics: ['net_sales'], range: month };
    await page.goto(`${world.base}/explore?q=${encodeURIComponent(JSON.stringify(q))}`);
    const answer = await queryApi(world.base, {
      metrics: ['net_sales'],
      dimensions: ['store'],
      timeRange: month,
      compare: 'yoy',
    });
    // Two small shops of the demo closed in August and September: October holds none of their days.
    const short = Object.entries(answer.meta.coverage.stores ?? {}) as [string, { period: number }][];
    expect(short.map(([, c]) => c.period)).toEqual([0, 0]);
    for (const [store] of short) {
      const row = page.locator('[data-testid="explore-table"] tbody tr', { hasText: store });
      await expect.poll(() => row.getByTestId('row-coverage').innerText()).toBe('所选期间仅 0/31 天有数据');
      expect(await row.locator('td[data-metric="net_sales_pct"]').getAttribute('class')).toContain('partial');
    }
    // A store that traded all month has no note.
    const full = answer.rows.find((r: { store: string }) => !short.some(([s]) => s === r.store));
    const fullRow = page.locator('[data-testid="explore-table"] tbody tr', { hasText: full.store });
    expect(await fullRow.getByTestId('row-coverage').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sorts a table by a header, largest first, then the other way round', async () => {
    const { page, errors } = await watchedPage(world.browser);
    const q = { ...question(['region'], 'table'), compare: '' };
    await page.goto(`${world.base}/explore?q=${encodeURIComponent(JSON.stringify(q))}`);
    await page.waitForSelector('[data-testid="explore-table"] tbody tr');
    const margins = () =>
      page
        .locator('[data-testid="explore-table"] td[data-metric="gross_margin"]')
        .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-raw'))));
    await page.getByTestId('sort-gross_margin').click();
    const down = await margins();
    expect(down.length).toBeGreaterThan(2);
    expect(down).toEqual([...down].sort((a, b) => b - a));
    await page.getByTestId('sort-gross_margin').click();
    expect(await margins()).toEqual([...down].reverse());
    expect(await page.locator('th[aria-sort="ascending"]').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says plainly what a pivot leaves out: metrics after the first, and the comparison', async () => {
    const { page, errors } = await watchedPage(world.browser);
    const q = { ...question(['region', 'format'], 'pivot') };
    await page.goto(`${world.base}/explore?q=${encodeURIComponent(JSON.stringify(q))}`);
    await expect
      .poll(() => page.getByTestId('pivot-shows').innerText())
      .toBe('透视表只显示第一个指标「销售额」；毛利率和对比期与变化请切换到「表格」查看。');
    await page.goto(
      `${world.base}/explore?q=${encodeURIComponent(JSON.stringify({ ...q, metrics: ['net_sales'], compare: '' }))}`,
    );
    await page.waitForSelector('[data-testid="pivot"] tbody tr');
    expect(await page.getByTestId('pivot-shows').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { dashboards, openAppStore, SYSTEM_ACTOR, seedDemoDashboards } from '../src/appstore/index.js';
import { dataRange } from '../src/metrics/index.js';
import { buildServer } from '../src/server/index.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { signIn } from '../test/support/browser.js';
import { userWithToken } from '../test/support/server.js';
import { demoFile } from './demo-file.js';
import { median, table } from './stats.js';

/**
 * The web app in Debian's headless Chromium over the default demo chain (30 stores, 400 days, ~21M lines):
 * how long until a dashboard's first tile and all its tiles show, how long the main thread is blocked, for
 * the ready-made 经营总览 and for a dashboard of 24 tiles. Medians of `runs` cold page loads.
 */

/**
 * Milliseconds from a click to the frame after the text at `watch` has changed, measured inside the page
 * (no round trip to the test driver). These interactions need no query, or show their change before it returns.
 */
async function timeClick(page: Page, click: string, watch: string): Promise<number> {
  // Sent as text: the bundler's helpers (tsx names functions) do not exist inside the page.
  return page.evaluate(`new Promise((resolve) => {
    const text = () => document.querySelector(${JSON.stringify(watch)})?.textContent ?? '';
    const before = text();
    const start = performance.now();
    document.querySelector(${JSON.stringify(click)}).click();
    const check = () => {
      if (text() !== before) requestAnimationFrame(() => resolve(performance.now() - start));
      else requestAnimationFrame(check);
    };
    check();
  })`) as Promise<number>;
}

async function interactions(
  browser: Browser,
  base: string,
  end: string,
  runs: number,
  admin: { username: string; password: string },
) {
  const q = {
    metrics: ['net_sales', 'gross_margin'],
    dimensions: ['region', 'format'],
    filters: [],
    range: { from: `${end.slice(0, 4)}-01-01`, to: end },
    compare: '',
    reference: '',
    chart: 'pivot',
  };
  const swap: number[] = [];
  const sort: number[] = [];
  const drill: number[] = [];
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await signIn(page, base, admin.username, admin.password);
    await page.goto(`${base}/explore?q=${encodeURIComponent(JSON.stringify(q))}`);
    await page.waitForSelector('[data-testid="pivot"] tfoot td[data-col="total"]:not([data-raw=""])', {
      timeout: 60_000,
    });
    sort.push(
      await timeClick(page, '[data-testid="pivot"] thead th.total', '[data-testid="pivot"] thead th.total'),
    );
    swap.push(await timeClick(page, '[data-testid="pivot-swap"]', '[data-testid="pivot"] thead th'));
    const bars = { ...q, dimensions: ['region'], chart: 'auto' };
    await page.goto(`${base}/explore?q=${encodeURIComponent(JSON.stringify(bars))}`);
    await page.waitForSelector('[data-testid="drill"]', { timeout: 60_000 });
    drill.push(await timeClick(page, '[data-testid="drill"]', '[data-testid="crumbs"]'));
    await page.close();
  }
  return [
    ['interaction', 'ms'],
    ['pivot: sort by the total column', median(sort)],
    ['pivot: swap rows and columns', median(swap)],
    ['drill: the step shows in the breadcrumb', median(drill)],
  ];
}

/** Milliseconds from navigation to the first tile with content, to every tile settled; long tasks summed. */
async function measure(page: Page, url: string): Promise<{ first: number; all: number; blocked: number }> {
  await page.goto('about:blank');
  await page.evaluate(() => {
    (window as unknown as { __long: number }).__long = 0;
  });
  const start = Date.now();
  await page.goto(url);
  await page.evaluate(() => {
    const w = window as unknown as { __long: number };
    w.__long = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__long += e.duration;
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.waitForSelector('section.tile[aria-busy="false"]', { timeout: 60_000 });
  const first = Date.now() - start;
  await page.waitForFunction(
    () =>
      document.querySelectorAll('section.tile').length > 0 &&
      document.querySelectorAll('section.tile[aria-busy="true"]').length === 0,
    undefined,
    { timeout: 120_000 },
  );
  const all = Date.now() - start;
  const blocked = await page.evaluate(() => (window as unknown as { __long: number }).__long);
  return { first, all, blocked };
}

export async function benchWeb(options: { runs: number }): Promise<void> {
  const engine = await openWarehouse({ path: await demoFile(), readOnly: true });
  const store = await openAppStore({ path: join(mkdtempSync(join(tmpdir(), 'zhongtai-bench-web-')), 'app') });
  const end = (await dataRange(engine))?.to as string;
  await seedDemoDashboards(store, end);
  const overview = (await dashboards.list(store, SYSTEM_ACTOR)).find((d) => d.name === '经营总览');
  const all = (await dashboards.list(store, SYSTEM_ACTOR)).flatMap((d) => d.tiles);
  const big = await dashboards.create(
    store,
    {
      name: '24 张卡片',
      tiles: all.slice(0, 24).map((tile, k) => ({ ...tile, id: `b${k}` })),
    },
    SYSTEM_ACTOR,
  );
  const admin = await userWithToken(store, 'admin');
  const app = await buildServer({ engine, appStore: store });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const rows: (string | number)[][] = [
    ['page', 'first tile (ms)', 'all tiles (ms)', 'main thread blocked (ms)'],
  ];
  try {
    for (const [name, url] of [
      ['经营总览 (4 tiles)', `${base}/dashboards/${overview?.id}`],
      ['24 tiles', `${base}/dashboards/${big.id}`],
    ] as const) {
      const runs: { first: number; all: number; blocked: number }[] = [];
      for (let i = 0; i < options.runs; i++) {
        // A fresh page each run, so the browser holds nothing. The first run's questions reach the engine
        // (rollups where they answer); later runs are answered by the server's result cache, as a second
        // visitor's would be.
        const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
        await signIn(page, base, admin.username, admin.password);
        runs.push(await measure(page, url));
        await page.close();
      }
      const [cold, ...warm] = runs as [{ first: number; all: number; blocked: number }, ...typeof runs];
      rows.push([`${name}, first visit`, cold.first, cold.all, cold.blocked]);
      rows.push([
        `${name}, later visits`,
        median(warm.map((r) => r.first)),
        median(warm.map((r) => r.all)),
        median(warm.map((r) => r.blocked)),
      ]);
    }
    console.log(
      `\nDefault demo chain; per dashboard one first visit, then the median of ${options.runs - 1} more:\n`,
    );
    console.log(table(rows));
    console.log(
      `\nInteractions on 自助分析 (medians of ${options.runs}; from the click to the next painted frame):\n`,
    );
    console.log(table(await interactions(browser, base, end, options.runs, admin)));
  } finally {
    await browser.close();
    await app.close();
    await engine.close();
    await store.close();
  }
}

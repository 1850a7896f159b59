import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/appstore/index.js';
import { forecastSales } from '../../src/insights/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { openWorld, queryApi, settled, signIn, type World, watchedPage } from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';
import { userWithToken } from '../support/server.js';

let world: World;
let store: { username: string; password: string; token: string };
let region: { username: string; password: string; token: string };
let supplier: { username: string; password: string; token: string };
const period = { from: '2026-10-17', to: '2026-11-15' };

beforeAll(async () => {
  // A copy of the small demo chain with a store × SKU forecast, so the supplier portal has one to show.
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-e2e-access-')), 'demo.duckdb');
  copyFileSync(SMALL_DEMO, path);
  const engine = await openWarehouse({ path });
  await forecastSales(engine, { level: 'store-sku', horizon: 28, model: 'gbt', boost: { rounds: 30 } });
  world = await openWorld(engine);
  store = await userWithToken(world.appStore, 'store_manager', [{ kind: 'store', value: 'S0003' }]);
  region = await userWithToken(world.appStore, 'region_manager', [{ kind: 'region', value: '华中' }]);
  supplier = await userWithToken(world.appStore, 'supplier', [{ kind: 'supplier', value: 'V0001' }]);
}, 180_000);
afterAll(() => world?.close());

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, 'screenshots', `${name}.png`), fullPage: true });
const kpi = async (page: Page, id: string) => {
  const selector = `[data-testid="kpi-${id}-value"]:not([data-raw=""])`;
  await page.waitForSelector(selector, { timeout: 30_000 });
  return Number(await page.locator(selector).first().getAttribute('data-raw'));
};
const tableColumn = async (page: Page, within: string) => {
  const rows = page.locator(`${within} [data-testid="explore-table"] tbody tr`);
  await rows.first().waitFor({ timeout: 30_000 });
  return rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.textContent ?? ''));
};

describe('access control in the web app', () => {
  it('asks for a password first, says when it is wrong, and signs a store manager into her store only', async () => {
    const { page, errors } = await watchedPage(world.browser, { anonymous: true });
    await page.goto(`${world.base}/`);
    await page.getByTestId('signin-username').waitFor();
    // The sign-in page asks who is signed in without a failed request.
    expect(errors).toEqual([]);
    await page.getByTestId('signin-username').fill(store.username);
    await page.getByTestId('signin-password').fill('not her password');
    await page.getByTestId('signin-submit').click();
    await expect.poll(() => page.getByTestId('signin-error').innerText()).toContain('用户名或密码错误');
    await page.getByTestId('signin-password').fill(store.password);
    await page.getByTestId('signin-submit').click();
    const net = await kpi(page, 'net_sales');
    const hers = await queryApi(world.base, { metrics: ['net_sales'], timeRange: period }, store.token);
    const all = await queryApi(world.base, { metrics: ['net_sales'], timeRange: period });
    expect(net).toBeCloseTo(hers.rows[0].net_sales, 2);
    expect(net).toBeLessThan(all.rows[0].net_sales / 4);
    // A home made for one store: no region chart, format donut or top-10 of one row; her trend, hours,
    // best sellers and slow movers instead; no user management in the navigation.
    await expect.poll(() => page.getByTestId('store-home').count()).toBe(1);
    expect(await page.getByTestId('tile-region').count()).toBe(0);
    expect(await page.getByTestId('tile-stores').count()).toBe(0);
    // Her store's insights of the week (the server names no other store).
    await expect.poll(() => page.getByTestId('tile-insights').innerText()).toContain('智能洞察');
    await expect.poll(() => page.locator('[data-testid="nav-admin"]').count()).toBe(0);
    await settled(page);
    const top = await tableColumn(page, '[data-testid="home-top"]');
    const best = await queryApi(
      world.base,
      { metrics: ['net_sales'], dimensions: ['sku'], timeRange: period, limit: 10 },
      store.token,
    );
    expect(top).toEqual(best.rows.map((r: { sku: string }) => r.sku));
    expect((await tableColumn(page, '[data-testid="home-slow"]')).length).toBe(10);
    await shot(page, 'access-store-manager');
    // She replaces the password she was given, and signs in again with hers.
    await page.getByTestId('user').click();
    await page.getByTestId('password-current').fill(store.password);
    await page.getByTestId('password-next').fill('她自己的新密码 2026');
    await page.getByTestId('password-again').fill('她自己的新密码 2026');
    await page.getByTestId('password-save').click();
    await expect.poll(() => page.getByTestId('password-message').innerText()).toContain('密码已修改');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-username').fill(store.username);
    await page.getByTestId('signin-password').fill('她自己的新密码 2026');
    await page.getByTestId('signin-submit').click();
    await kpi(page, 'net_sales');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-username').waitFor();
    // The failed try is a 401 the browser logs; nothing else.
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await page.close();
  }, 120_000);

  it("shows a region manager exactly the region's stores when she asks by store", async () => {
    const { page, errors } = await watchedPage(world.browser, { anonymous: true });
    await signIn(page, world.base, region.username, region.password);
    const q = {
      metrics: ['net_sales'],
      dimensions: ['store'],
      filters: [],
      range: period,
      compare: '',
      reference: '',
      chart: 'table',
    };
    await page.goto(`${world.base}/explore?q=${encodeURIComponent(JSON.stringify(q))}`);
    const shown = await tableColumn(page, 'main');
    const api = await queryApi(
      world.base,
      { metrics: ['net_sales'], dimensions: ['store'], timeRange: period },
      region.token,
    );
    expect(shown.sort()).toEqual(api.rows.map((r: { store: string }) => r.store).sort());
    expect(shown).toHaveLength(3);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("lands a supplier on its portal: its products' sales, stock and forecast, and an export of its own rows", async () => {
    const { page, errors } = await watchedPage(world.browser, { anonymous: true });
    await signIn(page, world.base, supplier.username, supplier.password);
    await page.goto(`${world.base}/`);
    await page.getByTestId('portal').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('portal-scope').innerText()).toContain('V0001');
    const last28 = { from: '2026-10-19', to: '2026-11-15' };
    const api = await queryApi(
      world.base,
      { metrics: ['net_sales', 'sku_movement_rate', 'days_of_inventory'], timeRange: last28 },
      supplier.token,
    );
    expect(await kpi(page, 'net_sales')).toBeCloseTo(api.rows[0].net_sales, 2);
    expect(await kpi(page, 'sku_movement_rate')).toBeCloseTo(api.rows[0].sku_movement_rate, 6);
    expect(await kpi(page, 'days_of_inventory')).toBeCloseTo(api.rows[0].days_of_inventory, 4);
    const own = new Set(
      (await world.engine.query('SELECT name FROM product WHERE supplier_id = 1')).map((r) => String(r.name)),
    );
    const skus = await tableColumn(page, '[data-testid="tile-skus"]');
    expect(skus.length).toBeGreaterThan(3);
    expect(skus.every((name) => own.has(name))).toBe(true);
    // The forecast of its products for the next 28 days (from the store × SKU run).
    const forecast = await queryApi(
      world.base,
      { metrics: ['forecast_sales'], timeRange: { from: '2026-11-16', to: '2026-12-13' } },
      supplier.token,
    );
    expect(forecast.rows[0].forecast_sales).toBeGreaterThan(0);
    await page.locator('[data-testid="tile-forecast"] canvas').waitFor({ timeout: 30_000 });
    // No store pages for a supplier.
    expect(await page.locator('[data-testid="nav-overview"]').count()).toBe(0);
    await settled(page);
    await shot(page, 'access-supplier-portal');

    const download = page.waitForEvent('download');
    await page.locator('[data-testid="tile-skus"] [data-testid="tile-menu"]').click();
    await page.locator('[data-testid="tile-skus"] [data-testid="export-csv"]').click();
    const file = readFileSync((await (await download).path()) as string, 'utf8');
    const lines = file.trim().split(/\r?\n/).slice(1);
    expect(lines.length).toBe(skus.length);
    expect(lines.every((line) => own.has(line.split(',')[0] as string))).toBe(true);
    const [entry] = await listAudit(world.appStore, { action: 'export', actor: supplier.username, limit: 1 });
    expect(entry?.target).toBe('商品销售');
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('lets an administrator add a user with a one-time password, who then signs in within the grant given', async () => {
    const { page, errors } = await watchedPage(world.browser);
    await page.goto(`${world.base}/admin`);
    const form = page.getByTestId('add-user');
    await form.getByLabel('用户名').fill('chen');
    await form.getByLabel('角色').selectOption('store_manager');
    await form.getByRole('button').click();
    const password = (await page.getByTestId('new-password').locator('code').innerText()).trim();
    expect(password).toMatch(/^\w{16}$/);
    const row = page.getByTestId('user-chen');
    await row.locator('[data-testid="grants"] select').selectOption('store');
    await row.locator('[data-testid="grants"] input').fill('S0004');
    await row.locator('[data-testid="grants"] button[type="submit"]').click();
    await expect.poll(() => row.innerText()).toContain('S0004');
    // Actions in words; the code stays as the cell's title for those who filter by it.
    await expect.poll(() => page.getByTestId('audit').innerText()).toContain('授予数据权限');
    expect(await page.locator('[data-testid="audit"] td[title="user.grant"]').count()).toBeGreaterThan(0);
    await shot(page, 'access-admin');

    const chen = await watchedPage(world.browser, { anonymous: true });
    await signIn(chen.page, world.base, 'chen', password);
    await chen.page.goto(`${world.base}/`);
    const net = await kpi(chen.page, 'net_sales');
    const sql = await world.engine.query(
      `SELECT sum(net) AS n FROM sales_line WHERE store_id = 4 AND date BETWEEN '${period.from}' AND '${period.to}'`,
    );
    expect(net).toBeCloseTo(Number(sql[0]?.n), 2);
    expect(errors).toEqual([]);
    expect(chen.errors).toEqual([]);
    await chen.page.close();
    await page.close();
  }, 120_000);
});

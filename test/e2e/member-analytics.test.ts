import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/index.js';
import { openWorld, signIn, type World } from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';
import { userWithToken } from '../support/server.js';

/** 会员分析 and 营销活动 in Chromium, as a marketer and as a store manager use them, at desk and phone size. */
let world: World;
let marketer: { username: string; password: string };
let manager: { username: string; password: string };
let storeName: string;

beforeAll(async () => {
  // A copy: audiences and evaluations are written to the warehouse.
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-member-analytics-e2e-')), 'demo.duckdb');
  copyFileSync(SMALL_DEMO, path);
  const engine = await openWarehouse({ path });
  const [store] = await engine.query('SELECT code, name FROM store WHERE store_id = 1');
  storeName = String(store?.name);
  world = await openWorld(engine);
  marketer = await userWithToken(world.appStore, 'marketer');
  manager = await userWithToken(world.appStore, 'store_manager', [
    { kind: 'store', value: String(store?.code) },
  ]);
}, 120_000);
afterAll(() => world?.close());

const shot = (name: string) => join(ARTIFACTS, 'screenshots', `${name}.png`);

describe('member analytics and campaign pages', () => {
  it('walks a marketer through the funnel, RFM, cohorts, lifetime values, a member’s history and the clerks', async () => {
    const page = await world.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, world.base, marketer.username, marketer.password);
    await page.goto(`${world.base}/member-analytics`);
    await expect.poll(() => page.getByTestId('funnel-table').locator('tbody tr').count()).toBeGreaterThan(6);
    await expect.poll(() => page.getByTestId('upgrade-lift').count()).toBe(1);
    expect(await page.getByTestId('upgrade-effect').innerText()).toContain('95%');
    // The demo's data ends 2026-11-15: its month is marked partial, and the cards show October's.
    expect(await page.getByTestId('partial-month').innerText()).toContain('11-15');
    expect(await page.getByTestId('funnel-kpis').innerText()).toContain('2026-10');
    await page.getByTestId('conversion-by').selectOption('clerk');
    await expect.poll(() => page.getByTestId('conversion-table').innerText()).toContain('（无导购）');
    await page.screenshot({ path: shot('member-analytics-funnel'), fullPage: true });

    await page.getByTestId('tab-rfm').click();
    await expect.poll(() => page.getByTestId('rfm-grid').locator('button').count()).toBe(8);
    expect(await page.getByTestId('rfm-grid').innerText()).toContain('重要价值客户');
    await expect.poll(() => page.getByTestId('rfm-movement').innerText()).toContain('（无订单）');
    await page.screenshot({ path: shot('member-analytics-rfm'), fullPage: true });
    // A segment opens its members, the highest value first; a row opens the member's history.
    await page.getByTestId('rfm-important_value').click();
    await expect.poll(() => page.getByTestId('member-row').count()).toBeGreaterThan(0);
    const segments = await page
      .getByTestId('member-list')
      .locator('tbody tr td:nth-child(4)')
      .allInnerTexts();
    expect(new Set(segments)).toEqual(new Set(['重要价值客户']));
    await page.getByTestId('member-row').first().click();
    await expect.poll(() => page.getByTestId('member-story').innerText()).toContain('¥');
    await page.screenshot({ path: shot('member-analytics-member'), fullPage: true });

    await page.getByTestId('tab-cohorts').click();
    await expect.poll(() => page.getByTestId('cohort-heatmap').locator('canvas').count()).toBeGreaterThan(0);
    await page.getByTestId('tab-clv').click();
    await expect.poll(() => page.getByTestId('clv-bands').innerText()).toContain('高价值');
    await expect.poll(() => page.getByTestId('clv-histogram').locator('canvas').count()).toBeGreaterThan(0);
    await page.screenshot({ path: shot('member-analytics-clv'), fullPage: true });
    // An audience: the count follows the conditions; saved, it is listed with that many members.
    await page.getByTestId('tab-audiences').click();
    await expect.poll(() => page.getByTestId('audience-count').innerText()).toMatch(/符合条件：[\d,]+ 人/);
    const all = Number((await page.getByTestId('audience-count').innerText()).replace(/\D/g, ''));
    await page.getByTestId('aud-segment-important_value').check();
    await page.getByTestId('aud-tier-paid').check();
    await expect
      .poll(async () => Number((await page.getByTestId('audience-count').innerText()).replace(/\D/g, '')))
      .toBeLessThan(all);
    const some = Number((await page.getByTestId('audience-count').innerText()).replace(/\D/g, ''));
    expect(some).toBeGreaterThan(0);
    await page.getByTestId('audience-name').fill('高价值付费会员');
    await page.getByTestId('audience-save').click();
    await expect.poll(() => page.getByTestId('audience-list').innerText()).toContain('高价值付费会员');
    expect(await page.getByTestId('audience-list').innerText()).toContain(some.toLocaleString('en'));
    await page.screenshot({ path: shot('member-analytics-audiences'), fullPage: true });
    await page.getByTestId('tab-clerks').click();
    await expect.poll(() => page.getByTestId('clerk-table').locator('tbody tr').count()).toBeGreaterThan(5);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows each campaign’s lift with its interval and opens the planted one against its hold-out', async () => {
    const page = await world.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, world.base, marketer.username, marketer.password);
    await page.goto(`${world.base}/campaigns`);
    await expect.poll(() => page.getByTestId('campaign-row').count()).toBeGreaterThan(10);
    const table = await page.getByTestId('campaign-table').innerText();
    expect(table).toContain('沉睡会员唤醒券（实验）');
    expect(table).toContain('随机对照');
    expect(table).toContain('双重差分');
    await page.getByTestId('campaign-row').filter({ hasText: '沉睡会员唤醒券' }).click();
    await expect.poll(() => page.getByTestId('campaign-series').locator('canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('campaign-notes').innerText()).toMatch(/核销 \d+ 张/);
    await page.screenshot({ path: shot('campaigns-marketer'), fullPage: true });
    // Evaluated again on request: the table comes back with the same campaigns.
    await page.getByTestId('evaluate-campaigns').click();
    await expect
      .poll(() => page.getByTestId('evaluate-campaigns').isEnabled(), { timeout: 60_000 })
      .toBe(true);
    await expect.poll(() => page.getByTestId('campaign-row').count()).toBeGreaterThan(10);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows the month’s sales target attainment on the overview, the stores ranked by it', async () => {
    const page = await world.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, world.base, marketer.username, marketer.password);
    await page.goto(`${world.base}/`);
    await expect.poll(() => page.getByTestId('tile-attainment').count()).toBe(1);
    await expect.poll(() => page.getByTestId('attainment-stores').locator('tr').count()).toBeGreaterThan(3);
    expect(await page.getByTestId('tile-attainment').innerText()).toContain('本月销售目标达成（2026-11）');
    await page.screenshot({ path: shot('overview-attainment'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('gives a store manager his store’s members on a phone, and no campaign page', async () => {
    const page = await world.browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, world.base, manager.username, manager.password);
    await page.goto(`${world.base}/member-analytics`);
    await expect.poll(() => page.getByTestId('funnel-table').locator('tbody tr').count()).toBeGreaterThan(6);
    await page.screenshot({ path: shot('member-analytics-manager-phone'), fullPage: true });
    await page.getByTestId('tab-members').click();
    await expect.poll(() => page.getByTestId('member-row').count()).toBeGreaterThan(0);
    const stores = await page.getByTestId('member-list').locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(new Set(stores)).toEqual(new Set([storeName]));
    await page.screenshot({ path: shot('member-analytics-manager-members-phone'), fullPage: true });
    expect(await page.locator('a[href="/campaigns"]').count()).toBe(0);
    // The page itself, opened by its address, says why not.
    await page.goto(`${world.base}/campaigns`);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});

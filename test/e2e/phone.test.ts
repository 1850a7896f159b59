import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoDashboards } from '../../src/appstore/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { openWorld, settled, signIn, tempAppStore, type World } from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';
import { userWithToken } from '../support/server.js';

/**
 * Every page a phone user opens, at 390 × 844 as each role: the page never scrolls sideways, the navigation
 * stays on one line (no character per line), and a screenshot of each is kept in the test artefacts.
 */
let world: World;
beforeAll(async () => {
  const appStore = await tempAppStore();
  await seedDemoDashboards(appStore, '2026-11-15');
  world = await openWorld(await openWarehouse({ path: SMALL_DEMO, readOnly: true }), appStore);
});
afterAll(() => world?.close());

async function phoneAs(role: string, grants: { kind: 'store' | 'supplier' | 'region'; value: string }[]) {
  const who = await userWithToken(world.appStore, role, grants);
  const page = await world.browser.newPage({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await signIn(page, world.base, who.username, who.password);
  return { page, errors };
}

/** Sideways overflow of the page, and the tallest navigation link (one line is about 30 px). */
const layout = (page: Page) =>
  page.evaluate(() => ({
    overflow: document.documentElement.scrollWidth - 390,
    navHeight: Math.max(
      ...[...document.querySelectorAll('.nav a')].map((a) => a.getBoundingClientRect().height),
    ),
  }));

const PAGES: [string, string, { kind: 'store' | 'supplier' | 'region'; value: string }[], string[]][] = [
  ['admin', 'admin', [], ['/', '/explore', '/dashboards', '/forecast', '/members', '/promotions', '/admin']],
  ['marketer', 'marketer', [], ['/promotions']],
  ['store_manager', 'store-manager', [{ kind: 'store', value: 'S0003' }], ['/', '/explore', '/dashboards']],
  ['supplier', 'supplier', [{ kind: 'supplier', value: 'V0001' }], ['/portal']],
];

describe('at phone size', () => {
  it("shows Explore's answer first, with metrics and dimensions in a drawer", async () => {
    const { page, errors } = await phoneAs('analyst', []);
    await page.goto(`${world.base}/explore`);
    await page.waitForSelector('[data-testid="explore-table"] tbody tr', { timeout: 30_000 });
    expect(await page.getByTestId('pick-metrics').isVisible()).toBe(false);
    await page.getByTestId('drawer-toggle').click();
    await page.locator('[data-testid="pick-metrics"] button[data-id="gross_margin"]').click();
    await page.getByTestId('drawer-close').click();
    expect(await page.getByTestId('pick-metrics').isVisible()).toBe(false);
    await page.waitForSelector('[data-testid="explore-table"] td[data-metric="gross_margin"]');
    await settled(page);
    await page.screenshot({
      path: join(ARTIFACTS, 'screenshots', 'phone-explore-drawer.png'),
      fullPage: true,
    });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  for (const [role, name, grants, paths] of PAGES)
    it(`lays out every page of a ${role} within 390 px`, async () => {
      const { page, errors } = await phoneAs(role, grants);
      for (const path of paths) {
        await page.goto(`${world.base}${path}`);
        await page.waitForSelector('main');
        await settled(page);
        const { overflow, navHeight } = await layout(page);
        if (overflow > 0) {
          const wide = await page.evaluate(() =>
            [...document.querySelectorAll('main *')]
              .filter((el) => el.getBoundingClientRect().right > 392)
              .slice(0, 5)
              .map((el) => `${el.tagName}.${el.className}`),
          );
          console.log(path, overflow, wide);
        }
        expect(overflow, `${path} scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
        expect(navHeight, `${path}: a navigation link wraps`).toBeLessThan(48);
        const file = `phone-${name}${path === '/' ? '-home' : path.replaceAll('/', '-')}.png`;
        await page.screenshot({ path: join(ARTIFACTS, 'screenshots', file), fullPage: true });
      }
      expect(errors).toEqual([]);
      await page.close();
    }, 180_000);
});

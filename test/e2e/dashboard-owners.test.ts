import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grant, seedDemoDashboards } from '../../src/appstore/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { openWorld, settled, signIn, tempAppStore, type World } from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';
import { bearer, userWithToken } from '../support/server.js';

/** Dashboards with owners in Chromium: what a reader and the owner each see and may do, at desk and phone size. */
let world: World;
let analyst: Awaited<ReturnType<typeof userWithToken>>;
let manager: Awaited<ReturnType<typeof userWithToken>>;
let boardId: number;

const tile = (id: string, title: string, dimensions: string[]) => ({
  id,
  title,
  exploration: {
    metrics: ['net_sales'],
    dimensions,
    filters: [],
    range: { from: '2026-10-17', to: '2026-11-15' },
    rangeDays: 30,
    compare: '',
    reference: '',
    chart: 'auto',
  },
});

beforeAll(async () => {
  const appStore = await tempAppStore();
  await seedDemoDashboards(appStore, '2026-11-15');
  world = await openWorld(await openWarehouse({ path: SMALL_DEMO, readOnly: true }), appStore);
  analyst = await userWithToken(appStore, 'analyst');
  manager = await userWithToken(appStore, 'region_manager');
  await grant(appStore, manager.username, [{ kind: 'region', value: '华东' }]);
  const made = await fetch(`${world.base}/api/v1/dashboards`, {
    method: 'POST',
    headers: { ...bearer(analyst.token), 'content-type': 'application/json' },
    body: JSON.stringify({
      name: '分析师周报',
      tiles: [tile('t1', '大区销售额', ['region']), tile('t2', '业态销售额', ['format'])],
    }),
  });
  boardId = (await made.json()).id;
});
afterAll(() => world?.close());

async function pageAs(who: { username: string; password: string }, width: number): Promise<Page> {
  const page = await world.browser.newPage({ viewport: { width, height: width < 500 ? 844 : 1000 } });
  await signIn(page, world.base, who.username, who.password);
  return page;
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, 'screenshots', `${name}.png`), fullPage: true });

describe('dashboard owners', () => {
  for (const width of [1440, 390]) {
    it(`shows a reader another's dashboard read-only, with no delete or sharing (${width} px)`, async () => {
      const page = await pageAs(manager, width);
      await page.goto(`${world.base}/dashboards`);
      const card = page.locator('[data-testid="dashboard-list"] section', { hasText: '分析师周报' });
      await expect.poll(() => card.getByTestId('dashboard-owner').innerText()).toBe(analyst.username);
      await expect.poll(() => card.innerText()).toContain('只读');
      await card.getByRole('link').click();
      await expect.poll(() => page.getByTestId('dashboard-owner').innerText()).toContain('只读');
      await settled(page);
      expect(await page.getByTestId('board-delete').count()).toBe(0);
      expect(await page.getByTestId('board-sharing').count()).toBe(0);
      expect(await page.getByTestId('remove-tile').count()).toBe(0);
      await shot(page, `dashboard-read-only-${width}`);
      await page.close();
    });
  }

  it('lets the owner make it private, change it, see its history and restore an earlier version', async () => {
    const page = await pageAs(analyst, 1440);
    await page.goto(`${world.base}/dashboards/${boardId}`);
    await expect.poll(() => page.getByTestId('dashboard-owner').innerText()).toContain(analyst.username);
    await page.getByTestId('board-sharing').selectOption('private');
    await expect
      .poll(
        async () =>
          (await fetch(`${world.base}/api/v1/dashboards/${boardId}`, { headers: bearer(manager.token) }))
            .status,
      )
      .toBe(404);
    await settled(page);
    await page.getByTestId('tile-t2').getByTestId('tile-menu').click();
    await page.getByTestId('tile-t2').getByTestId('remove-tile').click();
    await expect.poll(() => page.locator('[data-testid^="slot-"]').count()).toBe(1);
    await page.getByTestId('board-versions').click();
    const history = page.getByTestId('board-history');
    await expect.poll(() => history.locator('tr').count()).toBe(3);
    await expect.poll(() => history.innerText()).toContain('创建');
    await shot(page, 'dashboard-history-1440');
    await page.getByTestId('restore-1').click();
    await expect.poll(() => page.locator('[data-testid^="slot-"]').count()).toBe(2);
    const audit = await fetch(`${world.base}/api/v1/audit?action=dashboard`, {
      headers: { authorization: `Bearer ${world.admin.token}` },
    });
    const actions = (await audit.json()).entries
      .filter((e: { target: string }) => e.target === String(boardId))
      .map((e: { action: string }) => e.action);
    expect(actions).toEqual([
      'dashboard.restore',
      'dashboard.update',
      'dashboard.update',
      'dashboard.create',
    ]);
    await page.close();
  });
});

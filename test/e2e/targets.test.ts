import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/index.js';
import { adminHeaders, openWorld, settled, signIn, type World } from '../support/browser.js';
import { ARTIFACTS, ROOT, SMALL_DEMO } from '../support/paths.js';
import { userWithToken } from '../support/server.js';

/** 目标 in Chromium as a planner types them, and the overview's projection and insights beside the dial. */
let world: World;

beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-targets-e2e-')), 'demo.duckdb');
  copyFileSync(SMALL_DEMO, path);
  world = await openWorld(await openWarehouse({ path }));
}, 120_000);
afterAll(async () => {
  await world?.close();
});

const targetsOf = async (month: string) =>
  (
    await (
      await fetch(`${world.base}/api/v1/targets?month=${month}`, { headers: adminHeaders(world.base) })
    ).json()
  ).targets as { kpi: string; level: string; code: string; value: string }[];

describe('targets page', () => {
  it('changes a region’s target in the grid, phases it at once, and refuses a store it does not know', async () => {
    const before = await targetsOf('2026-11');
    expect(before.length).toBeGreaterThan(0);
    const first = before.find((t) => t.kpi === 'net_sales') as (typeof before)[number];
    const page = await world.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, world.base, world.admin.username, world.admin.password);
    await page.goto(`${world.base}/targets`);
    await page.getByTestId('targets-month').fill('2026-11');
    await expect.poll(() => page.getByTestId('targets-grid').innerText()).toContain(first.code);
    const raised = (Number(first.value) * 1.1).toFixed(2);
    await page.getByLabel(`销售额 ${first.code}`).fill(raised);
    await page.getByTestId('targets-save').click();
    await expect
      .poll(() => page.locator('.banner').innerText())
      .toMatch(/已保存并分解：\d+ 个目标 → \d+ 个门店日/);
    expect(
      (await targetsOf('2026-11')).find((t) => t.code === first.code && t.kpi === first.kpi)?.value,
    ).toBe(raised);
    // The phased days of the region add up to the new target, to the fen.
    const [sum] = await world.engine.query(
      `SELECT CAST(sum(d.value) AS VARCHAR) AS s FROM target_day d JOIN store s USING (store_id)
       WHERE d.kpi = $1 AND s.region = $2 AND d.date BETWEEN DATE '2026-11-01' AND DATE '2026-11-30'`,
      [first.kpi, first.code],
    );
    expect(Number(sum?.s)).toBeCloseTo(Number(raised), 2);

    const add = page.getByTestId('targets-add');
    await add.locator('select').nth(1).selectOption('store');
    await add.getByPlaceholder('门店编码').fill('NOPE');
    await add.getByPlaceholder('目标值（元/单/件）').fill('1000');
    await add.getByRole('button', { name: '添加目标' }).click();
    await expect.poll(() => page.locator('[role=alert]').first().innerText()).toContain('NOPE');
    expect((await targetsOf('2026-11')).some((t) => t.code === 'NOPE')).toBe(false);
    // A planning sheet uploaded on the page (the example December sheet): imported and phased.
    await page
      .getByTestId('targets-import')
      .locator('input[type=file]')
      .setInputFiles(join(ROOT, 'examples', 'targets', 'december.csv'));
    await expect
      .poll(() => page.locator('.banner').innerText())
      .toMatch(/已导入「december\.csv」：\d+ 行，拒收 0 行/);
    await page.getByTestId('targets-month').fill('2026-12');
    await expect.poll(() => page.getByTestId('targets-grid').innerText()).toContain('销售额');
    await settled(page);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'targets-admin.png'), fullPage: true });

    // The overview: the dial with its month-end projection, and the week's insights.
    await page.goto(`${world.base}/`);
    await expect
      .poll(() => page.getByTestId('projection').innerText())
      .toMatch(/预计月末 ¥.+预计达成 [\d.]+%/);
    await expect.poll(() => page.getByTestId('tile-insights').innerText()).toContain('智能洞察');
    await settled(page);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'overview-insights.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({
      path: join(ARTIFACTS, 'screenshots', 'overview-insights-phone.png'),
      fullPage: true,
    });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('keeps targets from those without targets.edit: no page, and the API refuses', async () => {
    const manager = await userWithToken(world.appStore, 'store_manager', [{ kind: 'store', value: 'S0001' }]);
    const answer = await fetch(`${world.base}/api/v1/targets?month=2026-11`, {
      headers: { authorization: `Bearer ${manager.token}` },
    });
    expect(answer.status).toBe(403);
    const page = await world.browser.newPage({ viewport: { width: 1400, height: 900 } });
    await signIn(page, world.base, manager.username, manager.password);
    await page.goto(`${world.base}/`);
    await expect.poll(() => page.getByTestId('nav-explore').count()).toBe(1);
    expect(await page.getByTestId('nav-targets').count()).toBe(0);
    await page.close();
  });
});

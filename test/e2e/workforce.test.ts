import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeekPlan } from '../../src/contract/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { adminHeaders, openWorld, signIn, type World } from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';
import { userWithToken } from '../support/server.js';

/** 排班 and 考勤 in Chromium: a planner solves, drags, saves and publishes; a store manager on a phone sees her store. */
let world: World;

beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-workforce-e2e-')), 'demo.duckdb');
  copyFileSync(SMALL_DEMO, path);
  world = await openWorld(await openWarehouse({ path }));
}, 120_000);
afterAll(async () => {
  await world?.close();
});

const WEEK = '2026-11-16';
const weekOf = async (store: number) =>
  (await (
    await fetch(`${world.base}/api/v1/workforce/week?store=${store}&week=${WEEK}`, {
      headers: adminHeaders(world.base),
    })
  ).json()) as WeekPlan;

describe('the workforce page', () => {
  it('solves a week, re-checks a dragged shift at once, saves it as a version and publishes it', async () => {
    const page = await world.browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, world.base, world.admin.username, world.admin.password);
    await page.goto(`${world.base}/workforce`);
    await page.getByTestId('workforce-store').selectOption('3');
    await page.getByTestId('workforce-week').fill(WEEK);
    await page.getByTestId('workforce-solve').click();
    await expect
      .poll(() => page.getByTestId('workforce-said').innerText(), { timeout: 30_000 })
      .toMatch(/智能排班完成：.*存为版本 1（草稿）/);
    const solved = await weekOf(3);
    // The page's coverage is the API's.
    const share = ((solved.score.coveredHours / solved.score.demandHours) * 100).toFixed(1);
    await expect.poll(() => page.getByTestId('workforce-score').innerText()).toContain(`覆盖 ${share}%`);
    const first = solved.roster?.shifts[0];
    if (!first) throw new Error('the solver scheduled nobody');
    const bar = page.getByTestId(`shift-${first.employee}-${first.date}`);
    await expect.poll(() => bar.isVisible()).toBe(true);
    // Drag the shift one cell's worth to the right: it moves by the day's hours, past closing time.
    const box = await bar.boundingBox();
    const cell = await bar.locator('..').boundingBox();
    if (!box || !cell) throw new Error('no bar on screen');
    await page.mouse.move(box.x + 5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 5 + cell.width, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('workforce-score').innerText()).toContain('有未保存的修改');
    await expect
      .poll(() => page.getByTestId('workforce-violations').innerText())
      .toMatch(/opening_hours|shift_length/);
    expect(await page.getByTestId('workforce-save').isDisabled()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'workforce-drag.png'), fullPage: true });
    // Undo, then a legal edit: the shift removed by a double-click; saved as version 2 and published.
    await page.getByRole('button', { name: '撤销修改' }).click();
    await expect.poll(() => page.getByTestId('workforce-score').innerText()).not.toContain('有未保存的修改');
    await bar.dblclick();
    await expect.poll(() => page.getByTestId('workforce-score').innerText()).toContain('有未保存的修改');
    await expect.poll(() => page.getByTestId('workforce-save').isDisabled()).toBe(false);
    await page.getByTestId('workforce-save').click();
    await expect.poll(() => page.getByTestId('workforce-said').innerText()).toBe('已保存为版本 2');
    await page.getByTestId('workforce-publish').click();
    await expect.poll(() => page.getByTestId('workforce-said').innerText()).toMatch(/已发布版本 2/);
    const published = await weekOf(3);
    expect(published.roster).toMatchObject({ version: 2, status: 'published' });
    expect(published.roster?.shifts).toHaveLength((solved.roster?.shifts.length ?? 0) - 1);
    await expect.poll(() => page.getByTestId('workforce-versions').innerText()).toContain('已发布');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows a store manager on a phone her store only, with the attendance tab', async () => {
    const manager = await userWithToken(world.appStore, 'store_manager', [{ kind: 'store', value: 'S0003' }]);
    const page = await world.browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, world.base, manager.username, manager.password);
    await page.goto(`${world.base}/workforce`);
    await expect
      .poll(() => page.getByTestId('workforce-store').locator('option').allInnerTexts())
      .toEqual([expect.stringMatching(/^S0003 /)]);
    await page.getByTestId('workforce-week').fill(WEEK);
    await expect.poll(() => page.getByTestId('workforce-score').innerText()).toContain('已发布');
    await page.getByTestId('tab-attendance').click();
    await expect.poll(() => page.getByTestId('attendance-summary').innerText()).toMatch(/异常 \d+ 条/);
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'workforce-phone.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/index.js';
import { openWorld, signIn, type World } from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';
import { userWithToken } from '../support/server.js';

/** 促销中心 in Chromium, as a marketer uses it: set a 满减 up, try a cart, read why each promotion applied or not. */
let world: World;
let marketer: { username: string; password: string };

beforeAll(async () => {
  world = await openWorld(await openWarehouse({ path: SMALL_DEMO, readOnly: true }));
  marketer = await userWithToken(world.appStore, 'marketer');
}, 120_000);
afterAll(() => world?.close());

describe('promotion center page', () => {
  it('creates a 满减 in the editor, lists it, and prices a cart in the simulator with its reasons', async () => {
    const page = await world.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, world.base, marketer.username, marketer.password);
    await page.goto(`${world.base}/promotions`);
    await page.getByTestId('promo-id').fill('mj-e2e');
    await page.getByTestId('promo-name').fill('满100减15');
    await page.getByTestId('promo-list').fill('100:15, 200:40');
    await page.getByTestId('promo-budget').fill('abc');
    await page.getByTestId('promo-save').click();
    // A budget that is not money is refused, in words, naming it.
    await expect.poll(() => page.getByTestId('promo-result').innerText()).toContain('budget');
    await page.getByTestId('promo-budget').fill('500');
    await page.getByTestId('promo-save').click();
    await expect.poll(() => page.getByTestId('promo-result').innerText()).toContain('已保存');
    await expect.poll(() => page.getByTestId('promotion-list').innerText()).toContain('满100减15');
    expect(await page.getByTestId('promotion-list').innerText()).toContain('¥500.00');

    await page.getByTestId('sim-lines').fill('1 3 30\n2 1 25.50');
    await page.getByTestId('sim-run').click();
    // ¥115.50 spent: the ¥100 tier, not the ¥200 one.
    await expect.poll(() => page.getByTestId('sim-saving').innerText()).toBe('¥15.00');
    expect(await page.getByTestId('sim-reasons').innerText()).toContain('✓ 满100减15');
    await page.getByTestId('sim-lines').fill('1 1 30');
    await page.getByTestId('sim-run').click();
    await expect.poll(() => page.getByTestId('sim-reasons').innerText()).toContain('还差 70.00 元');
    await page.getByTestId('sim-lines').fill('1 two 30');
    await page.getByTestId('sim-run').click();
    await expect
      .poll(() => page.locator('.promo-simulator .banner.error').innerText())
      .toContain('未能识别的行： 1');
    expect(await page.getByTestId('sim-answer').count()).toBe(0);
    await page.screenshot({
      path: join(ARTIFACTS, 'screenshots', 'promotions-marketer.png'),
      fullPage: true,
    });
    expect(errors).toEqual([]);
    await page.close();
  });
});

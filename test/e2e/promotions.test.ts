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

  it('keeps coupons and their liability, makes flash sales, pre-sales and group deals, and draws the burn-down live', async () => {
    const till = await userWithToken(world.appStore, 'pos');
    const errors: string[] = [];
    for (const [size, viewport] of [
      ['desk', { width: 1400, height: 1000 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const page = await world.browser.newPage({ viewport });
      page.on('pageerror', (e) => errors.push(e.message));
      await signIn(page, world.base, marketer.username, marketer.password);
      await page.goto(`${world.base}/promotions`);
      const id = (what: string) => `${what}-${size}`;

      // 优惠券: a ¥5 template, twelve issued, its liability.
      await page.getByTestId('tab-coupons').click();
      await page.getByTestId('coupon-id').fill(id('c5'));
      await page.getByTestId('coupon-name').fill(`5元券${size}`);
      await page.getByTestId('coupon-value').fill('5');
      await page.getByTestId('coupon-template-form').getByRole('button').click();
      await expect.poll(() => page.getByTestId('coupon-templates').innerText()).toContain(`5元券${size}`);
      await page.getByTestId('issue-template').selectOption(id('c5'));
      await page.getByTestId('issue-count').fill('12');
      await page.getByTestId('coupon-issue-form').getByRole('button').click();
      await expect.poll(() => page.getByTestId('issued-codes').locator('li').count()).toBe(12);
      const row = page.getByTestId('coupon-templates').locator('tr', { hasText: `5元券${size}` });
      await expect.poll(() => row.innerText()).toContain('¥60.00');
      await page.screenshot({
        path: join(ARTIFACTS, 'screenshots', `promotions-coupons-${size}.png`),
        fullPage: true,
      });

      // 秒杀: a sale on now, watched live while a till orders five of its twenty units.
      await page.getByTestId('tab-campaigns').click();
      const beijing = (hours: number) =>
        new Date(Date.now() + (8 + hours) * 3_600_000).toISOString().slice(0, 16);
      const flash = page.getByTestId('flash-form');
      const fill = async (form: typeof flash, values: string[]) => {
        const inputs = form.locator('input:not([type="checkbox"])');
        for (const [i, value] of values.entries()) await inputs.nth(i).fill(value);
      };
      await fill(flash, [
        id('fs'),
        `秒杀${size}`,
        'Flash',
        '1',
        '9.90',
        '20',
        '2',
        beijing(-1),
        beijing(1),
        '15',
      ]);
      await flash.getByRole('button').click();
      await expect.poll(() => page.getByTestId('flash-list').innerText()).toContain(`秒杀${size}`);
      await page.getByTestId(`flash-watch-${id('fs')}`).click();
      await expect.poll(() => page.getByTestId('flash-live-left').innerText()).toContain('剩余 20');
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${world.base}/api/v1/flash-sales/${id('fs')}/orders`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${till.token}`,
            'content-type': 'application/json',
            'idempotency-key': `${size}-${i}`,
          },
          body: JSON.stringify({ member: `M${String(i).padStart(8, '0')}`, qty: 1 }),
        });
        expect(res.status).toBe(201);
      }
      await expect
        .poll(() => page.getByTestId('flash-live-left').innerText(), { timeout: 10_000 })
        .toContain('剩余 15');

      // 预售 and 拼团 from their forms; a deposit worth more than the price is refused in words.
      const presale = page.getByTestId('presale-form');
      await fill(presale, [
        id('ps'),
        `预售${size}`,
        '',
        '2',
        '299',
        '50',
        '400',
        '100',
        '1',
        beijing(-2),
        beijing(24),
        beijing(24),
        beijing(72),
      ]);
      await presale.getByRole('button').click();
      await expect
        .poll(() => page.getByTestId('presale-form-result').innerText())
        .toContain('不能大于预售价');
      await presale.locator('input:not([type="checkbox"])').nth(6).fill('100');
      await presale.getByRole('button').click();
      await expect.poll(() => page.getByTestId('presale-list').innerText()).toContain(`预售${size}`);
      const group = page.getByTestId('group-form');
      await fill(group, [id('gb'), `三人团${size}`, '', '3', '39.90', '3', '24']);
      await group.getByRole('button').click();
      await expect.poll(() => page.getByTestId('group-list').innerText()).toContain(`三人团${size}`);
      await page.screenshot({
        path: join(ARTIFACTS, 'screenshots', `promotions-campaigns-${size}.png`),
        fullPage: true,
      });

      // The calendar shows the flash sale and the pre-sale beside the promotions.
      await page.getByTestId('tab-promotions').click();
      await expect
        .poll(() => page.getByTestId('promotion-calendar').innerText())
        .toContain(`秒杀 · 秒杀${size}`);
      expect(await page.getByTestId('promotion-calendar').innerText()).toContain(`预售 · 预售${size}`);
      await page.screenshot({
        path: join(ARTIFACTS, 'screenshots', `promotions-calendar-${size}.png`),
        fullPage: true,
      });
      await page.close();
    }
    expect(errors).toEqual([]);
  }, 180_000);
});

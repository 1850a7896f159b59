import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/alerts/index.js';
import { seedDemoDashboards } from '../../src/appstore/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { openWorld, signIn, type World } from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';
import { startReceiver } from '../support/receiver.js';
import { userWithToken } from '../support/server.js';

/** 预警 in Chromium, as an analyst sets it up: a signed webhook channel, a rule, run now, the message arrives. */
let world: World;
let analyst: { username: string; password: string };
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let base: string;
/** What arrived: each message's title and whether its signature holds. */
const arrived = () =>
  receiver.calls.map((c) => ({
    title: JSON.parse(c.body).title,
    verified: verifyWebhook('secret-of-the-chain-system', c.headers, c.body),
  }));

beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-alerts-e2e-')), 'demo.duckdb');
  copyFileSync(SMALL_DEMO, path);
  world = await openWorld(await openWarehouse({ path }));
  await seedDemoDashboards(world.appStore, '2026-11-15');
  analyst = await userWithToken(world.appStore, 'analyst');
  receiver = await startReceiver();
  base = `${receiver.base}/in`;
}, 120_000);
afterAll(async () => {
  await receiver.close();
  await world?.close();
});

describe('alerts page', () => {
  it('adds a channel, sends a test, saves a rule over the catalogue and runs it into the channel', async () => {
    const page = await world.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, world.base, analyst.username, analyst.password);
    await page.goto(`${world.base}/alerts`);
    const channelForm = page.getByTestId('alert-channel-form');
    await channelForm.getByPlaceholder('渠道名称').fill('门店系统');
    await channelForm.locator('select').selectOption('webhook');
    await channelForm.getByPlaceholder('Webhook URL').fill(base);
    await channelForm.getByPlaceholder('签名密钥（可选）').fill('secret-of-the-chain-system');
    await channelForm.getByRole('button', { name: '保存渠道' }).click();
    await expect.poll(() => page.getByTestId('alert-channels').innerText()).toContain('门店系统');
    expect(await page.content()).not.toContain('secret-of-the-chain-system');
    await page.getByTestId('alert-channels').getByRole('button', { name: '发送测试' }).click();
    await expect.poll(() => arrived().length).toBe(1);
    expect(arrived()[0]).toEqual({ title: '【测试】zhongtai 中台', verified: true });

    await page.getByTestId('alert-rule-form').getByPlaceholder('规则名称').fill('门店毛利率过低');
    await page.getByTestId('alert-metric').selectOption('gross_margin');
    await page.getByTestId('alert-value').fill('0.9');
    await page.getByTestId('alert-save').click();
    await expect.poll(() => page.getByTestId('alert-rules').innerText()).toContain('门店毛利率过低');
    await page.getByTestId('alert-run').click();
    await expect.poll(() => page.locator('.banner').innerText()).toMatch(/新预警 \d+/);
    await expect
      .poll(() => arrived().filter((a) => a.title === '【预警】门店毛利率过低').length)
      .toBeGreaterThan(3);
    expect(arrived().every((a) => a.verified)).toBe(true);
    await expect.poll(() => page.getByTestId('alert-deliveries').innerText()).toContain('已发送');
    // The rule's history holds each breach it opened, with the message sent.
    await page.getByTestId('alert-history-open').click();
    await expect.poll(() => page.getByTestId('alert-history').innerText()).toContain('触发');
    // One open breach snoozed for a day: it says so.
    await page.getByTestId('alert-snooze').first().click();
    await expect
      .poll(() => page.getByTestId('alert-history').innerText())
      .toMatch(/已暂缓至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    // A live preview of a rule not saved: what would fire today, nothing sent.
    const sentBefore = arrived().length;
    await page.getByTestId('alert-kind').selectOption('threshold');
    await page.getByTestId('alert-value').fill('0.95');
    await page.getByTestId('alert-preview').click();
    await expect.poll(() => page.getByTestId('alert-preview-rows').innerText()).toMatch(/毛利率|店/);
    expect(arrived().length).toBe(sentBefore);
    // Editing the rule: its settings back in the form, saved in place.
    await page.getByTestId('alert-edit').first().click();
    await expect.poll(() => page.getByTestId('alert-value').inputValue()).toBe('0.9');
    await page.getByTestId('alert-value').fill('0.8');
    await page.getByTestId('alert-save').click();
    await expect.poll(() => page.getByTestId('alert-rules').innerText()).toContain('< 0.8');
    // A subscription to a dashboard, sent now: a picture taken by Chromium, the message in the channel.
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'alerts-analyst.png'), fullPage: true });
    await page.goto(`${world.base}/subscriptions`);
    await page.getByTestId('subscription-form').getByPlaceholder('订阅名称').fill('每日经营');
    await page.getByTestId('subscription-save').click();
    await expect.poll(() => page.getByTestId('subscriptions').innerText()).toContain('每日经营');
    await page.getByTestId('subscription-run').click();
    await expect
      .poll(() => page.locator('.banner').innerText(), { timeout: 60_000 })
      .toContain('已发送 1 条（含截图）');
    await expect.poll(() => arrived().some((a) => a.title === '【订阅】每日经营')).toBe(true);
    await page.screenshot({
      path: join(ARTIFACTS, 'screenshots', 'subscriptions-analyst.png'),
      fullPage: true,
    });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({
      path: join(ARTIFACTS, 'screenshots', 'alerts-analyst-phone.png'),
      fullPage: true,
    });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});

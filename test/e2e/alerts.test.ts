import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/alerts/index.js';
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
    await page.screenshot({ path: join(ARTIFACTS, 'screenshots', 'alerts-analyst.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({
      path: join(ARTIFACTS, 'screenshots', 'alerts-analyst-phone.png'),
      fullPage: true,
    });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});

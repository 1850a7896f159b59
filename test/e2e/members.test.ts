import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/warehouse/index.js';
import { openWorld, signIn, type World, watchedPage } from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';
import { userWithToken } from '../support/server.js';

/** 会员中心 in Chromium: a member a till made, found by phone, with the wallet and points ledgers. */
let world: World;
let code = '';
let manager: { username: string; password: string };

beforeAll(async () => {
  world = await openWorld(await openWarehouse({ path: SMALL_DEMO, readOnly: true }));
  const till = await userWithToken(world.appStore, 'pos', [{ kind: 'store', value: 'S0003' }]);
  manager = await userWithToken(world.appStore, 'store_manager', [{ kind: 'store', value: 'S0003' }]);
  let n = 0;
  const post = async (path: string, body: object) => {
    const res = await fetch(`${world.base}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${till.token}`,
        'content-type': 'application/json',
        'idempotency-key': `e2e-${++n}`,
      },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return res.json();
  };
  code = (
    await post('/api/v1/members', {
      phone: '13812345678',
      name: '韩梅梅',
      store: 3,
      externalIds: [{ kind: 'wechat_openid', value: 'o-hmm' }],
    })
  ).code;
  await post(`/api/v1/members/${code}/wallet/top-up`, { amount: '500', store: 3, reference: 'POS-0001' });
  await post(`/api/v1/members/${code}/wallet/pay`, { amount: '128.80', store: 3, reference: 'POS-0002' });
  await post(`/api/v1/members/${code}/points/earn`, { amount: '128.80', store: 3, reference: 'POS-0002' });
  await post(`/api/v1/members/${code}/membership/join`, { plan: 'annual', store: 3, reference: 'POS-0003' });
}, 120_000);
afterAll(() => world?.close());

const shot = (page: import('playwright-core').Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, 'screenshots', `${name}.png`), fullPage: true });

describe('member center page', () => {
  it('finds a member by phone and shows profile, balances and both ledgers; the phone in full for an administrator', async () => {
    const { page, errors } = await watchedPage(world.browser);
    await page.goto(`${world.base}/members`);
    await page.getByTestId('member-search').fill('138 1234 5678');
    await page.getByTestId('member-find').click();
    await expect.poll(() => page.getByTestId('member-phone').innerText()).toBe('13812345678');
    expect(await page.getByTestId('member-generation').innerText()).toMatch(
      /^付费会员 · 有效期至 \d{4}-\d{2}-\d{2}$/,
    );
    // ¥500 + ¥60 bonus − ¥128.80 paid.
    expect(await page.getByTestId('member-wallet').innerText()).toBe('¥431.20');
    expect(await page.getByTestId('member-points').innerText()).toBe('128');
    const kinds = await page
      .locator('[data-testid="wallet-entries"] tbody tr td:nth-child(2)')
      .allInnerTexts();
    expect(kinds).toEqual(['储值支付', '充值']);
    // Its history: joined, then a wallet member by the top-up, then paid.
    const history = await page.locator('[data-testid="member-history"] tbody tr').allInnerTexts();
    expect(history.map((row) => row.split('\t').slice(1).join(' '))).toEqual([
      '会员类型变更 储值会员 付费会员',
      '会员类型变更 注册会员 储值会员',
      '注册 — 注册会员',
    ]);
    await shot(page, 'members-admin');
    // By an external id too.
    await page.getByTestId('member-search').fill('wechat_openid:o-hmm');
    await page.getByTestId('member-find').click();
    await expect.poll(() => page.locator('[data-testid="member-profile"] h2').innerText()).toContain(code);
    await page.getByTestId('member-search').fill('13900000000');
    await page.getByTestId('member-find').click();
    await expect
      .poll(() => page.getByTestId('member-error').innerText())
      .toContain('会员 139****0000 不存在');
    expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
  });

  it('takes a manual adjustment with a reason; above the limit another administrator approves it', async () => {
    const { page, errors } = await watchedPage(world.browser);
    await page.goto(`${world.base}/members`);
    await page.getByTestId('member-search').fill('13812345678');
    await page.getByTestId('member-find').click();
    await page.getByTestId('adjust-amount').fill('150');
    await page.getByTestId('adjust-reason').fill('工单 7781：重复扣款');
    await page.getByTestId('adjust-submit').click();
    await expect.poll(() => page.getByTestId('adjust-result').innerText()).toContain('待他人审批');
    await expect.poll(() => page.getByTestId('adjust-queue').innerText()).toContain('本人发起');
    expect(await page.getByTestId('member-wallet').innerText()).toBe('¥431.20');
    await shot(page, 'members-adjust-pending');
    const second = await userWithToken(world.appStore, 'admin');
    const other = await world.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await signIn(other, world.base, second.username, second.password);
    await other.goto(`${world.base}/members`);
    await other.getByTestId('adjust-approve').first().click();
    await expect.poll(() => other.getByTestId('adjust-waiting').count()).toBe(0);
    await other.getByTestId('member-search').fill('13812345678');
    await other.getByTestId('member-find').click();
    await expect.poll(() => other.getByTestId('member-wallet').innerText()).toBe('¥581.20');
    await other.close();
    expect(errors).toEqual([]);
  });

  it('lets an administrator change the paid plans and bonus tiers; a bad tier is refused in words', async () => {
    const { page, errors } = await watchedPage(world.browser);
    await page.goto(`${world.base}/members`);
    await page.locator('[data-testid="member-rules"] summary').click();
    const plans = page.getByTestId('rules-plans');
    await expect.poll(() => plans.locator('tbody tr').count()).toBe(2);
    await plans.locator('tbody tr').first().getByLabel('价格（元）').fill('219');
    const tiers = page.getByTestId('rules-top-up');
    await tiers.getByRole('button', { name: '添加一行' }).click();
    const added = tiers.locator('tbody tr').last();
    await added.getByLabel('充值满（元）').fill('2000');
    await added.getByLabel('赠送（元）').fill('2500');
    await page.getByTestId('rules-save').click();
    await expect.poll(() => page.getByTestId('rules-result').innerText()).toContain('赠送金额须小于充值金额');
    await added.getByLabel('赠送（元）').fill('400');
    await page.getByTestId('rules-save').click();
    await expect.poll(() => page.getByTestId('rules-result').innerText()).toContain('规则已保存');
    await shot(page, 'members-rules');
    const saved = await page.evaluate(async () => (await fetch('/api/v1/members/rules')).json());
    expect(saved.plans[0]).toMatchObject({ id: 'annual', price: '219.00' });
    expect(saved.topUpBonus.at(-1)).toEqual({ from: '2000.00', bonus: '400.00' });
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]);
  });

  it('shows a store manager the phone masked, and fits a phone screen', async () => {
    const page = await world.browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, world.base, manager.username, manager.password);
    await page.goto(`${world.base}/members`);
    await page.getByTestId('member-search').fill('13812345678');
    await page.getByTestId('member-find').click();
    await expect.poll(() => page.getByTestId('member-phone').innerText()).toBe('138****5678');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide).toBeLessThanOrEqual(390);
    // The rules are there to read, not to change.
    await page.locator('[data-testid="member-rules"] summary').click();
    await page.getByTestId('rules-plans').waitFor();
    expect(await page.getByTestId('rules-save').count()).toBe(0);
    expect(await page.locator('[data-testid="rules-plans"] input').count()).toBe(0);
    await shot(page, 'phone-members-store-manager');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
    // An administrator's page holds the adjustment form and queue too: still no sideways scroll.
    const admin = await world.browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(admin, world.base, world.admin.username, world.admin.password);
    await admin.goto(`${world.base}/members`);
    await admin.getByTestId('member-search').fill('13812345678');
    await admin.getByTestId('member-find').click();
    await admin.getByTestId('adjust-form').waitFor();
    expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(admin, 'phone-members-admin');
    await admin.close();
  });
});

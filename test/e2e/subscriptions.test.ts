import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channels, Subscriptions } from '../../src/alerts/index.js';
import { dashboards, SYSTEM_ACTOR, seedDemoDashboards } from '../../src/appstore/index.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { adminHeaders, openWorld, type World } from '../support/browser.js';
import { ARTIFACTS, SMALL_DEMO } from '../support/paths.js';
import { userWithToken } from '../support/server.js';
import { startSmtp } from '../support/smtp.js';

/**
 * Subscriptions (订阅) end to end: the real server on 127.0.0.1, its dashboard pictured by headless Chromium through
 * an embed link made in the recipient's name, mailed over SMTP to a real server the test runs, and read back.
 */
let world: World;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let smtpPort: number;
let mails: Buffer[] = [];
let manager: { username: string };
let storeSales: number;
let dashboardId: number;

beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-subscriptions-')), 'demo.duckdb');
  copyFileSync(SMALL_DEMO, path);
  world = await openWorld(await openWarehouse({ path }));
  await seedDemoDashboards(world.appStore, '2026-11-15');
  const overview = (await dashboards.list(world.appStore, SYSTEM_ACTOR)).find((d) => d.name === '经营总览');
  dashboardId = overview?.id as number;
  const [first] = await world.engine.query('SELECT code, name FROM store WHERE store_id = 1');
  manager = await userWithToken(world.appStore, 'store_manager', [
    { kind: 'store', value: String(first?.code) },
  ]);
  const [sales] = await world.engine.query(
    "SELECT sum(net) AS s FROM sales_line WHERE store_id = 1 AND date > DATE '2026-11-15' - 30",
  );
  storeSales = Number(sales?.s);
  smtp = await startSmtp();
  smtpPort = smtp.port;
  mails = smtp.mails;
}, 120_000);
afterAll(async () => {
  await smtp.close();
  await world?.close();
});

const api = (path: string, method = 'GET', body?: unknown) =>
  fetch(`${world.base}${path}`, {
    method,
    headers: { ...adminHeaders(world.base), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

describe('subscriptions', () => {
  it('mails a store manager the dashboard as a picture with his own figures, sent now over the API', async () => {
    const channel = await (
      await api('/api/v1/alerts/channels', 'POST', {
        name: '李店长邮箱',
        kind: 'email',
        settings: {
          host: '127.0.0.1',
          port: smtpPort,
          security: 'none',
          from: 'bi@chain.cn',
          to: ['li@chain.cn'],
        },
      })
    ).json();
    const saved = await api('/api/v1/subscriptions', 'POST', {
      name: '门店日报',
      dashboardId,
      schedule: '30 8 * * *',
      recipients: [{ username: manager.username, channel: channel.id }],
    });
    expect(saved.status, await saved.clone().text()).toBe(200);
    const subscription = await saved.json();
    const run = await (await api(`/api/v1/subscriptions/${subscription.id}/run`, 'POST')).json();
    expect(run).toMatchObject({ queued: 1, pictured: true, skipped: [] });
    await expect.poll(() => mails.length).toBe(1);
    const mail = await simpleParser(mails[0] as Buffer);
    expect(mail.subject).toBe('【订阅】门店日报');
    expect((mail.to as { text: string }).text).toBe('li@chain.cn');
    const picture = mail.attachments[0];
    expect(picture?.filename).toBe('门店日报.png');
    expect(picture?.content.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(picture?.content.length).toBeGreaterThan(20_000);
    writeFileSync(
      join(ARTIFACTS, 'screenshots', 'subscription-store-manager.png'),
      picture?.content as Buffer,
    );
    // The figures beside the picture are his store's alone: 30 days of its sales, to the fen.
    const line = mail.text?.split('\n').find((l) => l.includes('销售额 ¥')) ?? '';
    expect(Number(line.match(/销售额 ¥([\d.]+)/)?.[1])).toBeCloseTo(storeSales, 2);
    expect(mail.text).toContain(`/dashboards/${dashboardId}`);
    const audit = (await (await api('/api/v1/audit?action=alerts.subscription')).json()).entries;
    expect(audit.length).toBe(2);
  });

  it('sends once per scheduled time, even run twice; without Chromium, the figures alone and says why', async () => {
    // The daily one of the test before leaves: only the weekly one is due in a week's time.
    for (const s of (await (await api('/api/v1/subscriptions')).json()).subscriptions)
      expect((await api(`/api/v1/subscriptions/${s.id}`, 'DELETE')).status).toBe(200);
    const channels = await Channels.open(world.appStore);
    const [channel] = await channels.list();
    const subscriptions = await Subscriptions.open(world.appStore, world.engine, channels, {
      baseUrl: world.base,
    });
    const admin = await (await api('/api/v1/auth/me')).json();
    const principal = {
      userId: admin.user.id,
      username: admin.user.username,
      displayName: admin.user.username,
      role: 'admin',
      permissions: new Set(['dashboards.edit', 'users.manage'] as const),
      scope: { all: true as const },
    };
    const weekly = await subscriptions.save(
      {
        name: '周报',
        dashboardId,
        tileId: 't1',
        schedule: '0 9 * * 1',
        recipients: [{ username: manager.username, channel: channel?.id as number }],
      },
      principal as never,
    );
    const created = Date.parse(weekly.createdAt);
    // Nothing due before the first Monday 09:00 in Shanghai; due after it.
    expect(
      (await subscriptions.due(new Date(created + 60_000))).some((d) => d.subscription.id === weekly.id),
    ).toBe(false);
    const later = new Date(created + 8 * 86_400_000);
    const before = process.env.ZHONGTAI_CHROMIUM;
    process.env.ZHONGTAI_CHROMIUM = '';
    try {
      const [first] = (await subscriptions.deliverDue(later)).filter((r) => r.subscription === weekly.id);
      expect(first).toMatchObject({ queued: 1, pictured: false });
      // The same scheduled time again (a restart that lost its last run): queued nothing.
      const at = (await subscriptions.get(weekly.id)).lastRunAt as string;
      expect((await subscriptions.run(weekly.id, new Date(at))).queued).toBe(0);
      expect(await subscriptions.deliverDue(later)).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.ZHONGTAI_CHROMIUM;
      else process.env.ZHONGTAI_CHROMIUM = before;
    }
    await channels.deliverDue();
    await expect.poll(() => mails.length).toBe(2);
    const mail = await simpleParser(mails[1] as Buffer);
    expect(mail.attachments).toHaveLength(0);
    expect(mail.text).toContain('本机未安装 Chromium');
  });

  it('refuses a schedule that does not parse and a tile the dashboard does not have, naming the field', async () => {
    const [channel] = (await (await api('/api/v1/alerts/channels')).json()).channels;
    const base = {
      name: 'x',
      dashboardId,
      recipients: [{ username: manager.username, channel: channel.id }],
    };
    const badCron = await (
      await api('/api/v1/subscriptions', 'POST', { ...base, schedule: '99 8 * * *' })
    ).json();
    expect(badCron.error.place.field).toBe('schedule');
    const badTile = await (await api('/api/v1/subscriptions', 'POST', { ...base, tileId: 'nope' })).json();
    expect(badTile.error.place.field).toBe('tileId');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { startReceiver } from '../../test/support/receiver.js';
import { adminServer, bearer, userWithToken } from '../../test/support/server.js';
import { verifyWebhook } from '../alerts/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';

/** Alert channels and rules over HTTP, delivered to a receiver on 127.0.0.1 that checks the signature. */
let engine: Warehouse;
let server: Awaited<ReturnType<typeof adminServer>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let base: string;
/** What the receiver took, each with whether its signature holds. */
const calls = () =>
  receiver.calls.map((c) => ({
    body: c.body,
    verified: verifyWebhook('shared-secret-of-the-chain', c.headers, c.body),
  }));

beforeAll(async () => {
  engine = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
  server = await adminServer({ engine, alertCheckMs: 3_600_000 });
  receiver = await startReceiver();
  base = receiver.base;
});
afterAll(async () => {
  await receiver.close();
  await server.close();
  await engine.close();
});

describe('alerts over HTTP', () => {
  it('keeps a channel’s secret to itself, sends a test, runs a rule and logs every delivery', async () => {
    const saved = await server.inject({
      method: 'POST',
      url: '/api/v1/alerts/channels',
      payload: {
        name: '门店系统',
        kind: 'webhook',
        settings: { url: `${base}/in` },
        secret: { secret: 'shared-secret-of-the-chain' },
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.body).not.toContain('shared-secret-of-the-chain');
    const id = saved.json().id;
    expect((await server.inject('/api/v1/alerts/channels')).body).not.toContain('shared-secret-of-the-chain');
    const test = await server.inject({ method: 'POST', url: `/api/v1/alerts/channels/${id}/test` });
    expect(test.json().delivery).toMatchObject({ status: 'sent', attempts: 1 });
    expect(calls().at(-1)?.verified).toBe(true);

    const admin = (await server.inject('/api/v1/auth/me')).json().user.username as string;
    const rule = await server.inject({
      method: 'POST',
      url: '/api/v1/alerts/rules',
      payload: {
        name: '全链毛利率',
        metric: 'gross_margin',
        period: 'last7',
        condition: { kind: 'threshold', op: 'below', value: 0.9 },
        recipients: [{ username: admin, channel: id }],
      },
    });
    expect(rule.statusCode, rule.body).toBe(200);
    const run = (
      await server.inject({ method: 'POST', url: `/api/v1/alerts/rules/${rule.json().id}/run` })
    ).json();
    expect(run).toMatchObject({ opened: 1, queued: 1 });
    expect(JSON.parse(calls().at(-1)?.body ?? '{}').title).toBe('【预警】全链毛利率');
    const log = (await server.inject('/api/v1/alerts/deliveries')).json().deliveries;
    expect(log.map((d: { status: string }) => d.status)).toEqual(['sent', 'sent']);
    const audit = (await server.inject('/api/v1/audit?action=alerts')).json().entries;
    expect(audit.map((e: { action: string }) => e.action).sort()).toEqual(['alerts.channel', 'alerts.rule']);
  });

  it('refuses a rule naming a metric the catalogue does not have, and a caller without alerts.manage', async () => {
    const [channel] = (await server.inject('/api/v1/alerts/channels')).json().channels;
    const bad = await server.inject({
      method: 'POST',
      url: '/api/v1/alerts/rules',
      payload: {
        name: 'x',
        metric: 'revenue',
        condition: { kind: 'threshold', op: 'below', value: 1 },
        recipients: [{ username: 'nobody', channel: channel.id }],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('revenue');
    const viewer = await userWithToken(server.appStore, 'viewer');
    const refused = await server.app.inject({
      method: 'GET',
      url: '/api/v1/alerts/rules',
      headers: bearer(viewer.token),
    });
    expect(refused.statusCode).toBe(403);
  });
});

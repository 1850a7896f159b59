import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { adminServer, bearer, userWithToken } from '../../test/support/server.js';
import { refreshDueAudiences } from '../insights/index.js';
import { relayOutbox } from '../members/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';

/** Audiences as a marketer, a store manager and an administrator build and export them. */
let engine: Warehouse;
let server: Awaited<ReturnType<typeof adminServer>>;
let marketer: string;
let manager: string;
beforeAll(async () => {
  // A copy: audiences are written to the warehouse.
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-audiences-')), 'demo.duckdb');
  copyFileSync(SMALL_DEMO, path);
  engine = await openWarehouse({ path });
  server = await adminServer({ engine, relayEveryMs: 3_600_000, audienceCheckMs: 3_600_000 });
  const [store] = await engine.query('SELECT code FROM store WHERE store_id = 1');
  marketer = (await userWithToken(server.appStore, 'marketer')).token;
  manager = (
    await userWithToken(server.appStore, 'store_manager', [{ kind: 'store', value: String(store?.code) }])
  ).token;
});
afterAll(async () => {
  await server.close();
  await engine.close();
});

const as = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
  server.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
const count = async (sql: string, params: (string | number)[] = []) =>
  Number((await engine.query(sql, params))[0]?.n);

describe('audiences', () => {
  it('counts a rule before saving it, saves it as a member list, and keeps a store manager’s to his store', async () => {
    const preview = (
      await as(marketer, 'POST', '/api/v1/audiences/preview', { rule: { tiers: ['paid'] } })
    ).json();
    expect(preview.members).toBe(
      await count("SELECT count(*) AS n FROM member WHERE tier = 'paid' AND merged_into IS NULL"),
    );
    const champions = await as(marketer, 'POST', '/api/v1/audiences', {
      name: '重要价值客户',
      rule: { segments: ['important_value'], bands: ['high', 'medium'] },
    });
    expect(champions.statusCode).toBe(201);
    expect(champions.json().size).toBe(
      await count(
        "SELECT count(*) AS n FROM member_score WHERE rfm_segment = 'important_value' AND clv_band IN ('high', 'medium')",
      ),
    );
    const own = (await as(manager, 'POST', '/api/v1/audiences', { name: '本店全部会员', rule: {} })).json();
    expect(own.stores).toEqual([1]);
    expect(own.size).toBe(await count('SELECT count(*) AS n FROM member WHERE home_store_id = 1'));
    // The manager sees his own, not the chain's; the marketer both.
    const seen = (token: string) =>
      as(token, 'GET', '/api/v1/audiences').then((r) =>
        r.json().audiences.map((a: { name: string }) => a.name),
      );
    expect(await seen(manager)).toEqual(['本店全部会员']);
    expect(await seen(marketer)).toEqual(['本店全部会员', '重要价值客户']);
    expect((await as(manager, 'GET', `/api/v1/audiences/${champions.json().id}/export`)).statusCode).toBe(
      404,
    );
    const csv = (await as(manager, 'GET', `/api/v1/audiences/${own.id}/export`)).body.replace(/^\uFEFF/, '');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe('member,member_code,phone,store,tier,rfm_segment,clv_band,expected_value');
    expect(lines).toHaveLength(own.size + 1);
  });

  it('finds members by what they bought and how they answered a campaign; values are matched, never run', async () => {
    const [category] = await engine.query('SELECT category_l1 FROM product LIMIT 1');
    const bought = (
      await as(marketer, 'POST', '/api/v1/audiences/preview', {
        rule: { bought: { dimension: 'category_l1', values: [String(category?.category_l1)], days: 30 } },
      })
    ).json();
    expect(bought.members).toBe(
      await count(
        `SELECT count(DISTINCT sl.member_id) AS n FROM sales_line sl JOIN product p USING (sku)
         WHERE p.category_l1 = $1 AND sl.qty > 0 AND sl.date > (SELECT max(date) FROM sales_line) - 30`,
        [String(category?.category_l1)],
      ),
    );
    const [planted] = await engine.query(
      "SELECT min(campaign_id) AS id FROM campaign WHERE type = 'targeted'",
    );
    const redeemed = (
      await as(marketer, 'POST', '/api/v1/audiences/preview', {
        rule: { campaign: { id: Number(planted?.id), response: 'redeemed' } },
      })
    ).json();
    expect(redeemed.members).toBe(
      await count(
        'SELECT count(DISTINCT member_id) AS n FROM coupon WHERE campaign_id = $1 AND redeemed_date IS NOT NULL',
        [Number(planted?.id)],
      ),
    );
    const hostile = await as(marketer, 'POST', '/api/v1/audiences/preview', {
      rule: { bought: { dimension: 'brand', values: ["x') OR 1=1 --"], days: 30 } },
    });
    expect(hostile.json().members).toBe(0);
    const wrong = await as(marketer, 'POST', '/api/v1/audiences/preview', { rule: { segments: ['nobody'] } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.message).toContain('segments');
  });

  it('exports phones masked unless the reader may see them, and writes each export to the audit log', async () => {
    // A member who joined at the till today, relayed to the warehouse with the member center's code.
    const joined = await server.inject({
      method: 'POST',
      url: '/api/v1/members',
      headers: { 'idempotency-key': 'audience-phone-1' },
      payload: { phone: '13912345678', store: 1 },
    });
    expect(joined.statusCode).toBe(201);
    await relayOutbox(server.appStore, engine);
    const month = (await engine.query("SELECT strftime(max(registered_at), '%Y-%m') AS m FROM member"))[0]?.m;
    const audience = (
      await as(marketer, 'POST', '/api/v1/audiences', { name: '本月新会员', rule: { registeredFrom: month } })
    ).json();
    const phoneOf = (csv: string) =>
      csv
        .split(/\r?\n/)
        .find((line) => line.includes(joined.json().code))
        ?.split(',')[2];
    expect(phoneOf((await as(marketer, 'GET', `/api/v1/audiences/${audience.id}/export`)).body)).toBe(
      '139****5678',
    );
    expect(phoneOf((await server.inject(`/api/v1/audiences/${audience.id}/export`)).body)).toBe(
      '13912345678',
    );
    const audit = (await server.inject('/api/v1/audit?action=export')).json();
    const exports = audit.entries.filter((e: { target: string }) => e.target === `audience:${audience.id}`);
    expect(exports.map((e: { detail: { phones: string } }) => e.detail.phones).sort()).toEqual([
      'full',
      'masked',
    ]);
  });

  it('refreshes daily audiences once a chain day, and deletes on request', async () => {
    const daily = (
      await as(marketer, 'POST', '/api/v1/audiences', { name: '付费会员', rule: { tiers: ['paid'] } })
    ).json();
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(await refreshDueAudiences(engine, today)).toBe(0);
    const tomorrow = new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10);
    expect(await refreshDueAudiences(engine, tomorrow)).toBeGreaterThan(0);
    expect((await as(marketer, 'DELETE', `/api/v1/audiences/${daily.id}`)).statusCode).toBe(204);
    expect((await as(marketer, 'POST', `/api/v1/audiences/${daily.id}/refresh`)).statusCode).toBe(404);
  });
});

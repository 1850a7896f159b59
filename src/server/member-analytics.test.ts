import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { adminServer, bearer, userWithToken } from '../../test/support/server.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';

/** Member analytics and campaign evaluation over HTTP, as a marketer, a store manager, a supplier and a till see them. */
let engine: Warehouse;
let server: Awaited<ReturnType<typeof adminServer>>;
let tokens: Record<'marketer' | 'manager' | 'supplier' | 'till', string>;
beforeAll(async () => {
  engine = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
  server = await adminServer({ engine });
  const [store] = await engine.query('SELECT code FROM store WHERE store_id = 1');
  const storeGrant = [{ kind: 'store' as const, value: String(store?.code) }];
  tokens = {
    marketer: (await userWithToken(server.appStore, 'marketer')).token,
    manager: (await userWithToken(server.appStore, 'store_manager', storeGrant)).token,
    supplier: (await userWithToken(server.appStore, 'supplier', [{ kind: 'supplier', value: '1' }])).token,
    till: (await userWithToken(server.appStore, 'pos', storeGrant)).token,
  };
});
afterAll(async () => {
  await server.close();
  await engine.close();
});

const get = (who: keyof typeof tokens, url: string) =>
  server.app.inject({ method: 'GET', url, headers: bearer(tokens[who]) });

describe('member analytics over HTTP', () => {
  it('gives a store manager his store’s members only, and the marketer the chain’s', async () => {
    const chain = (await get('marketer', '/api/v1/member-analytics/funnel?from=2026-06&to=2026-06')).json();
    const own = (await get('manager', '/api/v1/member-analytics/funnel?from=2026-06&to=2026-06')).json();
    const count = async (sql: string) => Number((await engine.query(sql))[0]?.n);
    expect(chain.months[0].registered).toBe(
      await count(
        "SELECT count(*) AS n FROM member WHERE registered_at < DATE '2026-07-01' AND merged_into IS NULL",
      ),
    );
    expect(own.months[0].registered).toBe(
      await count(
        "SELECT count(*) AS n FROM member WHERE registered_at < DATE '2026-07-01' AND home_store_id = 1",
      ),
    );
    const list = (await get('manager', '/api/v1/member-analytics/members?limit=500')).json();
    expect(list.total).toBe(await count('SELECT count(*) AS n FROM member_score WHERE home_store_id = 1'));
    const [elsewhere] = await engine.query(
      'SELECT member_id FROM member_score WHERE home_store_id <> 1 LIMIT 1',
    );
    expect(
      (await get('manager', `/api/v1/member-analytics/members/${elsewhere?.member_id}`)).statusCode,
    ).toBe(404);
    expect(
      (await get('marketer', `/api/v1/member-analytics/members/${elsewhere?.member_id}`)).statusCode,
    ).toBe(200);
    const segments = (await get('manager', '/api/v1/member-analytics/segments')).json();
    expect(segments.segments.reduce((s: number, x: { members: number }) => s + x.members, 0)).toBe(
      await count(
        'SELECT count(*) AS n FROM member_score WHERE home_store_id = 1 AND rfm_segment IS NOT NULL',
      ),
    );
    // Moves between segments: everyone with orders now came from somewhere; the manager's are his store's.
    const moved = (await get('manager', '/api/v1/member-analytics/rfm-movement')).json();
    const now = moved.moves
      .filter((m: { to: string }) => m.to !== 'none')
      .reduce((n: number, m: { members: number }) => n + m.members, 0);
    expect(now).toBe(
      await count(
        `SELECT count(DISTINCT o.member_id) AS n FROM orders o JOIN member m USING (member_id)
         WHERE m.home_store_id = 1 AND o.status = 'completed' AND o.date > DATE '${moved.date}' - 365 AND o.date <= DATE '${moved.date}'`,
      ),
    );
    const clerks = (await get('manager', '/api/v1/member-analytics/clerks')).json();
    expect(clerks.clerks.every((c: { store: number }) => c.store === 1)).toBe(true);
  });

  it('lists members by segment, highest value first, and opens one member’s history', async () => {
    const list = (
      await get('marketer', '/api/v1/member-analytics/members?segment=important_value&limit=20')
    ).json();
    expect(list.members.length).toBeGreaterThan(0);
    expect(list.members.every((m: { segment: string }) => m.segment === 'important_value')).toBe(true);
    const values = list.members.map((m: { expectedValue: string }) => Number(m.expectedValue));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const one = (await get('marketer', `/api/v1/member-analytics/members/${list.members[0].member}`)).json();
    expect(one.months.length).toBeGreaterThan(0);
    expect(one.orders[0].net).toMatch(/^-?\d+\.\d{2}$/);
    expect((await get('marketer', '/api/v1/member-analytics/members?segment=nobody')).statusCode).toBe(400);
  });

  it('refuses a supplier and a till, and keeps campaign evaluation to callers who see the whole chain', async () => {
    expect((await get('supplier', '/api/v1/member-analytics/funnel')).statusCode).toBe(403);
    const till = await get('till', '/api/v1/member-analytics/segments');
    expect(till.statusCode).toBe(403);
    expect(till.json().error.message).toContain('data.read');
    expect((await get('manager', '/api/v1/campaigns')).statusCode).toBe(403);
    const campaigns = (await get('marketer', '/api/v1/campaigns')).json().campaigns;
    const planted = campaigns.filter((c: { type: string }) => c.type === 'targeted');
    expect(planted).toHaveLength(2);
    expect(planted.every((c: { design: string; liftLow: number }) => c.design === 'holdout')).toBe(true);
    const series = (await get('marketer', `/api/v1/campaigns/${planted[0].campaign}/series`)).json();
    expect(series.targeted + series.control).toBe(
      Number(
        (
          await engine.query('SELECT count(*) AS n FROM campaign_target WHERE campaign_id = $1', [
            planted[0].campaign,
          ])
        )[0]?.n,
      ),
    );
    expect((await get('marketer', '/api/v1/campaigns/99999/series')).statusCode).toBe(404);
  });
});

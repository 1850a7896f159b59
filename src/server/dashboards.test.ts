import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { adminServer } from '../../test/support/server.js';
import {
  type AppStore,
  createEmbedLink,
  dashboards,
  openAppStore,
  openEmbedLink,
  SYSTEM_ACTOR,
} from '../appstore/index.js';
import { openWarehouse } from '../warehouse/index.js';

const tile = {
  id: 't1',
  title: '大区销售额',
  exploration: {
    metrics: ['net_sales'],
    dimensions: ['region'],
    filters: [],
    range: { from: '2026-10-17', to: '2026-11-15' },
    rangeDays: 30,
    compare: 'yoy',
    reference: '',
    chart: 'auto',
  },
};

/** The dashboard routes against one application store, embedded or on the PostgreSQL server. */
async function exercise(store: AppStore) {
  const engine = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
  const server = await adminServer({ engine, appStore: store });
  const app = { inject: server.inject, close: server.close };
  try {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/dashboards',
      payload: { name: '经营周报', tiles: [tile] },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const listed = (await app.inject('/api/v1/dashboards')).json().dashboards;
    expect(listed.find((d: { id: number }) => d.id === id)).toMatchObject({
      name: '经营周报',
      tiles: [tile],
    });

    const renamed = await app.inject({
      method: 'PUT',
      url: `/api/v1/dashboards/${id}`,
      payload: { name: '经营周报（华南）', tiles: [tile, { ...tile, id: 't2', title: '按月' }] },
    });
    expect(renamed.statusCode).toBe(200);
    expect((await app.inject(`/api/v1/dashboards/${id}`)).json()).toMatchObject({
      name: '经营周报（华南）',
      tiles: [{ id: 't1' }, { id: 't2', title: '按月' }],
    });

    // Bad input is refused naming the field; text is data, never SQL.
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/dashboards',
      payload: { name: '', tiles: [] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.place).toEqual({ field: 'name' });
    const hostile = await app.inject({
      method: 'POST',
      url: '/api/v1/dashboards',
      payload: { name: "x'); DROP TABLE dashboard; --", tiles: [] },
    });
    expect(hostile.statusCode).toBe(201);
    expect((await app.inject(`/api/v1/dashboards/${hostile.json().id}`)).json().name).toBe(
      "x'); DROP TABLE dashboard; --",
    );
    expect((await app.inject('/api/v1/dashboards/abc')).statusCode).toBe(400);

    // An embed link: signed, expiring, with fixed filters; one letter changed and it is refused.
    const link = await app.inject({
      method: 'POST',
      url: '/api/v1/embed',
      payload: { dashboardId: id, filters: [{ dimension: 'region', value: '华南' }], days: 7 },
    });
    expect(link.statusCode).toBe(201);
    const { token, path } = link.json();
    expect(path).toBe(`/embed/${token}`);
    const opened = await app.inject(`/api/v1/embed/${token}`);
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json()).toMatchObject({
      dashboard: { id },
      filters: [{ dimension: 'region', value: '华南' }],
      days: 7,
    });
    const [payload, signature] = token.split('.');
    const flipped = `${payload}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    expect((await app.inject(`/api/v1/embed/${flipped}`)).statusCode).toBe(401);
    const otherClaims = Buffer.from(JSON.stringify({ d: id, f: [], exp: 4_102_444_800 })).toString(
      'base64url',
    );
    const forged = await app.inject(`/api/v1/embed/${otherClaims}.${signature}`);
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.messageZh).toContain('签名不符');
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/embed', payload: { dashboardId: 999_999 } }))
        .statusCode,
    ).toBe(404);

    // The theme: defaults, a brand colour kept, a bad colour or a script as a logo refused.
    expect((await app.inject('/api/v1/settings/theme')).json()).toMatchObject({
      mode: 'light',
      logoText: '中',
    });
    const themed = await app.inject({
      method: 'PUT',
      url: '/api/v1/settings/theme',
      payload: { mode: 'dark', brandColor: '#1e8449', logoText: '鲜' },
    });
    expect(themed.statusCode).toBe(200);
    expect((await app.inject('/api/v1/settings/theme')).json()).toMatchObject({
      mode: 'dark',
      brandColor: '#1e8449',
    });
    for (const bad of [{ brandColor: 'red; background: url(x)' }, { logoImage: 'javascript:alert(1)' }]) {
      const refused = await app.inject({ method: 'PUT', url: '/api/v1/settings/theme', payload: bad });
      expect(refused.statusCode).toBe(400);
    }

    expect((await app.inject({ method: 'DELETE', url: `/api/v1/dashboards/${id}` })).statusCode).toBe(204);
    expect((await app.inject(`/api/v1/dashboards/${id}`)).statusCode).toBe(404);
  } finally {
    await app.close();
    await engine.close();
  }
}

describe('dashboards API', () => {
  const opened: AppStore[] = [];
  afterAll(async () => {
    for (const store of opened) await store.close();
  });

  it('creates, lists, replaces and deletes dashboards in the embedded store, kept across a reopen', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-app-')), 'app');
    const store = await openAppStore({ path });
    await exercise(store);
    await store.query("INSERT INTO dashboard (name) VALUES ('留下')");
    await store.close();
    const again = await openAppStore({ path });
    opened.push(again);
    expect((await again.query('SELECT name FROM dashboard ORDER BY id')).map((r) => r.name)).toContain(
      '留下',
    );
  }, 60_000);

  it('refuses an embed link past its expiry', async () => {
    const store = await openAppStore({ path: join(mkdtempSync(join(tmpdir(), 'zhongtai-app-')), 'app') });
    opened.push(store);
    const board = await dashboards.create(store, { name: '嵌入', tiles: [] }, SYSTEM_ACTOR);
    const twoHoursAgo = Date.now() - 2 * 3600_000;
    const { token } = await createEmbedLink(
      store,
      { dashboardId: board.id, filters: [], expiresInMinutes: 60 },
      { ...SYSTEM_ACTOR, userId: 1 },
      twoHoursAgo,
    );
    await expect(openEmbedLink(store, token)).rejects.toThrow(/expired/);
    expect((await openEmbedLink(store, token, twoHoursAgo + 30 * 60_000)).dashboard.name).toBe('嵌入');
  }, 60_000);

  it('works the same on the PostgreSQL server', async () => {
    // A database of its own on the machine's server, made fresh for the run.
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS zhongtai_app_test');
    await admin.query('CREATE DATABASE zhongtai_app_test');
    await admin.end();
    const store = await openAppStore({ url: 'postgres://postgres@127.0.0.1:5432/zhongtai_app_test' });
    opened.push(store);
    expect(store.kind).toBe('postgres');
    await exercise(store);
  }, 60_000);
});

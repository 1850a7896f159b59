import { connect } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { bearer, tempAppStore, userWithToken } from '../../test/support/server.js';
import { type AppStore, addUser, listAudit } from '../appstore/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { apiRoutesOf, buildServer } from './index.js';

let engine: Warehouse;
let store: AppStore;
let app: FastifyInstance;
let admin: string;
let viewer: string;
const logs: string[] = [];

beforeAll(async () => {
  engine = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
  store = await tempAppStore();
  admin = (await userWithToken(store, 'admin')).token;
  viewer = (await userWithToken(store, 'viewer', [{ kind: 'region', value: '华中' }])).token;
  app = await buildServer({
    engine,
    appStore: store,
    requestTimeoutMs: 1_000,
    logStream: new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await engine.close();
  await store.close();
});

/** A request to a route with its path parameters filled in. */
const fill = (url: string) =>
  url.replace(':username', 'nobody').replace(':id', '1').replace(':token', 'x.y').replace(':source', 'pos');
const call = (method: string, url: string, headers: Record<string, string> = {}) =>
  app.inject({
    method: method as 'GET',
    url: fill(url),
    headers,
    ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
  });

describe('every endpoint is guarded', () => {
  it('documents every route in the OpenAPI document, public ones as needing no sign-in', async () => {
    const doc = (await app.inject('/api/v1/openapi.json')).json() as {
      paths: Record<string, Record<string, { security?: unknown[]; 'x-permission'?: string }>>;
    };
    const routes = apiRoutesOf(app);
    expect(routes.length).toBeGreaterThan(25);
    for (const route of routes) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.url} is not in the OpenAPI document`).toBeDefined();
      expect(Array.isArray(op?.security) && op.security.length === 0, `${route.method} ${route.url}`).toBe(
        route.public,
      );
      if (!route.public) expect(op?.['x-permission']).toBe(route.permission);
    }
    // And nothing else: every documented operation is a route the server answers.
    const answered = new Set(routes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`));
    for (const [path, ops] of Object.entries(doc.paths))
      for (const method of Object.keys(ops).filter((k) =>
        ['get', 'post', 'put', 'patch', 'delete'].includes(k),
      ))
        expect(
          answered.has(`${method.toUpperCase()} ${path}`),
          `${method} ${path} is documented, not served`,
        ).toBe(true);
  });

  it('refuses to register an /api route without a doc, so none is served undocumented', async () => {
    const bare = await buildServer({ engine, appStore: store });
    expect(() =>
      bare.get('/api/v1/undocumented', { config: { permission: 'data.read' } }, async () => ({})),
    ).toThrow(/no doc for the OpenAPI document/);
    await bare.close();
  });

  it('documents request bodies by the schemas the routes parse with', async () => {
    const doc = (await app.inject('/api/v1/openapi.json')).json();
    const body = (path: string, method: string) =>
      doc.paths[path][method].requestBody?.content['application/json'].schema;
    // A field the schema adds shows in the document, and a strict body admits nothing else.
    expect(Object.keys(body('/api/v1/query', 'post').properties)).toEqual(
      expect.arrayContaining(['metrics', 'dimensions', 'filters', 'timeRange', 'compare']),
    );
    expect(body('/api/v1/query', 'post').additionalProperties).toBe(false);
    expect(body('/api/v1/forecast', 'post').properties.level.enum).toEqual([
      'store',
      'category',
      'store-sku',
    ]);
    expect(doc.paths['/api/v1/forecast'].post.requestBody.required).toBe(false);
    expect(doc.paths['/api/v1/dashboards/{id}'].get.parameters[0]).toMatchObject({
      name: 'id',
      in: 'path',
      schema: { type: 'integer' },
    });
    expect(doc.paths['/api/v1/audit'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'actor',
      'action',
      'since',
      'limit',
    ]);
  });

  it('refuses every non-public route without credentials (401) or with a wrong token', async () => {
    for (const route of apiRoutesOf(app).filter((r) => !r.public)) {
      expect((await call(route.method, route.url)).statusCode, `${route.method} ${route.url}`).toBe(401);
      const forged = await call(route.method, route.url, bearer('zt_0123456789ab_notthesecretnotthesecret'));
      expect(forged.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
  });

  it('refuses (403) what a viewer may not do, whatever the body', async () => {
    const viewerMay = new Set(['data.read']);
    for (const route of apiRoutesOf(app).filter((r) => r.permission && !viewerMay.has(r.permission))) {
      const res = await call(route.method, route.url, bearer(viewer));
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
  });

  it('stops honouring a revoked or expired token at once', async () => {
    const { token } = await userWithToken(store, 'analyst');
    const ask = () => app.inject({ url: '/api/v1/catalog', headers: bearer(token) });
    expect((await ask()).statusCode).toBe(200);
    const id = token.split('_')[1];
    await store.query("UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = $1", [id]);
    expect((await ask()).statusCode).toBe(401);
    await store.query("UPDATE api_token SET expires_at = now() + interval '1 day' WHERE id = $1", [id]);
    expect((await ask()).statusCode).toBe(200);
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${id}`,
      headers: bearer(admin),
    });
    expect(revoked.statusCode).toBe(200);
    expect((await ask()).statusCode).toBe(401);
  });
});

describe('sign-in', () => {
  const signIn = (username: string, password: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
      remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.1`,
    });

  it('opens an HttpOnly, SameSite session whose writes need the CSRF token, and closes it on sign-out', async () => {
    await addUser(store, { username: 'zhang', role: 'analyst', password: 'correct horse battery' });
    const res = await signIn('zhang', 'correct horse battery');
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/zt_session=[\w-]{40,}/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0] as string;
    const { csrf, user } = res.json();
    expect(user).toMatchObject({ username: 'zhang', role: 'analyst', scope: { all: true } });
    const me = await app.inject({ url: '/api/v1/auth/me', headers: { cookie: session } });
    expect(me.json()).toMatchObject({ user: { username: 'zhang' }, via: 'session', csrf });
    const body = { name: 'x', tiles: [] };
    const noCsrf = await app.inject({
      method: 'POST',
      url: '/api/v1/dashboards',
      headers: { cookie: session },
      payload: body,
    });
    expect(noCsrf.statusCode).toBe(403);
    const withCsrf = await app.inject({
      method: 'POST',
      url: '/api/v1/dashboards',
      headers: { cookie: session, 'x-csrf-token': csrf },
      payload: body,
    });
    expect(withCsrf.statusCode).toBe(201);
    // Her own password: the current one checked first; this session stays.
    const change = (current: string, next: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: { cookie: session, 'x-csrf-token': csrf },
        payload: { current, next },
      });
    expect((await change('not it', 'a brand new passphrase')).statusCode).toBe(403);
    expect((await change('correct horse battery', 'short')).statusCode).toBe(400);
    expect((await change('correct horse battery', 'a brand new passphrase')).statusCode).toBe(200);
    expect((await signIn('zhang', 'correct horse battery')).statusCode).toBe(401);
    expect((await signIn('zhang', 'a brand new passphrase')).statusCode).toBe(200);
    expect((await change('a brand new passphrase', 'correct horse battery')).statusCode).toBe(200);
    const out = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: session, 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(204);
    const after = await app.inject({ url: '/api/v1/auth/me', headers: { cookie: session } });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual({ user: null, via: null, csrf: null });
    // A closed session reads nothing.
    expect((await app.inject({ url: '/api/v1/catalog', headers: { cookie: session } })).statusCode).toBe(401);
  });

  it('locks a user name from an address after five failures, even against the right password, and audits each try', async () => {
    await addUser(store, { username: 'li', role: 'viewer', password: 'another long secret' });
    const from = (username: string, password: string, remoteAddress: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password },
        remoteAddress,
      });
    for (let i = 0; i < 5; i++) expect((await from('li', `guess-${i}`, '10.8.0.1')).statusCode).toBe(401);
    const locked = await from('li', 'another long secret', '10.8.0.1');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(locked.json().error.messageZh).toMatch(/锁定/);
    const entries = await listAudit(store, { actor: 'li', action: 'login' });
    expect(entries.map((e) => e.action)).toEqual([
      'login.locked',
      ...Array.from({ length: 5 }, () => 'login.failed'),
    ]);
    expect(entries.slice(1).map((e) => e.detail.failures)).toEqual([5, 4, 3, 2, 1]);
    // The same answers for a user that does not exist: names cannot be probed, not even through the lock.
    const unknown = await from('nobody-here', 'whatever-it-is', '10.8.0.2');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.message).toBe(
      (await from('zhang', 'wrong password!', '10.8.0.2')).json().error.message,
    );
    for (let i = 0; i < 4; i++) await from('nobody-here', `guess-${i}`, '10.8.0.2');
    const lockedUnknown = await from('nobody-here', 'whatever-it-is', '10.8.0.2');
    expect(lockedUnknown.statusCode).toBe(429);
    expect(lockedUnknown.json()).toEqual(locked.json());
    // A stranger's guesses lock that stranger out, not the owner at another address.
    expect((await from('li', 'another long secret', '10.8.0.3')).statusCode).toBe(200);
  });

  it('limits sign-in attempts from one address, saying it is a rate limit', async () => {
    const codes: { statusCode: number; code: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: `x${i}`, password: 'y' },
        remoteAddress: '10.1.1.1',
      });
      codes.push({ statusCode: res.statusCode, code: res.json().error.code });
    }
    expect(codes.slice(0, 10).every((c) => c.statusCode === 401)).toBe(true);
    expect(codes.slice(10)).toEqual([
      { statusCode: 429, code: 'TOO_MANY_REQUESTS' },
      { statusCode: 429, code: 'TOO_MANY_REQUESTS' },
    ]);
  });
});

describe('hostile requests', () => {
  it('refuses oversized bodies, deep JSON and huge limits with a clear 4xx and stays up', async () => {
    const big = await app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      payload: JSON.stringify({ metrics: ['net_sales'], pad: 'x'.repeat(2_000_000) }),
    });
    expect(big.statusCode).toBe(413);
    const deep = await app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: { ...bearer(admin), 'content-type': 'application/json' },
      payload: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    });
    expect(deep.statusCode).toBe(400);
    expect(deep.json().error.message).toMatch(/deeper than 32/);
    const huge = await app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: bearer(admin),
      payload: { metrics: ['net_sales'], limit: 1e12 },
    });
    expect(huge.statusCode).toBe(400);
    expect((await app.inject({ url: '/api/v1/health/live' })).statusCode).toBe(200);
  });

  it('cuts off a client that trickles its request', async () => {
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const closed = await new Promise<{ ms: number; reply: string }>((resolve) => {
      const started = Date.now();
      let reply = '';
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"me',
        );
      });
      socket.on('data', (d) => {
        reply += String(d);
      });
      socket.on('close', () => resolve({ ms: Date.now() - started, reply }));
    });
    expect(closed.ms).toBeLessThan(5_000);
    expect(closed.reply).toMatch(/^HTTP\/1.1 408 Request Timeout/);
  });

  it('sends security headers, lets only /embed/ pages be framed elsewhere', async () => {
    const res = await app.inject({ url: '/api/v1/health/live' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(String(res.headers['content-security-policy'])).toMatch(/frame-ancestors 'self'/);
    expect(String(res.headers['content-security-policy'])).toMatch(/script-src 'self'/);
    const embed = await app.inject({ url: '/embed/abc' });
    expect(embed.headers['x-frame-options']).toBeUndefined();
    expect(String(embed.headers['content-security-policy'])).toMatch(/frame-ancestors \*/);
  });

  it('never puts SQL or a stack in an answer, nor a password or token in the log', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: bearer(admin),
      payload: { metrics: ['net_sales'], filters: [{ dimension: 'store', value: "x' OR 1=1; --" }] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().rows[0].net_sales ?? null).toBeNull();
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/query',
      headers: bearer(admin),
      payload: { metrics: ["net_sales'; DROP TABLE x; --"] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toMatch(/SELECT|at .*\.ts:\d+/);
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'zhang', password: 'correct horse battery' },
      remoteAddress: '10.7.7.7',
    });
    const text = logs.join('');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain('correct horse battery');
    expect(text).not.toContain(admin);
  });
});

describe('embed links', () => {
  it("read with their maker's grants and fixed filters, and open nothing but their dashboard's questions", async () => {
    const maker = await userWithToken(store, 'region_manager', [{ kind: 'region', value: '华中' }]);
    const board = await app.inject({
      method: 'POST',
      url: '/api/v1/dashboards',
      headers: bearer(admin),
      payload: {
        name: '嵌入',
        tiles: [
          {
            id: 't1',
            title: '门店销售额',
            exploration: {
              metrics: ['net_sales'],
              dimensions: ['store'],
              filters: [],
              range: { from: '2026-10-01', to: '2026-10-31' },
              compare: '',
              reference: '',
              chart: 'auto',
            },
          },
        ],
      },
    });
    const link = await app.inject({
      method: 'POST',
      url: '/api/v1/embed',
      headers: bearer(maker.token),
      payload: { dashboardId: board.json().id, filters: [{ dimension: 'format', value: 'fresh' }] },
    });
    expect(link.statusCode).toBe(201);
    const embed = { 'x-embed-token': link.json().token };
    const q = {
      metrics: ['net_sales'],
      dimensions: ['store'],
      timeRange: { from: '2026-10-01', to: '2026-10-31' },
    };
    const rows = (
      await app.inject({ method: 'POST', url: '/api/v1/query', headers: embed, payload: q })
    ).json().rows;
    // 华中's fresh store only (store 10), whatever the page asks.
    const names = await engine.query('SELECT name FROM store WHERE store_id = 10');
    expect(rows.map((r: { store: string }) => r.store)).toEqual([names[0]?.name]);
    for (const [method, url] of [
      ['GET', '/api/v1/tokens'],
      ['GET', '/api/v1/dashboards'],
      ['POST', '/api/v1/drill'],
      ['POST', '/api/v1/export'],
      ['POST', '/api/v1/replenish'],
    ] as const)
      expect((await call(method, url, embed)).statusCode, url).toBe(403);
    // Its viewers do not learn who made it.
    expect((await call('GET', '/api/v1/auth/me', embed)).json()).toEqual({
      user: null,
      via: null,
      csrf: null,
    });
    // The maker loses the region: the link shows nothing more.
    await app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${maker.username}/grants`,
      headers: bearer(admin),
      payload: { grants: [{ kind: 'region', value: '华中' }] },
    });
    const after = (
      await app.inject({ method: 'POST', url: '/api/v1/query', headers: embed, payload: q })
    ).json();
    expect(after.rows).toEqual([]);
  });
});

describe('grants through the API', () => {
  it('never serves one user a cached answer made for a user with other grants', async () => {
    const store3 = (await userWithToken(store, 'store_manager', [{ kind: 'store', value: 'S0003' }])).token;
    const q = {
      metrics: ['net_sales', 'orders'],
      dimensions: ['store'],
      timeRange: { from: '2026-10-01', to: '2026-10-31' },
    };
    const ask = (token: string) =>
      app.inject({ method: 'POST', url: '/api/v1/query', headers: bearer(token), payload: q });
    const all = (await ask(admin)).json();
    expect((await ask(admin)).json().meta.cached).toBe(true);
    const mine = (await ask(store3)).json();
    expect(mine.meta.cached).toBe(false);
    // Ten stores sold in October (two had closed).
    expect(all.rows).toHaveLength(10);
    expect(mine.rows.map((r: { store: string }) => r.store)).toHaveLength(1);
    expect(all.rows).toContainEqual(mine.rows[0]);
    // The same for an export, which is written to the audit log with who took it.
    const exported = await app.inject({
      method: 'POST',
      url: '/api/v1/export',
      headers: bearer(store3),
      payload: { query: q, format: 'csv' },
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.body.trim().split('\r\n')).toHaveLength(2);
    const [entry] = await listAudit(store, { action: 'export', limit: 1 });
    expect(entry).toMatchObject({ action: 'export', detail: { rows: 1, format: 'csv' } });
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { bearer, tempAppStore, userWithToken } from '../../test/support/server.js';
import { storeMasterEntry, takingsEntry, writeStoreMaster } from '../../test/support/store-master.js';
import { type AppStore, addUser, dashboards, listAudit, SYSTEM_ACTOR } from '../appstore/index.js';
import { importFiles, loadSpec, pushBatch } from '../ingest/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { buildServer } from './index.js';

/**
 * The second security probe, replayed: each test failed on the code before the fixes (lockout raced, any
 * editor changed any dashboard, embed links answered anything, a reused key dropped its batch, 1e308 failed
 * the batch with 500, NUL gave 500).
 */
const dir = mkdtempSync(join(tmpdir(), 'zhongtai-attacks-'));
let demo: Warehouse;
let warehouse: Warehouse;
let store: AppStore;
let app: FastifyInstance;
let admin: string;
const logs: string[] = [];

const SPEC = `source: pos
files:
${storeMasterEntry()}${takingsEntry('push-pos.jsonl')}`;
const MASTER_SPEC = `source: master
files:
  - match: push-master.jsonl
    targets:
      - table: store
        columns:
          store_id: { from: id, type: int }
          code: { from: id }
          name: { from: name }
          format: { value: convenience }
          region: { value: 华南 }
          city: { value: 广州 }
          open_date: { value: "2020-01-01" }
`;

beforeAll(async () => {
  writeFileSync(join(dir, 'pos.yaml'), SPEC);
  writeFileSync(join(dir, 'master.yaml'), MASTER_SPEC);
  writeStoreMaster(dir, 3);
  demo = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
  warehouse = await openWarehouse({ path: join(dir, 'w.duckdb') });
  await importFiles(warehouse, loadSpec(join(dir, 'pos.yaml')), [join(dir, 'stores.csv')]);
  store = await tempAppStore();
  admin = (await userWithToken(store, 'admin')).token;
  app = await buildServer({
    engine: demo,
    appStore: store,
    logStream: {
      write(chunk: string) {
        logs.push(String(chunk));
        return true;
      },
    } as unknown as NodeJS.WritableStream,
  });
});
afterAll(async () => {
  await app.close();
  await demo.close();
  await warehouse.close();
  await store.close();
});

const signIn = (username: string, password: string, remoteAddress: string) =>
  app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress });

describe('sign-in under parallel guessing', () => {
  it('counts ten guesses sent at once one by one: five checked, five refused, then locked', async () => {
    await addUser(store, { username: 'wu', role: 'viewer', password: 'the right passphrase' });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => signIn('wu', `wrong-${i}`, '10.20.0.1')),
    );
    const codes = answers.map((a) => a.statusCode).sort();
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    const failures = (await listAudit(store, { actor: 'wu', action: 'login.failed' }))
      .map((e) => e.detail.failures)
      .sort();
    expect(failures).toEqual([1, 2, 3, 4, 5]);
    // The refused five were refused by the lock (the address's rate limit would refuse an eleventh anyway).
    for (const refused of answers.filter((a) => a.statusCode === 429))
      expect(refused.json().error.messageZh).toMatch(/锁定/);
    // The owner, elsewhere, is not locked out by someone else's guesses.
    expect((await signIn('wu', 'the right passphrase', '10.20.0.2')).statusCode).toBe(200);
  });

  it('slows guesses spread over many addresses, sparing the addresses the owner signs in from', async () => {
    await addUser(store, { username: 'qian', role: 'viewer', password: 'the owner passphrase' });
    expect((await signIn('qian', 'the owner passphrase', '10.30.0.1')).statusCode).toBe(200);
    const codes: number[] = [];
    for (let i = 0; i < 22; i++) codes.push((await signIn('qian', `guess-${i}`, `10.31.${i}.1`)).statusCode);
    expect(codes.slice(0, 20).every((c) => c === 401)).toBe(true);
    expect(codes.slice(20)).toEqual([429, 429]);
    // The right password from a new address now waits too; from the owner's known address it works.
    expect((await signIn('qian', 'the owner passphrase', '10.32.0.1')).statusCode).toBe(429);
    expect((await signIn('qian', 'the owner passphrase', '10.30.0.1')).statusCode).toBe(200);
  });

  it('limits wrong current passwords at a password change, and revokes API tokens when asked', async () => {
    const { username, password, token } = await userWithToken(store, 'analyst');
    const session = await signIn(username, password, '10.40.0.1');
    const cookie = String(session.headers['set-cookie']).split(';')[0] as string;
    const headers = { cookie, 'x-csrf-token': session.json().csrf };
    const change = (current: string, revokeTokens = false) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers,
        payload: { current, next: 'a fresh long passphrase', revokeTokens },
      });
    const codes = await Promise.all(Array.from({ length: 8 }, (_, i) => change(`nope-${i}`)));
    expect(codes.map((c) => c.statusCode).sort()).toEqual([403, 403, 403, 403, 403, 429, 429, 429]);
    expect((await change(password)).statusCode).toBe(429);
    // An administrator's reset lifts the locks and, by default, revokes the user's tokens.
    expect((await app.inject({ url: '/api/v1/catalog', headers: bearer(token) })).statusCode).toBe(200);
    const reset = await app.inject({
      method: 'PUT',
      url: `/api/v1/users/${username}`,
      headers: bearer(admin),
      payload: { password: 'reset by the admin 1' },
    });
    expect(reset.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/catalog', headers: bearer(token) })).statusCode).toBe(401);
    const [entry] = await listAudit(store, { action: 'user.password', limit: 1 });
    expect(entry?.detail).toMatchObject({ revokedTokens: 1 });
    // The person's own change with revokeTokens ends the tokens made since.
    const again = await userWithToken(store, 'analyst');
    const mine = await signIn(again.username, again.password, '10.40.0.2');
    const changed = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: {
        cookie: String(mine.headers['set-cookie']).split(';')[0] as string,
        'x-csrf-token': mine.json().csrf,
      },
      payload: { current: again.password, next: 'another fresh passphrase', revokeTokens: true },
    });
    expect(changed.json()).toEqual({ revokedTokens: 1 });
    expect((await app.inject({ url: '/api/v1/catalog', headers: bearer(again.token) })).statusCode).toBe(401);
  });
});

const tile = (metrics: string[], dimensions: string[]) => ({
  id: 't1',
  title: '大区销售额',
  exploration: {
    metrics,
    dimensions,
    filters: [],
    range: { from: '2026-10-17', to: '2026-11-15' },
    rangeDays: 7,
    compare: 'yoy',
    reference: '',
    chart: 'auto',
  },
});

describe('dashboards have owners', () => {
  it('lets only the owner or an administrator change or delete, audits each change, and restores any version', async () => {
    const analyst = await userWithToken(store, 'analyst');
    const manager = await userWithToken(store, 'region_manager', [{ kind: 'region', value: '华东' }]);
    const made = await app.inject({
      method: 'POST',
      url: '/api/v1/dashboards',
      headers: bearer(analyst.token),
      payload: { name: '分析师的看板', tiles: [tile(['net_sales'], ['region'])] },
    });
    expect(made.statusCode).toBe(201);
    const { id } = made.json();
    expect(made.json()).toMatchObject({ owner: analyst.username, version: 1, canEdit: true });
    // The region manager sees it (shared with everyone to view) but cannot overwrite or delete it.
    const seen = await app.inject({ url: `/api/v1/dashboards/${id}`, headers: bearer(manager.token) });
    expect(seen.json()).toMatchObject({ canEdit: false, canDelete: false });
    const overwrite = await app.inject({
      method: 'PUT',
      url: `/api/v1/dashboards/${id}`,
      headers: bearer(manager.token),
      payload: { name: 'mine now', tiles: [] },
    });
    expect(overwrite.statusCode).toBe(403);
    const remove = await app.inject({
      method: 'DELETE',
      url: `/api/v1/dashboards/${id}`,
      headers: bearer(manager.token),
    });
    expect(remove.statusCode).toBe(403);
    // Nor a ready-made one.
    const readyMade = await dashboards.create(store, { name: '经营总览', tiles: [] }, SYSTEM_ACTOR);
    for (const method of ['PUT', 'DELETE'] as const) {
      const other = await app.inject({
        method,
        url: `/api/v1/dashboards/${readyMade.id}`,
        headers: bearer(analyst.token),
        ...(method === 'PUT' ? { payload: { name: 'x', tiles: [] } } : {}),
      });
      expect(other.statusCode, method).toBe(403);
    }
    // Private to the analyst: the manager no longer sees that it exists.
    const privately = await app.inject({
      method: 'PUT',
      url: `/api/v1/dashboards/${id}`,
      headers: bearer(analyst.token),
      payload: { name: '分析师的看板', tiles: [], shares: [], version: 1 },
    });
    expect(privately.json()).toMatchObject({ version: 2, shares: [] });
    expect(
      (await app.inject({ url: `/api/v1/dashboards/${id}`, headers: bearer(manager.token) })).statusCode,
    ).toBe(404);
    const list = (await app.inject({ url: '/api/v1/dashboards', headers: bearer(manager.token) })).json();
    expect(list.dashboards.map((d: { id: number }) => d.id)).not.toContain(id);
    // An edit from an old version is refused, not applied over the newer one.
    const stale = await app.inject({
      method: 'PUT',
      url: `/api/v1/dashboards/${id}`,
      headers: bearer(analyst.token),
      payload: { name: 'stale', tiles: [], version: 1 },
    });
    expect(stale.statusCode).toBe(409);
    // An administrator deletes it; the analyst restores version 1 with its tile.
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/dashboards/${id}`, headers: bearer(admin) }))
        .statusCode,
    ).toBe(204);
    expect(
      (await app.inject({ url: `/api/v1/dashboards/${id}`, headers: bearer(analyst.token) })).statusCode,
    ).toBe(404);
    const history = await app.inject({
      url: `/api/v1/dashboards/${id}/versions`,
      headers: bearer(analyst.token),
    });
    expect(history.json().versions.map((v: { change: string }) => v.change)).toEqual([
      'delete',
      'update',
      'create',
    ]);
    const restored = await app.inject({
      method: 'POST',
      url: `/api/v1/dashboards/${id}/restore`,
      headers: bearer(analyst.token),
      payload: { version: 1 },
    });
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ version: 4, tiles: [{ id: 't1' }] });
    const audit = await listAudit(store, { action: 'dashboard' });
    const mine = audit.filter((e) => e.target === String(id)).map((e) => `${e.action} ${e.actor}`);
    expect(mine).toEqual([
      `dashboard.restore ${analyst.username}`,
      expect.stringMatching(/^dashboard\.delete admin-/),
      `dashboard.update ${analyst.username}`,
      `dashboard.create ${analyst.username}`,
    ]);
  });

  it('numbers edits made at once one by one, and refuses all but one made from the same version', async () => {
    const owner = await userWithToken(store, 'analyst');
    const { id } = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/dashboards',
        headers: bearer(owner.token),
        payload: { name: '并发', tiles: [] },
      })
    ).json();
    const put = (name: string, version?: number) =>
      app.inject({
        method: 'PUT',
        url: `/api/v1/dashboards/${id}`,
        headers: bearer(owner.token),
        payload: { name, tiles: [], ...(version ? { version } : {}) },
      });
    const racing = await Promise.all(Array.from({ length: 6 }, (_, i) => put(`from v1 #${i}`, 1)));
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const blind = await Promise.all(Array.from({ length: 6 }, (_, i) => put(`blind #${i}`)));
    expect(blind.map((r) => r.json().version).sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8]);
    const versions = (
      await app.inject({ url: `/api/v1/dashboards/${id}/versions`, headers: bearer(owner.token) })
    ).json().versions;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('audits theme changes', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: '/api/v1/settings/theme',
      headers: bearer(admin),
      payload: { mode: 'dark', brandColor: '#0a7d5a', logoText: '鲜' },
    });
    expect(res.statusCode).toBe(200);
    const [entry] = await listAudit(store, { action: 'settings', limit: 1 });
    expect(entry).toMatchObject({ action: 'settings.theme', detail: { mode: 'dark', logoText: '鲜' } });
  });
});

describe('embed links answer their dashboard only', () => {
  it('refuses other metrics, other cuts and a longer period than the link shows', async () => {
    const board = await app.inject({
      method: 'POST',
      url: '/api/v1/dashboards',
      headers: bearer(admin),
      payload: { name: '华东周报', tiles: [tile(['net_sales', 'orders'], ['region'])] },
    });
    const link = await app.inject({
      method: 'POST',
      url: '/api/v1/embed',
      headers: bearer(admin),
      payload: { dashboardId: board.json().id, days: 7, filters: [{ dimension: 'region', value: '华东' }] },
    });
    const ask = (payload: object) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/query',
        headers: { 'x-embed-token': link.json().token },
        payload,
      });
    const week = { from: '2026-11-09', to: '2026-11-15' };
    const own = await ask({
      metrics: ['net_sales', 'orders'],
      dimensions: ['region'],
      timeRange: week,
      compare: 'yoy',
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().rows.map((r: { region: string }) => r.region)).toEqual(['华东']);
    const questions = [
      { metrics: ['gross_profit'], dimensions: ['supplier'], timeRange: week },
      { metrics: ['net_sales'], dimensions: ['store'], timeRange: week },
      { metrics: ['net_sales'], dimensions: ['region'], timeRange: { from: '2026-08-18', to: '2026-11-15' } },
      { metrics: ['net_sales'], dimensions: ['region'] },
      { metrics: ['net_sales'], dimensions: ['region'], timeRange: week, compare: 'mom' },
    ];
    for (const q of questions) {
      const res = await ask(q);
      expect(res.statusCode, JSON.stringify(q)).toBe(403);
      expect(res.json().error.messageZh).toMatch(/嵌入链接只能回答/);
    }
  });
});

describe('pushes', () => {
  let pushing: FastifyInstance;
  beforeAll(async () => {
    pushing = await buildServer({
      engine: warehouse,
      appStore: store,
      specs: [loadSpec(join(dir, 'pos.yaml')), loadSpec(join(dir, 'master.yaml'))],
    });
  });
  afterAll(() => pushing.close());
  const send = (source: string, body: string, key?: string) =>
    pushing.inject({
      method: 'POST',
      url: `/api/v1/ingest/${source}`,
      payload: body,
      headers: {
        ...bearer(admin),
        'content-type': 'application/x-ndjson',
        ...(key ? { 'idempotency-key': key } : {}),
      },
    });
  const line = (shop: number, day: string, takings: number | string, tickets: number | string = 1) =>
    `{"shop":${shop},"day":"${day}","takings":${takings},"tickets":${tickets}}`;
  const loads = async () => Number((await warehouse.query('SELECT count(*) AS n FROM ingest_load'))[0]?.n);

  it('refuses a used key with another body (409), and lets one of eight racing bodies load', async () => {
    const first = await send('pos', line(1, '2026-11-01', 10), 'k-1');
    expect(first.statusCode).toBe(201);
    const other = await send('pos', line(1, '2026-11-02', 99), 'k-1');
    expect(other.statusCode).toBe(409);
    expect(other.json().error.place).toEqual({ field: 'Idempotency-Key' });
    const same = await send('pos', line(1, '2026-11-01', 10), 'k-1');
    expect(same.json()).toMatchObject({ replayed: true, loaded: 1 });
    const before = await loads();
    const racing = await Promise.all(
      Array.from({ length: 8 }, (_, i) => send('pos', line(2, `2026-11-0${i + 1}`, 5 + i), 'k-race')),
    );
    expect(racing.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(await loads()).toBe(before + 1);
    const sameRace = await Promise.all(
      Array.from({ length: 8 }, () => send('pos', line(3, '2026-11-01', 7), 'k-same')),
    );
    expect(sameRace.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    const days = await warehouse.query(
      "SELECT count(*) AS n FROM store_day_sales WHERE store_id = 3 AND date = '2026-11-01'",
    );
    expect(Number(days[0]?.n)).toBe(1);
  });

  it('keeps out-of-range, fractional and NUL values as rejects naming line and field, loading the rest', async () => {
    const lines = Array.from({ length: 11 }, (_, i) =>
      line(1 + (i % 3), `2026-10-${String(i + 1).padStart(2, '0')}`, 10 + i),
    );
    lines.splice(4, 0, line(2, '2026-10-20', '1e308'));
    lines.push(line(1, '2026-10-21', 5, 1.5));
    const res = await send('pos', `${lines.join('\n')}\n`);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ loaded: 11, rejected: 2 });
    const rejects = res
      .json()
      .rejects.map((r: { line: number; field: string; reason: string }) => [r.line, r.field]);
    expect(rejects).toEqual([
      [5, 'net_sales'],
      [13, 'orders'],
    ]);
    expect(JSON.stringify(res.json().rejects)).toMatch(/超出取值范围|out of range/);
    expect(JSON.stringify(res.json().rejects)).toMatch(/whole number|整数/);
    const names = await send('master', '{"id":7,"name":"正常店"}\n{"id":8,"name":"坏\\u0000店"}\n');
    expect(names.json()).toMatchObject({ loaded: 1, rejected: 1 });
    expect(names.json().rejects[0]).toMatchObject({ line: 2, field: 'name' });
    const stored = await warehouse.query('SELECT count(*) AS n FROM store WHERE contains(name, chr(0))');
    expect(Number(stored[0]?.n)).toBe(0);
  });

  it('names the batch, not a temporary file, when a column is missing', async () => {
    const res = await send('pos', '{"shop":1,"day":"2026-11-01","tickets":1}\n');
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toMatch(/\/tmp|zhongtai-push-/);
    expect(res.json().error.message).toMatch(/batch/);
  });

  it('writes to the audit log a load the server committed but never audited (killed in between)', async () => {
    // A load straight into the warehouse, as a push whose server died before its audit entry.
    const result = await pushBatch(
      warehouse,
      loadSpec(join(dir, 'pos.yaml')),
      line(1, '2026-09-01', 3),
      'k-killed',
    );
    const restarted = await buildServer({
      engine: warehouse,
      appStore: store,
      specs: [loadSpec(join(dir, 'pos.yaml'))],
    });
    await restarted.close();
    const recovered = (await listAudit(store, { action: 'ingest.load' })).filter(
      (e) => e.detail.loadId === result.loadId,
    );
    expect(recovered).toEqual([
      expect.objectContaining({
        actor: 'system',
        detail: expect.objectContaining({ recovered: true, loaded: 1 }),
      }),
    ]);
  });
});

describe('careless files', () => {
  it('refuses a UTF-8 file declared GBK, and bytes that are not GBK, naming the line', async () => {
    const spec = join(dir, 'gbk.yaml');
    writeFileSync(spec, SPEC.replace('  - match: stores.csv', '  - match: stores.csv\n    encoding: gbk'));
    const utf8 = join(dir, 'stores.csv');
    writeFileSync(utf8, 'id,备注\n1,华南一店\n');
    await expect(importFiles(warehouse, loadSpec(spec), [utf8])).rejects.toThrow(/UTF-8/);
    writeFileSync(
      utf8,
      Buffer.concat([Buffer.from('id\n1\n2'), Buffer.from([0x81, 0x20]), Buffer.from('\n')]),
    );
    await expect(importFiles(warehouse, loadSpec(spec), [utf8])).rejects.toMatchObject({
      place: { row: 3 },
    });
  });
});

describe('NUL characters', () => {
  it('answer 400 naming the field, wherever they come', async () => {
    const asks = [
      app.inject({
        method: 'POST',
        url: '/api/v1/export',
        headers: bearer(admin),
        payload: { query: { metrics: ['net_sales'] }, title: 'a\u0000b' },
      }),
      app.inject({
        method: 'POST',
        url: '/api/v1/dashboards',
        headers: bearer(admin),
        payload: { name: 'x\u0000', tiles: [] },
      }),
      app.inject({
        method: 'POST',
        url: '/api/v1/query',
        headers: bearer(admin),
        payload: { metrics: ['net_sales'], filters: [{ dimension: 'store', value: '\u0000' }] },
      }),
      app.inject({ url: '/api/v1/audit?actor=%00', headers: bearer(admin) }),
    ];
    const answers = await Promise.all(asks);
    expect(answers.map((a) => a.statusCode)).toEqual([400, 400, 400, 400]);
    expect(answers.map((a) => a.json().error.place?.field)).toEqual([
      'title',
      'name',
      'filters[0].value',
      'query.actor',
    ]);
  });

  it('logs each request as a JSON line, with no token or embed secret in it', async () => {
    await app.inject({ url: '/api/v1/embed/abc.def-secret', headers: bearer(admin) });
    const lines = logs
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const done = lines.filter((l) => l.msg === 'request completed');
    expect(done.length).toBeGreaterThan(3);
    expect(lines.some((l) => l.req?.url === '/api/v1/embed/…')).toBe(true);
    expect(logs.join('')).not.toContain(admin);
    expect(logs.join('')).not.toContain('def-secret');
  });
});

describe('unbounded queries', () => {
  // The probe's read: 8 metrics by hour × store × product with a comparison (22 s, 74 MB, 1.67 GB before).
  const probe = {
    metrics: [
      'net_sales',
      'orders',
      'atv',
      'upt',
      'gross_profit',
      'gross_margin',
      'units',
      'member_sales_share',
    ],
    dimensions: ['hour', 'store', 'sku'],
    timeRange: { from: '2026-08-17', to: '2026-11-15' },
    compare: 'yoy',
    limit: 100_000,
  };

  it('stops a query over the time limit and refuses an answer over the cell limit, saying how to narrow it', async () => {
    const limited = await buildServer({
      engine: demo,
      appStore: store,
      queryLimits: { timeoutMs: 50, maxCells: 1_000 },
    });
    try {
      const ask = (payload: object) =>
        limited.inject({ method: 'POST', url: '/api/v1/query', headers: bearer(admin), payload });
      const slow = await ask(probe);
      expect(slow.statusCode).toBe(422);
      expect(slow.json().error).toMatchObject({ code: 'QUERY_LIMIT' });
      expect(slow.json().error.messageZh).toMatch(/超过 0.05 秒|单元格/);
    } finally {
      await limited.close();
    }
    // The cell limit on a server with time enough, so a busy machine's slow answer does not meet the time limit
    // first.
    const capped = await buildServer({
      engine: demo,
      appStore: store,
      queryLimits: { timeoutMs: 30_000, maxCells: 1_000 },
    });
    try {
      const ask = (payload: object) =>
        capped.inject({ method: 'POST', url: '/api/v1/query', headers: bearer(admin), payload });
      // 400 days by day with a comparison: 400 rows × 5 columns, over 1,000 cells.
      const wide = await ask({
        metrics: ['net_sales'],
        dimensions: ['day'],
        timeRange: { from: '2025-10-12', to: '2026-11-15' },
        compare: 'yoy',
      });
      expect(wide.statusCode).toBe(422);
      expect(wide.json().error.message).toMatch(/more than 1,000 cells.*narrow the cut/);
      // The same question within the limit is answered.
      const narrow = await ask({
        metrics: ['net_sales'],
        dimensions: ['day'],
        timeRange: { from: '2026-11-01', to: '2026-11-15' },
        compare: 'yoy',
      });
      expect(narrow.statusCode).toBe(200);
      expect(narrow.json().rows).toHaveLength(15);
    } finally {
      await capped.close();
    }
  });

  it('answers a dashboard tile while a heavy query holds the only heavy place', async () => {
    const gated = await buildServer({
      engine: demo,
      appStore: store,
      queryLimits: { heavySlots: 1, timeoutMs: 20_000 },
    });
    try {
      const ask = (payload: object) =>
        gated.inject({ method: 'POST', url: '/api/v1/query', headers: bearer(admin), payload });
      const heavy = Promise.all([ask(probe), ask({ ...probe, compare: 'mom' })]);
      const light = await ask({ metrics: ['net_sales'], dimensions: ['region'], timeRange: probe.timeRange });
      expect(light.statusCode).toBe(200);
      expect(light.json().rows.length).toBeGreaterThan(0);
      const answers = await heavy;
      // Each heavy one answered in turn (or was refused for its size), none failed.
      for (const a of answers) expect([200, 422]).toContain(a.statusCode);
    } finally {
      await gated.close();
    }
  });
});

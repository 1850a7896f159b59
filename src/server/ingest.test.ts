import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminServer, userWithToken } from '../../test/support/server.js';
import { storeMasterEntry, takingsEntry, writeStoreMaster } from '../../test/support/store-master.js';
import { listAudit } from '../appstore/index.js';
import { importFiles, loadSpec } from '../ingest/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';

const dir = mkdtempSync(join(tmpdir(), 'zhongtai-push-'));
let engine: Warehouse;
let server: Awaited<ReturnType<typeof adminServer>>;

beforeAll(async () => {
  const specPath = join(dir, 'pos.yaml');
  writeFileSync(
    specPath,
    `source: pos
files:
${storeMasterEntry()}${takingsEntry('push-pos.jsonl')}`,
  );
  writeStoreMaster(dir, 2);
  engine = await openWarehouse({ path: join(dir, 'w.duckdb') });
  const spec = loadSpec(specPath);
  await importFiles(engine, spec, [join(dir, 'stores.csv')]);
  server = await adminServer({ engine, specs: [spec] });
});
afterAll(async () => {
  await server.close();
  await engine.close();
});

const push = (body: string, key?: string, source = 'pos') =>
  server.inject({
    method: 'POST',
    url: `/api/v1/ingest/${source}`,
    payload: body,
    headers: { 'content-type': 'application/x-ndjson', ...(key ? { 'idempotency-key': key } : {}) },
  });
const sales = async () =>
  (
    await server.inject({
      method: 'POST',
      url: '/api/v1/query',
      payload: { metrics: ['net_sales', 'orders'] },
    })
  ).json().rows[0];

describe('POST /api/v1/ingest/{source}', () => {
  it('loads a batch that the next query already sees', async () => {
    const res = await push(
      '{"shop":1,"day":"2026-11-20","takings":100.5,"tickets":4}\n{"shop":2,"day":"2026-11-20","takings":50,"tickets":2}\n',
      'batch-1',
    );
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ loaded: 2, rejected: 0, replayed: false });
    expect(await sales()).toEqual({ net_sales: 150.5, orders: 6 });
  });

  it('answers a retried batch from its first load without doubling it', async () => {
    const res = await push(
      '{"shop":1,"day":"2026-11-20","takings":100.5,"tickets":4}\n{"shop":2,"day":"2026-11-20","takings":50,"tickets":2}\n',
      'batch-1',
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ loaded: 2, replayed: true });
    expect(await sales()).toEqual({ net_sales: 150.5, orders: 6 });
  });

  it('keeps bad events as rejects and reports them', async () => {
    const res = await push(
      '{"shop":1,"day":"2026-11-21","takings":-3,"tickets":1}\n{"shop":9,"day":"2026-11-21","takings":3,"tickets":1}\n{"shop":2,"day":"2026-11-21","takings":7,"tickets":1}\n',
    );
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ loaded: 1, rejected: 2 });
    expect(body.rejects.map((r: { line: number; field: string }) => [r.line, r.field])).toEqual([
      [1, 'net_sales'],
      [2, 'store_id'],
    ]);
  });

  it.each([
    ['not json\n', 400, /not a JSON object/],
    ['', 400, /no events|body/i],
  ])('refuses a malformed batch %j', async (body, status, message) => {
    const res = await push(body);
    expect(res.statusCode).toBe(status);
    expect(res.json().error.message).toMatch(message);
  });

  it('refuses an unknown source and a bad idempotency key', async () => {
    expect((await push('{}', undefined, 'erp')).statusCode).toBe(404);
    expect((await push('{"shop":1}', 'bad key!')).statusCode).toBe(400);
  });

  it('takes pushes only from tokens that may push, to the source they are limited to, and audits each load', async () => {
    const body = '{"shop":1,"day":"2026-11-22","takings":10,"tickets":1}\n';
    const headers = (token: string) => ({
      'content-type': 'application/x-ndjson',
      authorization: `Bearer ${token}`,
    });
    const asViewer = (await userWithToken(server.appStore, 'viewer')).token;
    const refused = await server.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/pos',
      payload: body,
      headers: headers(asViewer),
    });
    expect(refused.statusCode).toBe(403);
    const { token: erpOnly, username } = await userWithToken(server.appStore, 'admin', [], ['ingest.push']);
    const wrongSource = await server.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/pos',
      payload: body,
      headers: headers(erpOnly),
    });
    expect(wrongSource.statusCode).toBe(201);
    await server.appStore.query("UPDATE api_token SET source = 'erp' WHERE id = $1", [erpOnly.split('_')[1]]);
    const limited = await server.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/pos',
      payload: body,
      headers: headers(erpOnly),
    });
    expect(limited.statusCode).toBe(403);
    expect(limited.json().error.message).toContain('"erp" only');
    const [entry] = await listAudit(server.appStore, { action: 'ingest', actor: username, limit: 5 });
    expect(entry).toMatchObject({ action: 'ingest.load', target: 'pos', detail: { loaded: 1, rejected: 0 } });
  });
});

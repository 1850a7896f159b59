import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { adminServer } from '../../test/support/server.js';
import { LATEST_SCHEMA_VERSION, openWarehouse, type Warehouse } from '../warehouse/index.js';

let engine: Warehouse;
let server: Awaited<ReturnType<typeof adminServer>>;
beforeAll(async () => {
  engine = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
  server = await adminServer({ engine });
});
afterAll(async () => {
  await server.close();
  await engine.close();
});

const query = (body: unknown) =>
  server.inject({ method: 'POST', url: '/api/v1/query', payload: body as object });

describe('HTTP API', () => {
  it('reports health with the engine, schema version and data range', async () => {
    const res = await server.inject('/api/v1/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      engine: 'duckdb',
      schemaVersion: LATEST_SCHEMA_VERSION,
      dataRange: { from: '2025-10-12', to: '2026-11-15' },
    });
  });

  it('serves the catalogue with zh-CN and English labels', async () => {
    const res = await server.inject('/api/v1/catalog');
    const doc = res.json();
    expect(doc.metrics.find((m: { id: string }) => m.id === 'atv')).toMatchObject({
      label: { zh: '客单价', en: 'Average transaction value' },
      unit: 'CNY',
    });
    expect(doc.dimensions.find((d: { id: string }) => d.id === 'format').values.convenience).toEqual({
      zh: '便利店',
      en: 'Convenience',
    });
  });

  it('answers a query with rows, labelled columns and metadata', async () => {
    const res = await query({
      metrics: ['net_sales', 'atv'],
      dimensions: ['format'],
      timeRange: { from: '2026-11-01', to: '2026-11-15' },
      compare: 'yoy',
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rows).toHaveLength(4);
    expect(body.columns.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining([
        'format',
        'net_sales',
        'atv',
        'net_sales_prev',
        'net_sales_delta',
        'net_sales_pct',
      ]),
    );
    expect(body.meta).toMatchObject({
      engine: 'duckdb',
      timeRange: { from: '2026-11-01', to: '2026-11-15' },
      compareRange: { from: '2025-11-01', to: '2025-11-15' },
    });
  });

  it.each([
    [{ metrics: ['bogus'] }, 'UNKNOWN_METRIC'],
    [{ metrics: ['net_sales'], dimensions: ['bogus'] }, 'UNKNOWN_DIMENSION'],
    [{ metrics: ['net_sales'], timeRange: { from: '2026-11-31', to: '2026-12-01' } }, 'BAD_TIME_RANGE'],
    [{ metrics: ['net_sales'], timeRange: { from: '2026-11-15', to: '2026-11-01' } }, 'BAD_TIME_RANGE'],
    [{ metrics: ['net_sales'], timeRange: { from: '', to: '' } }, 'BAD_TIME_RANGE'],
    [{ metrics: ['net_sales'], filters: [{ dimension: 'weekday', value: "6' OR 1=1" }] }, 'BAD_FILTER'],
    [{ metrics: ['dau'], dimensions: ['store'] }, 'NOT_CUTTABLE'],
    [{ metrics: 'net_sales' }, 'BAD_REQUEST'],
  ])('refuses %j with a 400 and %s, never SQL or a stack', async (body, code) => {
    const res = await query(body);
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe(code);
    expect(error.message).toBeTruthy();
    expect(error.messageZh).toBeTruthy();
    expect(res.body).not.toMatch(/SELECT|at .*\.js:\d+/);
  });

  it('treats injection-looking filter values as data', async () => {
    const res = await query({
      metrics: ['net_sales'],
      dimensions: ['store'],
      filters: [{ dimension: 'region', value: "华南' OR '1'='1" }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().rows).toEqual([]);
    const still = await query({ metrics: ['orders'] });
    expect(still.json().rows[0].orders).toBeGreaterThan(0);
  });

  it('answers malformed JSON and unknown routes in JSON', async () => {
    const bad = await server.inject({
      method: 'POST',
      url: '/api/v1/query',
      payload: '{"metrics": [',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('BAD_REQUEST');
    const missing = await server.inject('/api/v1/nothing');
    expect(missing.statusCode).toBe(404);
  });

  it('describes itself in an OpenAPI document whose query schema matches the service', async () => {
    const doc = (await server.inject('/api/v1/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    const schema = doc.paths['/api/v1/query'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'metrics',
        'dimensions',
        'filters',
        'timeRange',
        'grain',
        'compare',
        'order',
        'limit',
      ]),
    );
  });
});

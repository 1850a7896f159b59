import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { bearer, tempAppStore, userWithToken } from '../../test/support/server.js';
import { storeMasterEntry, takingsEntry, writeStoreMaster } from '../../test/support/store-master.js';
import type { AppStore } from '../appstore/index.js';
import { importFiles, loadSpec } from '../ingest/index.js';
import { catalogDocument } from '../metrics/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { buildServer } from './index.js';

/**
 * Random request bodies at the public API — near-valid ones built from the catalogue's own names and
 * hostile ones (NUL, huge numbers, wrong types, SQL) — must never get a 5xx, never see a stack, SQL or a
 * path in the answer, and a refused request must store nothing.
 */
const dir = mkdtempSync(join(tmpdir(), 'zhongtai-fuzz-'));
let demo: Warehouse;
let warehouse: Warehouse;
let store: AppStore;
let reader: FastifyInstance;
let pusher: FastifyInstance;
let token: string;

beforeAll(async () => {
  writeFileSync(
    join(dir, 'pos.yaml'),
    `source: pos\nfiles:\n${storeMasterEntry()}${takingsEntry('push-pos.jsonl')}`,
  );
  writeStoreMaster(dir, 3);
  demo = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
  warehouse = await openWarehouse({ path: join(dir, 'w.duckdb') });
  const spec = loadSpec(join(dir, 'pos.yaml'));
  await importFiles(warehouse, spec, [join(dir, 'stores.csv')]);
  store = await tempAppStore();
  token = (await userWithToken(store, 'admin')).token;
  reader = await buildServer({ engine: demo, appStore: store, queryLimits: { timeoutMs: 5_000 } });
  pusher = await buildServer({ engine: warehouse, appStore: store, specs: [spec] });
}, 120_000);
afterAll(async () => {
  await reader.close();
  await pusher.close();
  await demo.close();
  await warehouse.close();
  await store.close();
});

const catalog = catalogDocument();
const metricIds = catalog.metrics.map((m) => m.id);
const dimensionIds = catalog.dimensions.map((d) => d.id);

const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "x' OR 1=1; --",
    'a\u0000b',
    '=HYPERLINK("http://x")',
    '../../etc/passwd',
    '"; DROP TABLE dashboard; --',
    '\uFFFF\uD800',
    '9'.repeat(400),
  ),
);
const day = fc.oneof(
  fc
    .date({ min: new Date('2024-01-01'), max: new Date('2027-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('2026-02-30', '0000-00-00', '2026-13-01', '', '2026-11-15T00:00:00Z'),
  hostileText,
);
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e308, -1e308, 1.5, 0, -1, 2 ** 53 + 1));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const filter = fc.record(
  {
    dimension: fc.oneof(fc.constantFrom(...dimensionIds), hostileText),
    op: fc.oneof(fc.constantFrom('eq', 'in', 'ne', 'gte', 'lte', 'contains'), hostileText),
    value: fc.oneof(hostileText, number),
    values: fc.array(hostileText, { maxLength: 3 }),
  },
  { requiredKeys: ['dimension'] },
);
const query = fc.record(
  {
    metrics: fc.array(fc.oneof(fc.constantFrom(...metricIds), hostileText), { maxLength: 4 }),
    dimensions: fc.array(fc.oneof(fc.constantFrom(...dimensionIds), hostileText), { maxLength: 3 }),
    filters: fc.array(filter, { maxLength: 3 }),
    timeRange: fc.record({ from: day, to: day }),
    compare: fc.oneof(fc.constantFrom('yoy', 'mom', 'wow', 'previous', 'yoy_weekday'), hostileText),
    order: fc.array(fc.record({ by: hostileText, desc: fc.boolean() }), { maxLength: 2 }),
    limit: number,
    grain: hostileText,
  },
  { requiredKeys: [] },
);
const anyBody = fc.oneof(query, fc.anything({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 3 }));

/** What no answer may hold: a stack frame, SQL, an engine's words or a file path of the server. */
const LEAKS =
  /\bat .+\.(ts|js):\d+|SELECT\s|INSERT\s|\bFROM\s+"?\w|Binder Error|Parser Error|Conversion Error|\/tmp\/|node_modules/;

function expectClean(res: LightMyRequestResponse, body: unknown): void {
  const context = `${res.statusCode} ${JSON.stringify(body)?.slice(0, 300)} → ${res.body.slice(0, 300)}`;
  expect(res.statusCode, context).toBeLessThan(500);
  expect(res.body, context).not.toMatch(LEAKS);
}

const post = (app: FastifyInstance, url: string, body: unknown) =>
  app.inject({ method: 'POST', url, headers: bearer(token), payload: body as object });

describe('random bodies at the public API', () => {
  it('query and export: never a 5xx, never a leak', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, fc.constantFrom('json', 'csv', 'xlsx', 1), async (body, format) => {
        expectClean(await post(reader, '/api/v1/query', body), body);
        const exported = { query: body, format };
        expectClean(await post(reader, '/api/v1/export', exported), exported);
      }),
      { numRuns: 150 },
    );
  }, 300_000);

  it('dashboards and embed links: a refused body stores nothing', async () => {
    const tile = fc.record(
      {
        id: hostileText,
        title: hostileText,
        exploration: fc.oneof(query, fc.anything({ maxDepth: 2 })),
        wide: fc.anything({ maxDepth: 0 }),
      },
      { requiredKeys: ['id', 'title'] },
    );
    const board = fc.record(
      {
        name: hostileText,
        tiles: fc.array(tile, { maxLength: 2 }),
        shares: fc.array(fc.record({ kind: hostileText, name: hostileText, access: hostileText }), {
          maxLength: 2,
        }),
      },
      { requiredKeys: [] },
    );
    const count = async () => Number((await store.query('SELECT count(*)::int AS n FROM dashboard'))[0]?.n);
    await fc.assert(
      fc.asyncProperty(fc.oneof(board, fc.anything({ maxDepth: 2 })), async (body) => {
        const before = await count();
        const res = await post(reader, '/api/v1/dashboards', body);
        expectClean(res, body);
        expect(await count()).toBe(res.statusCode === 201 ? before + 1 : before);
        const embed = {
          dashboardId: res.statusCode === 201 ? res.json().id : body,
          filters: (body as { tiles?: unknown })?.tiles,
          days: (body as { name?: unknown })?.name,
        };
        expectClean(await post(reader, '/api/v1/embed', embed), embed);
      }),
      { numRuns: 120 },
    );
  }, 300_000);

  it('ingest: a refused batch loads nothing, an accepted one loads only its valid lines', async () => {
    const event = fc.record(
      {
        shop: fc.oneof(fc.constantFrom(1, 2, 3), number, hostileText),
        day: day,
        takings: fc.oneof(number, hostileText),
        tickets: fc.oneof(fc.nat(50), number, hostileText),
      },
      { requiredKeys: [] },
    );
    const line = fc.oneof(
      event.map((e) => JSON.stringify(e)),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      hostileText,
    );
    const rows = async () =>
      Number((await warehouse.query('SELECT count(*) AS n FROM store_day_sales'))[0]?.n ?? 0);
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 0, maxLength: 6 }),
        maybe(hostileText),
        async (lines, key) => {
          const before = await rows();
          const body = lines.join('\n');
          const res = await pusher.inject({
            method: 'POST',
            url: '/api/v1/ingest/pos',
            headers: {
              ...bearer(token),
              'content-type': 'application/x-ndjson',
              ...(key !== undefined ? { 'idempotency-key': key.replace(/[\r\n]/g, '') } : {}),
            },
            payload: body,
          });
          expectClean(res, body);
          const after = await rows();
          if (res.statusCode >= 400 || res.json().replayed) expect(after).toBe(before);
          else expect(after - before).toBeLessThanOrEqual(res.json().loaded);
        },
      ),
      { numRuns: 120 },
    );
  }, 300_000);
});

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { type DataScope, isZhongtaiError } from '../model/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { COMPARE_MODES, DIMENSIONS, METRICS, runQuery } from './index.js';

let engine: Warehouse;
let storeNames: Map<string, Set<unknown>>;
let supplierSkus: Set<unknown>;
let supplierName: unknown;
let lines: number;
beforeAll(async () => {
  engine = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
  const names = async (where: string) =>
    new Set((await engine.query(`SELECT name FROM store_history WHERE ${where}`)).map((r) => r.name));
  storeNames = new Map([
    ['store', await names('store_id = 3')],
    ['region', await names('store_id IN (3, 4, 10)')],
  ]);
  supplierName = (await engine.query('SELECT name FROM supplier WHERE supplier_id = 1'))[0]?.name;
  supplierSkus = new Set(
    (await engine.query('SELECT name FROM product WHERE supplier_id = 1')).map((r) => r.name),
  );
  lines = Number((await engine.query('SELECT count(*) AS n FROM sales_line'))[0]?.n);
});
afterAll(() => engine?.close());

const SCOPES: Record<string, DataScope> = {
  store: { all: false, grants: [{ kind: 'store', value: 'S0003' }] },
  region: { all: false, grants: [{ kind: 'region', value: '华中' }] },
  supplier: { all: false, grants: [{ kind: 'supplier', value: 'V0001' }] },
  // Hostile text in a grant is data too.
  hostile: { all: false, grants: [{ kind: 'store', value: "S0003' OR '1'='1" }] },
};

const HOSTILE = [
  "'; DROP TABLE sales_line; --",
  '" OR 1=1 --',
  "华东' UNION SELECT * FROM app_user --",
  '$1',
  '?',
  '\\',
  '%',
  '\u0000',
  ') OR (1=1',
  '${process.exit(1)}',
  '<script>alert(1)</script>',
  'a'.repeat(200),
];

const text = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('华中', 'S0003', 'pos'),
);
const id = (known: string[]) =>
  fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: text });
const metricIds = METRICS.map((m) => m.id);
const dimensionIds = DIMENSIONS.map((d) => d.id);
const day = fc
  .integer({ min: 0, max: 400 })
  .map((n) => new Date(Date.UTC(2025, 9, 12) + n * 86_400_000).toISOString().slice(0, 10));

const query = fc.record(
  {
    metrics: fc.array(id(metricIds), { minLength: 1, maxLength: 3 }),
    dimensions: fc.array(id(dimensionIds), { maxLength: 2 }),
    filters: fc.oneof(
      { weight: 1, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc.array(
          fc.record(
            {
              dimension: id(dimensionIds),
              op: fc.oneof(
                {
                  weight: 12,
                  arbitrary: fc.constantFrom('eq', 'neq', 'in', 'not_in', 'gt', 'lte', 'between', 'contains'),
                },
                { weight: 1, arbitrary: text },
              ),
              values: fc.array(fc.oneof(text, fc.integer(), fc.boolean(), day), {
                minLength: 1,
                maxLength: 3,
              }),
            },
            { requiredKeys: ['dimension', 'op', 'values'] },
          ),
          { maxLength: 1 },
        ),
      },
    ),
    timeRange: fc.tuple(day, day).map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a })),
    compare: fc.constantFrom(...COMPARE_MODES),
    grain: fc.constantFrom('day', 'week', 'month'),
    order: fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc.array(fc.record({ by: id([...metricIds, ...dimensionIds]), desc: fc.boolean() }), {
          maxLength: 1,
        }),
      },
    ),
    limit: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 1, max: 100_000 }) },
      { weight: 1, arbitrary: fc.integer() },
    ),
  },
  { requiredKeys: ['metrics', 'timeRange'] },
);

describe('the compiler under random and hostile queries', () => {
  it('answers or refuses with a clear error, never an engine error, and never a row outside the scope', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom(...Object.keys(SCOPES)), async (q, scopeName) => {
        const scope = SCOPES[scopeName] as DataScope;
        let rows: Record<string, unknown>[];
        try {
          rows = (await runQuery(engine, q, { scope, cache: false })).rows;
          answered += 1;
        } catch (error) {
          // Refused with a code and a message for a person; an engine's own error would fail here.
          expect(isZhongtaiError(error), String(error)).toBe(true);
          return;
        }
        if (scopeName === 'hostile') {
          expect(
            rows.every((r) => Object.entries(r).every(([k, v]) => !/sales|orders|units/.test(k) || !v)),
          ).toBe(true);
        }
        if (scopeName === 'store' || scopeName === 'region') {
          const allowed = storeNames.get(scopeName) as Set<unknown>;
          for (const row of rows) if ('store' in row) expect(allowed.has(row.store)).toBe(true);
        }
        if (scopeName === 'supplier') {
          for (const row of rows) {
            if ('sku' in row) expect(supplierSkus.has(row.sku)).toBe(true);
            if ('supplier' in row) expect(row.supplier).toBe(supplierName);
          }
        }
      }),
      { numRuns: 340, seed: 20261129 },
    );
    // Enough of them are answered for the scope checks to mean something.
    expect(answered).toBeGreaterThan(90);
    // And nothing was written or dropped.
    expect(Number((await engine.query('SELECT count(*) AS n FROM sales_line'))[0]?.n)).toBe(lines);
  }, 120_000);
});

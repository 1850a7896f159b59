import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyChain } from '../../test/support/tiny-chain.js';
import type { Warehouse } from '../warehouse/index.js';
import { drillRows } from './index.js';

let engine: Warehouse;
beforeAll(async () => {
  engine = await tinyChain();
});
afterAll(() => engine?.close());

const both = { from: '2024-03-04', to: '2024-03-05' };

describe('drill-through to sales lines', () => {
  it('lists the lines behind a number, newest first, with the names people read', async () => {
    const { rows, columns, truncated } = await drillRows(engine, {
      filters: [{ dimension: 'store_code', value: 'A' }],
      timeRange: both,
    });
    expect(columns.map((c) => c.id)).toEqual([
      'ts',
      'store',
      'channel',
      'sku',
      'category_l1',
      'member_tier',
      'qty',
      'net',
      'gross_profit',
    ]);
    // Store A's six lines (70 net, the return included), newest first.
    expect(rows).toHaveLength(6);
    expect(rows.reduce((sum, r) => sum + Number(r.net), 0)).toBeCloseTo(70, 6);
    const times = rows.map((r) => String(r.ts));
    expect(times).toEqual([...times].sort().reverse());
    expect(truncated).toBe(false);
    expect((await drillRows(engine, { timeRange: both, limit: 2 })).truncated).toBe(true);
  });

  it('refuses what sales lines cannot be filtered by, and takes hostile text as data', async () => {
    await expect(
      drillRows(engine, { filters: [{ dimension: 'colour', value: 'red' }], timeRange: both }),
    ).rejects.toMatchObject({ code: 'BAD_FILTER', place: { field: 'filters.0.dimension' } });
    const hostile = await drillRows(engine, {
      filters: [{ dimension: 'store_code', value: "A' OR '1'='1" }],
      timeRange: both,
    });
    expect(hostile.rows).toEqual([]);
    await expect(drillRows(engine, { timeRange: both, limit: 100_000 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});

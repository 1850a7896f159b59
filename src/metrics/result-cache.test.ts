import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyChain } from '../../test/support/tiny-chain.js';
import { insertRows, type Warehouse } from '../warehouse/index.js';
import { runQuery } from './index.js';

let engine: Warehouse;
beforeAll(async () => {
  engine = await tinyChain();
});
afterAll(() => engine?.close());

const query = {
  metrics: ['net_sales', 'orders'],
  dimensions: ['store_code'],
  timeRange: { from: '2024-03-04', to: '2024-03-05' },
};

describe('result cache', () => {
  it('answers a repeated query from memory until anything is written, then asks the engine again', async () => {
    const first = await runQuery(engine, query);
    expect(first.meta.cached).toBe(false);
    const again = await runQuery(engine, { ...query });
    expect(again.meta.cached).toBe(true);
    expect(again.rows).toEqual(first.rows);
    // The same question asked another way is another key; asked without the cache, the engine answers.
    expect((await runQuery(engine, query, { cache: false })).meta.cached).toBe(false);

    await insertRows(engine, 'orders', [
      {
        order_id: 99,
        ts: '2024-03-05 12:00:00',
        date: '2024-03-05',
        store_id: 2,
        channel: 'pos',
        member_id: null,
        status: 'completed',
        net: 5,
        items: 1,
      },
    ]);
    const after = await runQuery(engine, query);
    expect(after.meta.cached).toBe(false);
    const orders = (rows: typeof after.rows) => Object.fromEntries(rows.map((r) => [r.store_code, r.orders]));
    expect(orders(after.rows)).toEqual({ ...orders(first.rows), B: Number(orders(first.rows).B) + 1 });
  });
});

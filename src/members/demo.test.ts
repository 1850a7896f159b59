import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { tempAppStore } from '../../test/support/server.js';
import { dataRange, runQuery } from '../metrics/index.js';
import { openWarehouse } from '../warehouse/index.js';
import { reconcile, relayOutbox, seedDemoMembers } from './index.js';

describe('the demo chain’s members in the member center', () => {
  it('pays their recent orders from the wallet as of those orders, and the BI agrees with the ledger', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-demo-members-')), 'demo.duckdb');
    copyFileSync(SMALL_DEMO, path);
    const warehouse = await openWarehouse({ path });
    const store = await tempAppStore();
    try {
      const end = (await dataRange(warehouse))?.to as string;
      const started = performance.now();
      const seeded = await seedDemoMembers(store, warehouse, end, { members: 30 });
      console.log(`seeded ${JSON.stringify(seeded)} in ${Math.round(performance.now() - started)} ms`);
      expect(seeded?.members).toBe(30);
      expect(await seedDemoMembers(store, warehouse, end)).toBeNull();
      await relayOutbox(store, warehouse);
      const found = await reconcile(store, warehouse, end);
      expect(found).toMatchObject({ wallet: [], points: [], waiting: 0 });
      expect(found.paidMembers.ledger).toBe(found.paidMembers.warehouse);
      // Written as of the orders: every entry lies within the chain's data, none at today's date.
      const [span] = await warehouse.query('SELECT max(date) AS last, min(date) AS first FROM wallet_entry');
      expect(String(span?.last)).toBe(end);
      const answer = await runQuery(warehouse, {
        metrics: ['wallet_balance', 'wallet_spend', 'points_balance'],
        timeRange: { from: end, to: end },
      });
      expect(Number(answer.rows[0]?.wallet_balance).toFixed(2)).toBe(found.totals.warehouseWallet);
      expect(answer.rows[0]?.points_balance).toBe(found.totals.ledgerPoints);
    } finally {
      await warehouse.close();
      await store.close();
    }
  });
});

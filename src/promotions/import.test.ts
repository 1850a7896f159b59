import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test/support/paths.js';
import { tempAppStore } from '../../test/support/server.js';
import { importPromotions, PromotionCenter, readPromotionFile } from './index.js';

/** The shipped YAML example imports whole, again without change, and a bad entry is named before anything is saved. */
describe('promotions from YAML', () => {
  it('imports the example file, is idempotent, and refuses a bad file naming the entry and field', async () => {
    const store = await tempAppStore();
    try {
      const center = await PromotionCenter.open(store);
      const path = join(ROOT, 'examples', 'promotions', 'double12.yaml');
      const text = readFileSync(path, 'utf8');
      const by = { username: 'test', ip: null };
      const done = await importPromotions(center, readPromotionFile(text, 'double12.yaml'), by);
      expect(done).toEqual({
        promotions: ['d12-mj', 'd12-fresh', 'd12-paid'],
        coupons: ['d12-c20', 'paid-monthly-10'],
      });
      await importPromotions(center, readPromotionFile(text, 'double12.yaml'), by);
      const list = await center.list();
      expect(list.map((p) => p.promotion.id).sort()).toEqual(['d12-fresh', 'd12-mj', 'd12-paid']);
      expect(list.find((p) => p.promotion.id === 'd12-mj')).toMatchObject({
        budget: '200000.00',
        perMember: 3,
      });
      expect((await center.templates()).map((t) => t.template.id).sort()).toEqual([
        'd12-c20',
        'paid-monthly-10',
      ]);
      // The imported 满减 prices a cart as the API's would.
      const priced = await center.price({
        store: 1,
        channel: 'pos',
        at: '2026-12-11T04:00:00Z',
        lines: [{ sku: 1, qty: 4, unitPrice: '80' }],
      });
      expect(priced.saving).toBe('50.00');

      expect(() => readPromotionFile(text.replace('percent: 20', 'percent: 200'), 'bad.yaml')).toThrow(
        /bad.yaml: promotions\.1\.promotion\.percent/,
      );
      expect(() => readPromotionFile(text.replace('id: d12-paid', 'id: d12-mj'), 'twice.yaml')).toThrow(
        /d12-mj appears twice/,
      );
      expect(() => readPromotionFile('promotions: [', 'broken.yaml')).toThrow(/broken.yaml: not YAML/);
    } finally {
      await store.close();
    }
  }, 60_000);
});

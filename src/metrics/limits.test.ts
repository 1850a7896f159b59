import { describe, expect, it } from 'vitest';
import { findDimension } from './index.js';
import { Gate, isHeavy } from './limits.js';

const dims = (...ids: string[]) => ids.map((id) => findDimension(id) ?? expect.fail(`no dimension ${id}`));
const quarter = { from: '2026-08-17', to: '2026-11-15' };

describe('query limits', () => {
  it('calls a fine cut heavy and a dashboard tile light', () => {
    // The probe's question: 8 metrics by hour × store × product.
    expect(isHeavy(dims('hour', 'store', 'sku'), quarter)).toBe(true);
    expect(isHeavy(dims('sku', 'day'), quarter)).toBe(true);
    expect(isHeavy(dims('region', 'month'), quarter)).toBe(false);
    expect(isHeavy(dims('store', 'day'), quarter)).toBe(false);
    expect(isHeavy(dims('category_l1', 'hour_of_day', 'weekday'), quarter)).toBe(false);
  });

  it('lets as many heavy queries run as it has places; the next waits its turn, a later one gives up', async () => {
    const gate = new Gate(() => 1);
    let release = () => {};
    const order: string[] = [];
    const first = gate.run(1_000, async () => {
      order.push('first starts');
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      order.push('first ends');
    });
    const second = gate.run(5_000, async () => {
      order.push('second starts');
    });
    await expect(gate.run(30, async () => order.push('never'))).rejects.toMatchObject({ code: 'BUSY' });
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first starts', 'first ends', 'second starts']);
    // Every place is given back: the gate admits at once again.
    await gate.run(10, async () => order.push('again'));
    expect(order.at(-1)).toBe('again');
  });
});

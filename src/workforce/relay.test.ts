import { afterAll, describe, expect, it } from 'vitest';
import { tempAppStore } from '../../test/support/server.js';
import { tinyChain } from '../../test/support/tiny-chain.js';
import type { AppStore } from '../appstore/index.js';
import { runQuery } from '../metrics/index.js';
import { insertRows, type Warehouse } from '../warehouse/index.js';
import { WorkforceCenter } from './center.js';
import { parseRules } from './files.js';
import { relayWorkforce } from './relay.js';
import type { Shift } from './types.js';

let engine: Warehouse;
let store: AppStore;
afterAll(async () => {
  await engine?.close();
  await store?.close();
});

const shift = (employee: string, date: string, start: number, end: number): Shift => ({
  store: '1',
  employee,
  date,
  start: start * 60,
  end: end * 60,
  role: 'cashier',
});

describe('the workforce relay', () => {
  it('puts a published week into shift and the measured attendance into attendance, once, and a late punch re-measures its day', async () => {
    engine = await tinyChain();
    store = await tempAppStore();
    await insertRows(engine, 'employee', [
      {
        employee_id: 11,
        name: '王芳',
        store_id: 1,
        role: 'cashier',
        hourly_cost: 30,
        hired_on: '2020-01-01',
      },
      {
        employee_id: 12,
        name: '李娜',
        store_id: 1,
        role: 'cashier',
        hourly_cost: 28.5,
        hired_on: '2020-01-01',
      },
    ]);
    const center = await WorkforceCenter.open(store);
    const rules = parseRules({});
    const week = '2024-03-04';
    const draft = await center.save(
      '1',
      week,
      [shift('11', week, 8, 16), shift('12', '2024-03-05', 14, 22)],
      'li',
      0,
    );
    await center.publish('1', week, draft.version, 'li');
    await center.recordClock('clock-1', [
      { employee: '11', at: '2024-03-04T07:58', kind: 'in' },
      { employee: '11', at: '2024-03-04T16:40', kind: 'out' },
      { employee: '12', at: '2024-03-05T14:20', kind: 'in' },
    ]);
    expect(await relayWorkforce(center, engine, rules)).toBe(2);
    expect(await relayWorkforce(center, engine, rules)).toBe(0);
    const kpis = async () =>
      (
        await runQuery(engine, {
          metrics: ['scheduled_hours', 'attended_hours', 'labour_cost'],
          timeRange: { from: '2024-03-04', to: '2024-03-10' },
          dimensions: ['store_code'],
        })
      ).rows.find((r) => r.store_code === 'A');
    // 8 + 8 scheduled; 11 worked 08:00–16:00 and 30 minutes of overtime; 12 has no clock-out yet: not counted.
    expect(await kpis()).toMatchObject({ scheduled_hours: 16, attended_hours: 8.5 });
    const [cost] = await engine.query(
      "SELECT CAST(sum(labour_cost) AS VARCHAR) AS c FROM attendance WHERE store_id = 1 AND date BETWEEN DATE '2024-03-04' AND DATE '2024-03-10'",
    );
    expect(cost?.c).toBe('255.00');
    // 12 clocks out late (the clock was offline): the day is measured again, not added to.
    await center.recordClock('clock-1', [{ employee: '12', at: '2024-03-05T22:00', kind: 'out' }]);
    expect(await relayWorkforce(center, engine, rules)).toBe(1);
    // 12: late 20 minutes, paid 14:20–22:00 = 7 h 40 min.
    // Hours are kept to three decimals (the model's quantity); the cost from the exact minutes, to the fen.
    const after = await kpis();
    expect(after?.scheduled_hours).toBe(16);
    expect(after?.attended_hours).toBeCloseTo(8.5 + 460 / 60, 3);
    const [cost12] = await engine.query(
      "SELECT CAST(labour_cost AS VARCHAR) AS c FROM attendance WHERE employee_id = 12 AND date = DATE '2024-03-05'",
    );
    expect(cost12?.c).toBe('218.50');
  });
});

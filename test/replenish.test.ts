import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../src/warehouse/index.js';
import { ROOT, SMALL_DEMO } from './support/paths.js';

const run = promisify(execFile);
const zhongtai = async (...args: string[]) =>
  (await run('node', [join(ROOT, 'bin', 'zhongtai.js'), ...args], { cwd: ROOT })).stdout;

describe('zhongtai replenish on the demo chain', () => {
  it('suggests orders in whole packs for the evening after the last sales, written as CSV', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'zhongtai-replenish-')), 'orders.csv');
    const said = await zhongtai('replenish', '--db', SMALL_DEMO, '--out', out, '--limit', '3');
    expect(said).toMatch(
      /Orders for the evening of 2026-11-15 补货建议: \d+ of \d+ store × SKU lines to order/,
    );
    const [header, ...lines] = readFileSync(out, 'utf8').trim().split('\n');
    expect(header).toBe(
      'store,sku,name,on_hand,on_order,demand,safety_stock,order_qty,packs,order_cost,shelf_life_days',
    );
    const engine = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
    const products = new Map(
      (await engine.query('SELECT sku, pack_size, unit_cost FROM product')).map((r) => [
        Number(r.sku),
        { pack: Number(r.pack_size), cost: Number(r.unit_cost) },
      ]),
    );
    await engine.close();
    // Names hold no commas in the demo, so a plain split reads the columns.
    const orders = lines.map((l) => l.split(',')).filter((f) => Number(f[7]) > 0);
    expect(orders.length).toBeGreaterThan(10);
    for (const f of orders) {
      const product = products.get(Number(f[1]));
      expect(Number(f[7]) % (product?.pack ?? 1)).toBe(0);
      expect(Number(f[9])).toBeCloseTo(Number(f[7]) * (product?.cost ?? 0), 1);
    }
  });

  it('simulates the last four weeks: better fill rate and less waste than reordering what sold', async () => {
    const said = await zhongtai('replenish', '--db', SMALL_DEMO, '--simulate', '28');
    const row = (label: string) => {
      const cells =
        said
          .split('\n')
          .find((l) => l.startsWith(label))
          ?.trim()
          .split(/\s+/) ?? [];
      return { fill: Number.parseFloat(cells[2] ?? ''), waste: Number(cells[5]) };
    };
    const forecast = row('forecast');
    const naive = row('naive');
    expect(forecast.fill).toBeGreaterThan(naive.fill);
    expect(forecast.waste).toBeLessThanOrEqual(naive.waste);
  });
});

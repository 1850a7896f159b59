import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { generateDemo } from './index.js';

const tiny = { stores: 6, days: 30, skus: 200, lines: 20_000, end: '2026-06-30' };
const fingerprint = (engine: Warehouse) =>
  engine.query(`SELECT count(*) AS lines, sum(net)::VARCHAR AS net, sum(hash(order_id, line_no, sku, qty, member_id))::VARCHAR AS h,
                (SELECT count(*) FROM member) AS members, (SELECT sum(visitors_in) FROM traffic) AS visitors FROM sales_line`);
const newFile = () => join(mkdtempSync(join(tmpdir(), 'zhongtai-demo-')), 'demo.duckdb');

describe('demo chain generator', () => {
  it('gives the same chain for the same seed and another for another seed', async () => {
    const a = await openWarehouse({ path: newFile() });
    const b = await openWarehouse({ path: newFile() });
    await generateDemo(a, { ...tiny, seed: 1 });
    await generateDemo(b, { ...tiny, seed: 1 });
    expect(await fingerprint(a)).toEqual(await fingerprint(b));
    await generateDemo(b, { ...tiny, seed: 2, replace: true });
    expect(await fingerprint(a)).not.toEqual(await fingerprint(b));
    await a.close();
    await b.close();
  });

  it('refuses to generate over existing sales unless asked to replace them', async () => {
    const engine = await openWarehouse({ path: newFile() });
    await generateDemo(engine, tiny);
    const before = await fingerprint(engine);
    await expect(generateDemo(engine, tiny)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('--replace'),
    });
    expect(await fingerprint(engine)).toEqual(before);
    await engine.close();
  });

  it('scales ticket volumes to a lines target (a factor near 0.3 once overflowed DECIMAL arithmetic)', async () => {
    const engine = await openWarehouse({ path: newFile() });
    const summary = await generateDemo(engine, {
      stores: 4,
      days: 14,
      skus: 200,
      lines: 45_000,
      end: '2026-06-30',
    });
    expect(summary.scale).toBeGreaterThan(0.2);
    expect(summary.scale).toBeLessThan(0.5);
    expect(summary.salesLines).toBeGreaterThan(45_000 * 0.75);
    expect(summary.salesLines).toBeLessThan(45_000 * 1.25);
    expect(
      await engine.query(
        "SELECT count(*) AS n FROM employee e JOIN store s USING (store_id) WHERE s.format = 'department_store'",
      ),
    ).not.toEqual([{ n: 0 }]);
    await engine.close();
  });

  it('refuses impossible options with the field named', async () => {
    const engine = await openWarehouse({ path: newFile() });
    await expect(generateDemo(engine, { stores: 0 })).rejects.toMatchObject({ place: { field: 'stores' } });
    await expect(generateDemo(engine, { end: '2030-01-01' })).rejects.toMatchObject({
      place: { field: 'end' },
    });
    await engine.close();
  });
});

describe('the shared demo chain is consistent and plausible', () => {
  let engine: Warehouse;
  beforeAll(async () => {
    engine = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
  });
  afterAll(() => engine.close());
  const one = async (sql: string) => (await engine.query(sql))[0] ?? {};

  it('has all four formats, several regions and every channel', async () => {
    expect(
      await one('SELECT count(DISTINCT format) AS formats, count(DISTINCT region) > 2 AS regions FROM store'),
    ).toEqual({ formats: 4, regions: true });
    expect(await one('SELECT count(DISTINCT channel) AS n FROM sales_line')).toEqual({ n: 5 });
  });

  it('keeps each ticket header equal to the sum of its lines', async () => {
    expect(
      await one(`SELECT count(*) AS mismatched FROM orders o
                 LEFT JOIN (SELECT order_id, sum(net) AS net, count(*) AS items FROM sales_line GROUP BY 1) l USING (order_id)
                 WHERE o.net <> coalesce(l.net, 0) OR o.items <> coalesce(l.items, 0)`),
    ).toEqual({ mismatched: 0 });
  });

  it('keeps money exact: net = gross − discount on every line; returns are negative lines', async () => {
    expect(
      await one('SELECT count(*) FILTER (WHERE net <> gross - discount) AS off FROM sales_line'),
    ).toEqual({ off: 0 });
    expect(
      await one(
        `SELECT bool_and(l.qty < 0 AND l.net <= 0) AS negative FROM sales_line l JOIN orders o USING (order_id) WHERE o.status = 'returned'`,
      ),
    ).toEqual({ negative: true });
  });

  it('sells more on the Double 11 day online than on an ordinary day', async () => {
    const row = await one(`SELECT
        count(*) FILTER (WHERE date = DATE '2026-11-11') AS festival,
        count(*) FILTER (WHERE date = DATE '2026-10-21') AS ordinary
      FROM orders WHERE channel IN ('delivery', 'mini_program')`);
    expect(Number(row.festival)).toBeGreaterThan(1.8 * Number(row.ordinary));
  });

  it('puts members on tickets only after they registered', async () => {
    expect(
      await one(
        `SELECT count(*) AS early FROM orders o JOIN member m USING (member_id) WHERE CAST(m.registered_at AS DATE) > o.date`,
      ),
    ).toEqual({ early: 0 });
  });
});

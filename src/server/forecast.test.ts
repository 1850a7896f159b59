import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { DuckDbEngine } from '../warehouse/index.js';
import { buildServer } from './index.js';

let engine: DuckDbEngine;
let app: FastifyInstance;
beforeAll(async () => {
  // A copy of the small demo chain: a forecast run is written to the warehouse.
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-forecast-api-')), 'demo.duckdb');
  copyFileSync(SMALL_DEMO, path);
  engine = await DuckDbEngine.open({ path });
  app = await buildServer({ engine });
});
afterAll(async () => {
  await app.close();
  await engine.close();
});

describe('POST /api/v1/forecast', () => {
  it('forecasts every open store of the demo chain for the days after its last sales, and saves the run', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/forecast',
      payload: { horizon: 7, rounds: 40 },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.origin).toBe('2026-11-15');
    // 12 stores, of which two closed in August and September (close_date set): 10 × 7 days.
    expect(new Set(body.rows.map((r: { store: number }) => r.store))).toEqual(
      new Set([1, 2, 3, 4, 5, 6, 8, 9, 10, 11]),
    );
    expect(body.rows).toHaveLength(10 * 7);
    expect(new Set(body.rows.map((r: { date: string }) => r.date))).toEqual(
      new Set([
        '2026-11-16',
        '2026-11-17',
        '2026-11-18',
        '2026-11-19',
        '2026-11-20',
        '2026-11-21',
        '2026-11-22',
      ]),
    );
    for (const row of body.rows) expect(row.p10 <= row.p50 && row.p50 <= row.p90 && row.p50 > 0).toBe(true);
    expect(await engine.query('SELECT count(*) AS n FROM forecast WHERE run_id = $1', [body.runId])).toEqual([
      { n: 70 },
    ]);
  }, 60_000);

  it('refuses a bad body naming the field', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/forecast',
      payload: { horizon: 'soon' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'BAD_REQUEST', place: { field: 'horizon' } });
    const extra = await app.inject({
      method: 'POST',
      url: '/api/v1/forecast',
      payload: { level: 'store', sql: 'DROP' },
    });
    expect(extra.statusCode).toBe(400);
  });
});

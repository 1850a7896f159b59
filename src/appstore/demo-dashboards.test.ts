import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { runQuery } from '../metrics/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';
import { type AppStore, dashboards, openAppStore, SYSTEM_ACTOR, seedDemoDashboards } from './index.js';

let store: AppStore;
let engine: Warehouse;
beforeAll(async () => {
  store = await openAppStore({ path: join(mkdtempSync(join(tmpdir(), 'zhongtai-seed-')), 'app') });
  engine = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
}, 60_000);
afterAll(async () => {
  await store?.close();
  await engine?.close();
});

describe('the demo chain’s ready-made dashboards', () => {
  it('are made once, and every tile’s question is answered by the metric layer with data', async () => {
    expect(await seedDemoDashboards(store, '2026-11-15')).toBe(6);
    expect(await seedDemoDashboards(store, '2026-11-15')).toBe(0);
    const boards = await dashboards.list(store, SYSTEM_ACTOR);
    expect(boards.map((b) => b.name).sort()).toEqual(
      ['人效', '会员分析', '品类分析', '库存与动销', '经营总览', '门店对比'].sort(),
    );
    for (const board of boards) {
      for (const tile of board.tiles) {
        const e = tile.exploration;
        const result = await runQuery(engine, {
          metrics: e.metrics,
          dimensions: e.dimensions,
          timeRange: e.range,
          ...(e.compare ? { compare: e.compare } : {}),
        });
        const numbers = result.rows
          .flatMap((r) => e.metrics.map((m) => r[m]))
          .filter((v) => typeof v === 'number');
        expect(numbers.length, `${board.name} / ${tile.title}`).toBeGreaterThan(0);
      }
    }
  }, 120_000);
});

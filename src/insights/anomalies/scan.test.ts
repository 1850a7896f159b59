import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../../../test/support/receiver.js';
import { tempAppStore, userWithToken } from '../../../test/support/server.js';
import { AlertRules, Channels } from '../../alerts/index.js';
import type { AppStore } from '../../appstore/index.js';
import { generateDemo } from '../../demo/index.js';
import { addDays, resolveScope } from '../../metrics/index.js';
import { openWarehouse, type Warehouse } from '../../warehouse/index.js';
import { attribute } from '../attribution/index.js';
import { episodes, explain, scanAnomalies } from './index.js';

/**
 * The anomaly scan measured against a truth: a demo chain with planted anomalies (a store's conversion collapses
 * for three days; 生鲜 sells below cost in a region's supermarkets and fresh stores for three days), scanned over
 * its last fortnight. Precision and recall are counted per store-day: a flagged store-day is right when an event
 * was planted there, and a planted store-day is found when any KPI of it is flagged.
 */
interface Planted {
  kind: string;
  storeIds: number[];
  from: string;
  to: string;
  region?: string;
  category?: string;
}

let engine: Warehouse;
let planted: Planted[];
let codes: Map<number, string>;

beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-anomalies-')), 'demo.duckdb');
  engine = await openWarehouse({ path });
  await generateDemo(engine, {
    stores: 30,
    days: 120,
    lines: 3_000_000,
    skus: 800,
    seed: 42,
    end: '2026-11-15',
    anomalies: true,
    analyses: false,
  });
  const [meta] = await engine.query("SELECT value FROM zhongtai_meta WHERE key = 'demo'");
  planted = JSON.parse(String(meta?.value)).plantedAnomalies;
  codes = new Map(
    (await engine.query('SELECT store_id, code FROM store')).map((r) => [Number(r.store_id), String(r.code)]),
  );
}, 170_000);
afterAll(async () => {
  await engine.close();
});

const plantedDays = () => {
  const days = new Set<string>();
  for (const p of planted)
    for (const id of p.storeIds)
      for (let d = p.from; d <= p.to; d = addDays(d, 1)) days.add(`${codes.get(id)}|${d}`);
  return days;
};

describe('anomaly scan', () => {
  it('finds the planted anomalies of the last fortnight: precision and recall at least 0.8', async () => {
    expect(planted.map((p) => p.kind)).toEqual(['conversion_collapse', 'category_margin_drop']);
    const truth = plantedDays();
    expect(truth.size).toBeGreaterThanOrEqual(9);
    const found = await scanAnomalies(engine, { days: 14 });
    const flagged = new Set(found.map((a) => `${a.storeCode}|${a.date}`));
    const right = [...flagged].filter((k) => truth.has(k)).length;
    const precision = right / flagged.size;
    const recall = right / truth.size;
    console.log(
      `anomaly scan: ${truth.size} planted store-days, ${flagged.size} flagged, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`,
    );
    expect(precision).toBeGreaterThanOrEqual(0.8);
    expect(recall).toBeGreaterThanOrEqual(0.8);
    // Each flagged day holds its figures: outside its band, the direction and money consistent.
    for (const a of found) {
      expect(a.actual < a.low || a.actual > a.high).toBe(true);
      expect(a.direction).toBe(a.actual < a.expected ? 'down' : 'up');
      expect(a.impact).toBeGreaterThanOrEqual(0);
    }
    // The collapse shows where it was planted: conversion, down.
    const collapse = planted[0] as Planted;
    const code = codes.get(collapse.storeIds[0] as number);
    expect(
      found.filter((a) => a.storeCode === code && a.kpi === 'conversion_rate' && a.direction === 'down')
        .length,
    ).toBe(3);
  });

  it('explains each episode: the margin by 生鲜, the conversion by its numerator (tickets), not footfall', async () => {
    const insights = episodes(await scanAnomalies(engine, { days: 14 }));
    const [collapse, drop] = planted as [Planted, Planted];
    const conversion = insights.find((i) => i.storeCode === codes.get(collapse.storeIds[0] as number));
    if (!conversion) throw new Error('the collapsed store has no insight');
    expect(conversion).toMatchObject({ from: collapse.from, to: collapse.to });
    const why = await explain(engine, conversion);
    expect(why.metric).toBe('conversion_rate');
    expect(why.change).toBeLessThan(0);
    expect(why.ratio?.moved).toBe('numerator');
    expect(why.summary.zh).toContain('转化率');

    const margins = insights.filter(
      (i) => drop.storeIds.some((id) => codes.get(id) === i.storeCode) && i.lead.kpi === 'gross_margin',
    );
    expect(margins.length).toBe(drop.storeIds.length);
    for (const insight of margins) {
      const explained = await explain(engine, insight);
      const byCategory = explained.dimensions.find((d) => d.dimension === 'category_l1');
      expect(byCategory?.contributors[0]?.member).toBe(drop.category);
      // The parts of a ratio's change add up to the change, every category kept.
      const whole = await attribute(engine, {
        metric: 'gross_margin',
        filters: [{ dimension: 'store', op: 'eq', value: insight.store }],
        period: { from: insight.from, to: insight.to },
        baseline: { from: addDays(insight.from, -7), to: addDays(insight.to, -7) },
        dimensions: ['category_l1'],
        top: 100,
      });
      const parts = (whole.dimensions[0]?.contributors ?? []).reduce((sum, c) => sum + c.contribution, 0);
      expect(whole.change).toBeCloseTo(explained.change as number, 12);
      expect(parts).toBeCloseTo(whole.change as number, 9);
      expect(explained.summary.zh).toContain(`按一级品类：${drop.category}`);
    }
  });

  it('names only the stores a grant reaches, and an anomaly rule tells a store manager of his store alone', async () => {
    const store: AppStore = await tempAppStore();
    const receiver = await startReceiver();
    try {
      const [collapse, drop] = planted as [Planted, Planted];
      const own = codes.get(collapse.storeIds[0] as number) as string;
      const manager = await userWithToken(store, 'store_manager', [{ kind: 'store', value: own }]);
      const regional = await userWithToken(store, 'region_manager', [
        { kind: 'region', value: drop.region as string },
      ]);
      const scope = await resolveScope(engine, { all: false, grants: [{ kind: 'store', value: own }] });
      const mine = (await scanAnomalies(engine, { days: 14 })).filter((a) =>
        scope.storeIds?.includes(a.storeId),
      );
      expect(new Set(mine.map((a) => a.storeCode))).toEqual(new Set([own]));

      const channels = await Channels.open(store);
      const hook = await channels.save(
        {
          name: 'hook',
          kind: 'webhook',
          settings: { url: `${receiver.base}/in` },
          secret: { secret: 'a-long-shared-secret' },
        },
        'admin',
      );
      const rules = await AlertRules.open(store, engine, channels);
      const rule = await rules.save(
        {
          name: '转化率异常',
          metric: 'conversion_rate',
          period: 'last14',
          condition: { kind: 'anomaly', minImpact: 100 },
          recipients: [
            { username: manager.username, channel: hook.id },
            { username: regional.username, channel: hook.id },
          ],
        },
        'admin',
      );
      const result = await rules.evaluate(rule.id, new Date('2026-11-16T01:00:00Z'));
      await channels.deliverDue();
      const messages = receiver.calls.map((c) => JSON.parse(c.body) as { title: string; text: string });
      // The store manager hears of his store, with why; the region manager's region had no collapse.
      const storeName = String(
        (await engine.query('SELECT name FROM store WHERE code = $1', [own]))[0]?.name,
      );
      expect(result.opened).toBe(1);
      expect(messages).toHaveLength(1);
      expect(messages[0]?.text).toContain(storeName);
      expect(messages[0]?.text).toContain('原因：转化率');
      const history = await rules.history(rule.id);
      expect(history).toMatchObject([{ username: manager.username, event: 'open' }]);
      expect(history[0]?.why?.ratio?.moved).toBe('numerator');
      // A day the scan's window no longer holds the collapse: it recovers, and says so once.
      const later = await rules.save(
        {
          name: '转化率异常',
          metric: 'conversion_rate',
          period: 'last1',
          condition: { kind: 'anomaly', minImpact: 100 },
          recipients: [{ username: manager.username, channel: hook.id }],
        },
        'admin',
        rule.id,
      );
      const recovered = await rules.evaluate(later.id, new Date('2026-11-16T02:00:00Z'));
      await channels.deliverDue();
      expect(recovered.recovered).toBe(1);
      expect(receiver.calls.map((c) => JSON.parse(c.body).title)).toEqual([
        '【预警】转化率异常',
        '【恢复】转化率异常',
      ]);
    } finally {
      await receiver.close();
      await store.close();
    }
  });
});

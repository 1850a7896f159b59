import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../../test/support/paths.js';
import { startReceiver } from '../../../test/support/receiver.js';
import { tempAppStore, userWithToken } from '../../../test/support/server.js';
import type { AppStore } from '../../appstore/index.js';
import { openWarehouse, type Warehouse } from '../../warehouse/index.js';
import { Channels } from '../channels/index.js';
import { AlertRules, tablesRead } from './index.js';

/**
 * Alert rules evaluated on the demo chain's real data, delivered to a webhook receiver on 127.0.0.1: each
 * recipient's message with his own grants, one message when a breach opens and one when it recovers.
 */
let engine: Warehouse;
let store: AppStore;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let base: string;
/** The messages the webhook received, in order. */
const received = (): { title: string; text: string }[] => receiver.calls.map((c) => JSON.parse(c.body));
let manager: string;
let marketer: string;
let storeName: string;

beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-alerts-')), 'demo.duckdb');
  copyFileSync(SMALL_DEMO, path);
  engine = await openWarehouse({ path });
  store = await tempAppStore();
  const [first] = await engine.query('SELECT code, name FROM store WHERE store_id = 1');
  storeName = String(first?.name);
  manager = (await userWithToken(store, 'store_manager', [{ kind: 'store', value: String(first?.code) }]))
    .username;
  marketer = (await userWithToken(store, 'marketer')).username;
  receiver = await startReceiver();
  base = receiver.base;
}, 120_000);
afterAll(async () => {
  await receiver.close();
  await store.close();
  await engine.close();
});

describe('alert rules', () => {
  it('fires per store with each recipient’s grants, stays quiet while open, and says when it recovers', async () => {
    const channels = await Channels.open(store);
    const hook = await channels.save(
      {
        name: 'hook',
        kind: 'webhook',
        settings: { url: `${base}/in` },
        secret: { secret: 'a-long-shared-secret' },
      },
      'admin',
    );
    const rules = await AlertRules.open(store, engine, channels);
    // Every store's gross margin over the last 7 days is above 10%: a bar of 60% puts them all in breach.
    const rule = await rules.save(
      {
        name: '门店毛利率过低',
        metric: 'gross_margin',
        dimensions: ['store'],
        period: 'last7',
        condition: { kind: 'threshold', op: 'below', value: 0.6 },
        recipients: [
          { username: manager, channel: hook.id },
          { username: marketer, channel: hook.id },
        ],
      },
      'admin',
    );
    const [{ n: trading } = { n: 0 }] = await engine.query(
      "SELECT count(DISTINCT store_id) AS n FROM sales_line WHERE date > DATE '2026-11-15' - 7",
    );
    const first = await rules.evaluate(rule.id, new Date('2026-11-16T00:30:00Z'));
    await channels.deliverDue();
    const managerMessages = received().filter((m) => m.text.includes(storeName));
    // The manager's one store; the marketer's every store that traded in the week.
    expect(first.opened).toBe(1 + Number(trading));
    expect(received().length).toBe(first.queued);
    expect(received().every((m) => m.title === '【预警】门店毛利率过低')).toBe(true);
    expect(managerMessages.length).toBe(2); // his, and the marketer's line for the same store
    expect(received().filter((m) => /毛利率 \d+\.\d%/.test(m.text)).length).toBe(received().length);
    // Evaluated again: nothing new while the breaches stay open.
    const again = await rules.evaluate(rule.id, new Date('2026-11-16T01:30:00Z'));
    expect(again).toMatchObject({ opened: 0, queued: 0 });
    expect(again.stillOpen).toBe(first.opened);
    // The bar lowered below every store: each open breach recovers, once.
    await rules.save(
      {
        name: '门店毛利率过低',
        metric: 'gross_margin',
        dimensions: ['store'],
        period: 'last7',
        condition: { kind: 'threshold', op: 'below', value: 0.01 },
        recipients: [
          { username: manager, channel: hook.id },
          { username: marketer, channel: hook.id },
        ],
      },
      'admin',
      rule.id,
    );
    const recovered = await rules.evaluate(rule.id, new Date('2026-11-16T02:30:00Z'));
    expect(recovered.recovered).toBe(first.opened);
    const before = received().length;
    await channels.deliverDue();
    expect(
      received()
        .slice(before)
        .every((m) => m.title === '【恢复】门店毛利率过低'),
    ).toBe(true);
    expect(received().length - before).toBe(first.opened);
  });

  it('fires on attainment behind the phased target and on a fall against last week', async () => {
    const channels = await Channels.open(store);
    const [hook] = await channels.list();
    const rules = await AlertRules.open(store, engine, channels);
    const behind = await rules.save(
      {
        name: '销售达成落后',
        metric: 'net_sales',
        dimensions: ['region'],
        period: 'mtd',
        condition: { kind: 'attainment', behind: 0.05 },
        recipients: [{ username: marketer, channel: hook?.id as number }],
      },
      'admin',
    );
    const regions = await engine.query(
      `SELECT s.region, sum(l.net) / (SELECT sum(d.value) FROM target_to_date d JOIN store s2 USING (store_id)
                                      WHERE d.kpi = 'net_sales' AND s2.region = s.region AND d.date >= DATE '2026-11-01') AS a
       FROM sales_line l JOIN store s USING (store_id) WHERE l.date >= DATE '2026-11-01' GROUP BY 1`,
    );
    const expected = regions.filter((r) => Number(r.a) < 0.95).length;
    expect((await rules.evaluate(behind.id, new Date('2026-11-16T00:30:00Z'))).opened).toBe(expected);
    const fall = await rules.save(
      {
        name: '大区销售周环比下滑',
        metric: 'net_sales',
        dimensions: ['region'],
        period: 'last7',
        condition: { kind: 'change', compare: 'wow', direction: 'down', by: 0.0001 },
        recipients: [{ username: marketer, channel: hook?.id as number }],
      },
      'admin',
    );
    const evaluated = await rules.evaluate(fall.id, new Date('2026-11-16T00:30:00Z'));
    expect(evaluated.opened + evaluated.stillOpen).toBeLessThanOrEqual(6);
    expect(evaluated.skipped).toEqual([]);
  });

  it('reads a margin’s change in points, fires outside the forecast band, and on a store gone quiet', async () => {
    const channels = await Channels.open(store);
    const [hook] = await channels.list();
    const rules = await AlertRules.open(store, engine, channels);
    const recipients = [{ username: marketer, channel: hook?.id as number }];
    const at = new Date('2026-11-16T00:30:00Z');
    // 毛利率 fell by a point or more against the week before, per store: the rule and plain SQL agree.
    const margins = await engine.query(
      `SELECT store_id,
              sum(net - cost) FILTER (WHERE date > DATE '2026-11-08') / sum(net) FILTER (WHERE date > DATE '2026-11-08') AS now,
              sum(net - cost) FILTER (WHERE date <= DATE '2026-11-08') / sum(net) FILTER (WHERE date <= DATE '2026-11-08') AS before
       FROM sales_line WHERE date BETWEEN DATE '2026-11-02' AND DATE '2026-11-15' GROUP BY 1`,
    );
    const fell = margins.filter((m) => Number(m.now) - Number(m.before) <= -0.01).length;
    expect(fell).toBeGreaterThan(0);
    expect(fell).toBeLessThan(margins.length);
    const marginRule = (by: number) =>
      rules.save(
        {
          name: `毛利率周环比下降 ${by}`,
          metric: 'gross_margin',
          dimensions: ['store'],
          period: 'last7',
          condition: { kind: 'change', compare: 'wow', direction: 'down', by },
          recipients,
        },
        'admin',
      );
    expect((await rules.evaluate((await marginRule(0.01)).id, at)).opened).toBe(fell);
    expect((await rules.evaluate((await marginRule(0.5)).id, at)).opened).toBe(0);

    // Outside the band: none without a forecast, and it says so; then a run whose band store 1 fell below.
    const band = await rules.save(
      {
        name: '超出预测区间',
        metric: 'net_sales',
        dimensions: ['store'],
        period: 'last1',
        condition: { kind: 'forecast_band' },
        recipients,
      },
      'admin',
    );
    const none = await rules.evaluate(band.id, at);
    expect(none.opened).toBe(0);
    expect(none.skipped.join()).toContain('no forecast covers');
    await engine.run(
      `INSERT INTO forecast (run_id, level, model, store_id, sku, category, date, p10, p50, p90)
       SELECT 900001, 'store', 'test', store_id, NULL, NULL, date,
              sum(net) * CASE WHEN store_id = 1 THEN 1.1 ELSE 0.9 END, sum(net), sum(net) * 1.2
       FROM sales_line WHERE date = DATE '2026-11-15' GROUP BY store_id, date`,
    );
    const fired = await rules.evaluate(band.id, new Date('2026-11-16T00:40:00Z'));
    expect(fired.opened).toBe(1);
    await channels.deliverDue();
    expect(received().at(-1)?.text).toMatch(new RegExp(`^${storeName}：销售额 ¥[\\d.]+（预测区间 ¥`));
    expect(received().at(-1)?.text).toContain('原因：销售额');
    // A newer run whose band holds store 1's day: the breach recovers, once.
    await engine.run(
      `INSERT INTO forecast (run_id, level, model, store_id, sku, category, date, p10, p50, p90)
       SELECT 900002, 'store', 'test', store_id, NULL, NULL, date, sum(net) * 0.9, sum(net), sum(net) * 1.2
       FROM sales_line WHERE date = DATE '2026-11-15' GROUP BY store_id, date`,
    );
    expect(await rules.evaluate(band.id, new Date('2026-11-16T00:50:00Z'))).toMatchObject({
      opened: 0,
      recovered: 1,
    });

    // A store whose tills went quiet at 10:00 on the last day: at 13:00 in Shanghai it is late, at 10:30 not yet.
    await engine.run(
      "DELETE FROM sales_line WHERE store_id = 1 AND date = DATE '2026-11-15' AND hour(ts) >= 10",
    );
    const quiet = await rules.save(
      {
        name: '门店无销售数据',
        metric: 'net_sales',
        period: 'last1',
        condition: { kind: 'freshness', since: '11:00' },
        recipients,
      },
      'admin',
    );
    const early = await rules.evaluate(quiet.id, new Date('2026-11-15T02:30:00Z'));
    expect(early.opened).toBe(0);
    expect(early.skipped.join()).toContain('before 11:00');
    const stale = await engine.query(
      `SELECT s.store_id FROM store s LEFT JOIN sales_line l ON l.store_id = s.store_id AND l.date = DATE '2026-11-15'
       WHERE s.open_date <= DATE '2026-11-15' AND (s.close_date IS NULL OR s.close_date > DATE '2026-11-15')
       GROUP BY 1 HAVING coalesce(max(l.ts) < TIMESTAMP '2026-11-15 11:00:00', true)`,
    );
    expect(stale.map((r) => Number(r.store_id))).toContain(1);
    const late = await rules.evaluate(quiet.id, new Date('2026-11-15T05:00:00Z'));
    expect(late.opened).toBe(stale.length);
    // After a load: only the rules that read what it wrote are evaluated.
    expect(tablesRead(await rules.get(quiet.id))).toEqual(['sales_line']);
    expect(tablesRead(await rules.get(band.id)).sort()).toEqual([
      'forecast',
      'sales_line',
      'store_day_sales',
    ]);
    const afterTraffic = await rules.evaluateAfterLoad(['traffic'], new Date('2026-11-15T05:10:00Z'));
    expect(afterTraffic.map((e) => e.rule)).not.toContain(quiet.id);
    const afterSales = await rules.evaluateAfterLoad(['sales_line'], new Date('2026-11-15T05:10:00Z'));
    expect(afterSales.find((e) => e.rule === quiet.id)).toMatchObject({ opened: 0, stillOpen: stale.length });
    // Store 1's tills send again (a sale at 12:00): it recovers after that load.
    await engine.run(
      `INSERT INTO sales_line SELECT order_id + 1, line_no, TIMESTAMP '2026-11-15 12:00:00', date, store_id, channel, sku,
         member_id, qty, gross, discount, net, cost, promotion_id, coupon_id, load_id
       FROM sales_line WHERE store_id = 1 AND date = DATE '2026-11-15' ORDER BY ts DESC LIMIT 1`,
    );
    const back = await rules.evaluateAfterLoad(['sales_line'], new Date('2026-11-15T05:20:00Z'));
    expect(back.find((e) => e.rule === quiet.id)).toMatchObject({ recovered: 1, opened: 0 });
    await channels.deliverDue();
    expect(
      received().some((m) => m.text.startsWith(`${storeName}：`) && m.text.includes('最后一笔销售')),
    ).toBe(true);
  });

  it('tells a recipient whose grant does not reach the metric nothing, says why, and still tells the others', async () => {
    const channels = await Channels.open(store);
    const [hook] = await channels.list();
    const rules = await AlertRules.open(store, engine, channels);
    const supplier = (await userWithToken(store, 'supplier', [{ kind: 'supplier', value: '1' }])).username;
    const rule = await rules.save(
      {
        name: '日均店销',
        metric: 'psd',
        condition: { kind: 'threshold', op: 'above', value: 0 },
        recipients: [
          { username: supplier, channel: hook?.id as number },
          { username: marketer, channel: hook?.id as number },
        ],
      },
      'admin',
    );
    const result = await rules.evaluate(rule.id, new Date('2026-11-16T00:30:00Z'));
    expect(result.opened).toBe(1);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]).toContain(supplier);
  });

  it('refuses unknown metrics, dimensions a metric does not reach, bad schedules and unknown recipients', async () => {
    const channels = await Channels.open(store);
    const [hook] = await channels.list();
    const rules = await AlertRules.open(store, engine, channels);
    const base = {
      name: 'x',
      metric: 'net_sales',
      condition: { kind: 'threshold' as const, op: 'below' as const, value: 1 },
      recipients: [{ username: marketer, channel: hook?.id as number }],
    };
    await expect(rules.save({ ...base, metric: 'revenue' }, 'admin')).rejects.toThrow(
      /Unknown metric "revenue"/,
    );
    await expect(
      rules.save({ ...base, metric: 'visitors', dimensions: ['category_l1'] }, 'admin'),
    ).rejects.toThrow();
    await expect(rules.save({ ...base, schedule: '61 8 * * *' }, 'admin')).rejects.toThrow(
      /schedule: not a cron/,
    );
    await expect(
      rules.save({ ...base, recipients: [{ username: 'nobody', channel: hook?.id as number }] }, 'admin'),
    ).rejects.toThrow(/no user nobody/);
    await expect(
      rules.save(
        { ...base, metric: 'gross_margin', condition: { kind: 'attainment', behind: 0.1 } },
        'admin',
      ),
    ).rejects.toThrow(/attainment is kept for/);
  });

  it('finds the rules whose schedule came round, in the rule’s time zone', async () => {
    const channels = await Channels.open(store);
    const [hook] = await channels.list();
    const rules = await AlertRules.open(store, engine, channels);
    const daily = await rules.save(
      {
        name: '每日 8:30',
        metric: 'net_sales',
        condition: { kind: 'threshold', op: 'below', value: 0 },
        schedule: '30 8 * * *',
        timezone: 'Asia/Shanghai',
        recipients: [{ username: marketer, channel: hook?.id as number }],
      },
      'admin',
    );
    await rules.evaluate(daily.id, new Date('2026-11-16T00:35:00Z')); // 08:35 in Shanghai
    const due = (at: string) => rules.due(new Date(at)).then((list) => list.some((r) => r.id === daily.id));
    expect(await due('2026-11-16T12:00:00Z')).toBe(false); // 20:00 the same day
    expect(await due('2026-11-17T00:29:00Z')).toBe(false); // 08:29 next day
    expect(await due('2026-11-17T00:31:00Z')).toBe(true); // 08:31 next day
  });
});

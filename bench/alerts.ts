import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertRules, Channels } from '../src/alerts/index.js';
import { addUser, grant, openAppStore } from '../src/appstore/index.js';
import type { AlertRuleInput } from '../src/contract/index.js';
import { dataRange, runQuery } from '../src/metrics/index.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { demoFile } from './demo-file.js';
import { median, table } from './stats.js';

/**
 * 500 alert rules evaluated on the default demo chain while dashboard queries keep coming: the queries' p50 and p99
 * with nothing else running, then while every rule is evaluated (each recipient's figures with his grants,
 * messages queued to a webhook on 127.0.0.1). What a manager opening the overview at 08:30 waits.
 */
interface Options {
  rules: number;
  /** A demo chain's file instead of the default one (made once, kept in .bench-cache). */
  db?: string;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
};

export async function benchAlerts(options: Options): Promise<void> {
  const engine = await openWarehouse({ path: options.db ?? (await demoFile()), readOnly: true });
  const store = await openAppStore({
    path: join(mkdtempSync(join(tmpdir(), 'zhongtai-bench-alerts-')), 'app'),
  });
  const hooked = { calls: 0 };
  const receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      hooked.calls += 1;
      response.end('{"errcode":0}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    await addUser(store, { username: 'analyst', role: 'analyst', password: 'bench-Password-1' });
    await addUser(store, { username: 'manager', role: 'region_manager', password: 'bench-Password-1' });
    const [region] = await engine.query('SELECT region FROM store ORDER BY store_id LIMIT 1');
    await grant(store, 'manager', [{ kind: 'region', value: String(region?.region) }]);
    const channels = await Channels.open(store);
    const hook = await channels.save(
      {
        name: 'hook',
        kind: 'webhook',
        settings: { url: `http://127.0.0.1:${port}/in` },
        secret: { secret: 'bench-shared-secret' },
        perMinute: 10_000,
      },
      'bench',
    );
    const rules = await AlertRules.open(store, engine, channels);
    const recipients = [
      { username: 'analyst', channel: hook.id },
      { username: 'manager', channel: hook.id },
    ];
    // A chain's mix: thresholds and changes by store and region, attainment, anomalies, freshness.
    const kinds: ((i: number) => AlertRuleInput)[] = [
      (i) => ({
        name: `毛利率 ${i}`,
        metric: 'gross_margin',
        dimensions: ['store'],
        period: 'last7',
        condition: { kind: 'threshold', op: 'below', value: 0.15 + (i % 10) / 100 },
        recipients,
      }),
      (i) => ({
        name: `销售周环比 ${i}`,
        metric: 'net_sales',
        dimensions: ['region'],
        period: 'last7',
        condition: { kind: 'change', compare: 'wow', direction: 'down', by: 0.02 + (i % 10) / 100 },
        recipients,
      }),
      (i) => ({
        name: `客单价 ${i}`,
        metric: 'atv',
        dimensions: ['store'],
        period: 'last1',
        condition: { kind: 'threshold', op: 'below', value: 30 + (i % 20) },
        recipients,
      }),
      (i) => ({
        name: `达成 ${i}`,
        metric: 'net_sales',
        dimensions: ['region'],
        period: 'mtd',
        condition: { kind: 'attainment', behind: 0.05 + (i % 5) / 100 },
        recipients,
      }),
      (i) => ({
        name: `转化率异常 ${i}`,
        metric: 'conversion_rate',
        period: 'last7',
        condition: { kind: 'anomaly', minImpact: i % 3 },
        recipients,
      }),
    ];
    const made = performance.now();
    for (let i = 0; i < options.rules; i++)
      await rules.save(kinds[i % kinds.length]?.(i) as AlertRuleInput, 'bench');
    console.log(
      `${options.rules} rules saved (each checked against the catalogue) in ${((performance.now() - made) / 1000).toFixed(1)} s`,
    );

    const range = (await dataRange(engine)) as { from: string; to: string };
    const last30 = {
      from: new Date(Date.parse(range.to) - 29 * 86_400_000).toISOString().slice(0, 10),
      to: range.to,
    };
    const dashboard = [
      { metrics: ['net_sales', 'orders', 'atv', 'gross_margin'], timeRange: last30, compare: 'yoy' },
      { metrics: ['net_sales'], dimensions: ['region'], timeRange: last30 },
      { metrics: ['net_sales', 'gross_margin'], dimensions: ['store'], timeRange: last30, limit: 10 },
      { metrics: ['net_sales'], grain: 'day', timeRange: last30, compare: 'yoy_weekday' },
    ];
    const ask = async () => {
      const started = performance.now();
      await runQuery(engine, dashboard[Math.floor(Math.random() * dashboard.length)], { cache: false });
      return performance.now() - started;
    };
    const quiet: number[] = [];
    for (let i = 0; i < 80; i++) quiet.push(await ask());
    const busy: number[] = [];
    let evaluating = true;
    const evaluated = performance.now();
    const all = (async () => {
      const result = { opened: 0, queued: 0 };
      for (const rule of await rules.list()) {
        const r = await rules.evaluate(rule.id);
        result.opened += r.opened;
        result.queued += r.queued;
      }
      evaluating = false;
      return result;
    })();
    while (evaluating) busy.push(await ask());
    const done = await all;
    const seconds = (performance.now() - evaluated) / 1000;
    await channels.deliverDue();
    console.log(
      `all ${options.rules} rules evaluated for 2 recipients in ${seconds.toFixed(1)} s: ${done.opened} breaches opened, ${done.queued} messages queued, ${hooked.calls} delivered so far`,
    );
    console.log(
      table([
        ['dashboard queries', 'n', 'p50 ms', 'p99 ms', 'max ms'],
        ['alone', quiet.length, median(quiet), percentile(quiet, 0.99), Math.max(...quiet)],
        ['while rules evaluate', busy.length, median(busy), percentile(busy, 0.99), Math.max(...busy)],
      ]),
    );
  } finally {
    receiver.close();
    await store.close();
    await engine.close();
  }
}

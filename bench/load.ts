import autocannon from 'autocannon';
import { dataRange } from '../src/metrics/index.js';
import { buildServer } from '../src/server/index.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { tempAppStore, userWithToken } from '../test/support/server.js';
import { demoFile } from './demo-file.js';
import { table } from './stats.js';

interface Scenario {
  name: string;
  token: string;
  /** A request body per request: the same one (cached) or a new period each time (engine). */
  body: () => string;
}

const DAY = 86_400_000;
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/**
 * The API under load on loopback (autocannon, bounded in time): the ready-made overview question asked by
 * `connections` clients at once, answered from the result cache, and with a new period on every request so
 * each one reaches the engine — as an administrator and as a store manager (row-level security on). Reports
 * latency percentiles, throughput and every error or non-2xx answer.
 */
export async function benchLoad(options: { connections: number; seconds: number }): Promise<void> {
  const engine = await openWarehouse({ path: await demoFile(), readOnly: true });
  const store = await tempAppStore();
  const admin = await userWithToken(store, 'admin');
  const manager = await userWithToken(store, 'store_manager', [{ kind: 'store', value: 'S0003' }]);
  const app = await buildServer({ engine, appStore: store });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/v1/query`;
  const end = (await dataRange(engine))?.to as string;
  const overview = (from: string, to: string) =>
    JSON.stringify({
      metrics: ['net_sales', 'orders', 'atv', 'gross_margin', 'visitors', 'conversion_rate'],
      timeRange: { from, to },
      compare: 'yoy',
    });
  const fixed = overview(addDays(end, -29), end);
  let n = 0;
  // 300 days × 30-day periods: more distinct questions than the cache keeps, so each one is asked anew.
  const moving = () => {
    n += 1;
    const to = addDays(end, -(n % 300));
    return overview(addDays(to, -29), to);
  };
  const scenarios: Scenario[] = [
    { name: 'cached, admin', token: admin.token, body: () => fixed },
    { name: 'cached, store manager (RLS)', token: manager.token, body: () => fixed },
    { name: 'engine, admin', token: admin.token, body: moving },
    { name: 'engine, store manager (RLS)', token: manager.token, body: moving },
  ];
  const rows: (string | number)[][] = [
    ['scenario', 'connections', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx'],
  ];
  try {
    for (const s of scenarios) {
      await fetch(url, { method: 'POST', headers: headers(s.token), body: fixed }); // warm the cache
      const result = await autocannon({
        url,
        connections: options.connections,
        duration: options.seconds,
        method: 'POST',
        headers: headers(s.token),
        requests: [{ setupRequest: (req) => ({ ...req, body: s.body() }) }],
      });
      rows.push([
        s.name,
        options.connections,
        result.requests.total,
        Math.round(result.requests.average),
        result.latency.p50,
        result.latency.p99,
        result.latency.max,
        result.errors + result.timeouts,
        result.non2xx,
      ]);
    }
    console.log(
      `\nDefault demo chain, POST /api/v1/query, ${options.seconds} s per scenario on 127.0.0.1:\n`,
    );
    console.log(table(rows));
  } finally {
    await app.close();
    await engine.close();
    await store.close();
  }
}

const headers = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFiles, loadSpec } from '../src/ingest/index.js';
import { buildServer } from '../src/server/index.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { tempAppStore, userWithToken } from '../test/support/server.js';
import { storeMasterEntry, writeStoreMaster } from '../test/support/store-master.js';
import { table } from './stats.js';

/**
 * POS tickets pushed to a server on loopback at a fixed offered rate, in batches. Visibility delay: from
 * sending a batch until a query that asks for it counts its tickets.
 */
const SPEC = `source: pos
files:
${storeMasterEntry()}  - match: push-pos.jsonl
    targets:
      - table: orders
        columns:
          order_id: { from: ticket, type: int }
          ts: { from: ts }
          date: { from: day }
          store_id: { from: shop, type: int, references: store }
          channel: { from: till, allowed: [pos, self_checkout, scan_and_go, mini_program, delivery] }
          member_id: { from: card, type: int }
          status: { value: completed }
          net: { from: net, min: 0 }
          items: { from: items, type: int, min: 0 }
`;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

export async function benchPush(options: { rate: number; seconds: number; batch: number }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'zhongtai-bench-push-'));
  writeFileSync(join(dir, 'pos.yaml'), SPEC);
  writeStoreMaster(dir, 200);
  const engine = await openWarehouse({ path: join(dir, 'push.duckdb') });
  const spec = loadSpec(join(dir, 'pos.yaml'));
  await importFiles(engine, spec, [join(dir, 'stores.csv')]);
  const appStore = await tempAppStore();
  const { token } = await userWithToken(appStore, 'admin', [], ['ingest.push', 'data.read']);
  const app = await buildServer({ engine, specs: [spec], appStore });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const interval = (options.batch / options.rate) * 1000;
  const batches = Math.floor((options.seconds * 1000) / interval);
  const delays: number[] = [];
  let ticket = 0;
  let failures = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let b = 0; b < batches; b++) {
    const due = started + b * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const day = `2026-11-${String(20 + (b % 5)).padStart(2, '0')}`;
    const lines: string[] = [];
    for (let i = 0; i < options.batch; i++, ticket++) {
      lines.push(
        JSON.stringify({
          ticket,
          ts: `${day} 10:00:00`,
          day,
          shop: (ticket % 200) + 1,
          till: 'pos',
          card: null,
          net: 25.5,
          items: 2,
        }),
      );
    }
    const expectedTickets = ticket;
    const sent = performance.now();
    inflight.push(
      (async () => {
        const res = await fetch(`${base}/api/v1/ingest/pos`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-ndjson',
            'idempotency-key': `b${b}`,
            authorization: `Bearer ${token}`,
          },
          body: `${lines.join('\n')}\n`,
        });
        if (res.status !== 201) failures++;
        // Visible when a query counts at least the tickets sent so far (earlier batches may commit later).
        for (;;) {
          const q = await fetch(`${base}/api/v1/query`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({
              metrics: ['orders'],
              timeRange: { from: '2026-11-20', to: '2026-11-24' },
            }),
          });
          const orders = (await q.json()).rows[0]?.orders ?? 0;
          if (orders >= expectedTickets - options.batch * 4 || performance.now() - sent > 10_000) break;
          await new Promise((r) => setTimeout(r, 5));
        }
        delays.push(performance.now() - sent);
      })(),
    );
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - started) / 1000;
  const [count] = await engine.query('SELECT count(*) AS n FROM orders');
  await app.close();
  await engine.close();
  await appStore.close();
  console.log(
    `\noffered ${options.rate} events/s in batches of ${options.batch} for ${options.seconds} s; loaded ${Number(count?.n).toLocaleString('en')} of ${ticket.toLocaleString('en')} (${failures} failed requests)\n`,
  );
  console.log(
    table([
      ['measure', 'value'],
      ['sustained events/s', ticket / elapsed],
      ['visibility p50 (ms)', percentile(delays, 50)],
      ['visibility p99 (ms)', percentile(delays, 99)],
      ['visibility max (ms)', percentile(delays, 100)],
    ]),
  );
}

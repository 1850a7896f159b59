import pg from 'pg';
import { openAppStore } from '../src/appstore/index.js';
import type { MemberActor } from '../src/members/index.js';
import { PromotionCenter } from '../src/promotions/index.js';
import { table } from './stats.js';

/**
 * A flash sale's opening second, on the PostgreSQL server: `orders` requests at once (clients in this
 * process, as a server's requests are, through its pool) for `stock` units from `members` members with a limit
 * of 2. Throughput over the whole burst, latency of each request (sold or refused), and the checks: sold
 * equals the stock, nobody above the limit.
 */
interface Options {
  url: string;
  orders: number;
  stock: number;
  members: number;
  pool: number;
}

export async function benchFlash(options: Options): Promise<void> {
  const name = 'zhongtai_flash_bench';
  const admin = new pg.Client({ connectionString: `${options.url}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const store = await openAppStore({ url: `${options.url}/${name}`, poolSize: options.pool });
  const center = await PromotionCenter.open(store);
  const till: MemberActor = { id: 'app', stores: null, pii: false };
  const starts = new Date(Date.now() - 60_000);
  await center.saveFlashSale(
    { username: 'bench', ip: null },
    {
      id: 'bench',
      name: { zh: '压测秒杀', en: 'Bench flash sale' },
      sku: 1,
      price: '9.90',
      stock: options.stock,
      perMember: 2,
      startsAt: starts.toISOString(),
      endsAt: new Date(starts.getTime() + 3_600_000).toISOString(),
    },
  );
  const latencies: number[] = [];
  let sold = 0;
  const begun = performance.now();
  await Promise.all(
    Array.from({ length: options.orders }, async (_, i) => {
      const t = performance.now();
      try {
        await center.orderFlash(till, `b${i}`, 'bench', {
          member: `M${String(i % options.members).padStart(8, '0')}`,
          qty: 1,
        });
        sold += 1;
      } catch {
        // Sold out or the member's limit: an answer too, timed like the others.
      }
      latencies.push(performance.now() - t);
    }),
  );
  const seconds = (performance.now() - begun) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const state = await center.flashState('bench');
  const [over] = await store.query<{ n: string }>('SELECT count(*) AS n FROM flash_member WHERE qty > 2');
  console.log(
    table([
      ['requests', 'stock', 'members', 'requests/s', 'p50 ms', 'p99 ms', 'sold', 'members over the limit'],
      [
        options.orders,
        options.stock,
        options.members,
        options.orders / seconds,
        at(0.5),
        at(0.99),
        state.sold,
        Number(over?.n),
      ],
    ]),
  );
  if (state.sold !== Math.min(options.stock, sold) || sold !== state.sold)
    console.log('ANOMALY: sold differs from orders taken');
  await store.close();
}

import pg from 'pg';
import { openAppStore } from '../src/appstore/index.js';
import type { MemberActor } from '../src/members/index.js';
import { FlashGate, PromotionCenter } from '../src/promotions/index.js';
import { median, table } from './stats.js';

/**
 * A flash sale's opening second, on the PostgreSQL server: `orders` requests at once (clients in this
 * process, as a server's requests are, through its pool) for `stock` units from `members` members with a limit
 * of 2 — PostgreSQL alone, then with the Redis gate in front, `runs` bursts of each, alternating. Throughput over
 * the whole burst, latency of each request (sold or refused), and the checks: sold equals the stock, nobody
 * above the limit.
 */
interface Options {
  url: string;
  redis: string;
  orders: number;
  stock: number;
  members: number;
  pool: number;
  runs: number;
}

interface Burst {
  perSecond: number;
  p50: number;
  p99: number;
  sold: number;
  over: number;
  anomaly: boolean;
}

async function burst(options: Options, gated: boolean, run: number): Promise<Burst> {
  const name = 'zhongtai_flash_bench';
  const admin = new pg.Client({ connectionString: `${options.url}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const store = await openAppStore({ url: `${options.url}/${name}`, poolSize: options.pool });
  const gate = gated
    ? await FlashGate.connect(options.redis, `zhongtai:bench:${process.pid}:${run}:`)
    : undefined;
  const center = await PromotionCenter.open(store, gate ? { gate } : {});
  const till: MemberActor = { id: 'app', stores: null, pii: false };
  const starts = new Date(Date.now() - 60_000);
  await center.campaigns.saveFlashSale(
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
        await center.campaigns.orderFlash(till, `b${i}`, 'bench', {
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
  const state = await center.campaigns.flashState('bench');
  const [over] = await store.query<{ n: string }>('SELECT count(*) AS n FROM flash_member WHERE qty > 2');
  await gate?.forget(['bench']);
  await gate?.close();
  await store.close();
  return {
    perSecond: options.orders / seconds,
    p50: at(0.5),
    p99: at(0.99),
    sold: state.sold,
    over: Number(over?.n),
    anomaly: state.sold !== Math.min(options.stock, sold) || sold !== state.sold,
  };
}

export async function benchFlash(options: Options): Promise<void> {
  const alone: Burst[] = [];
  const gated: Burst[] = [];
  for (let run = 0; run < options.runs; run++) {
    alone.push(await burst(options, false, run));
    gated.push(await burst(options, true, run));
  }
  const row = (label: string, runs: Burst[]) => [
    label,
    options.orders,
    options.stock,
    median(runs.map((r) => r.perSecond)),
    median(runs.map((r) => r.p50)),
    median(runs.map((r) => r.p99)),
    runs.map((r) => r.sold).join('/'),
    runs.reduce((n, r) => n + r.over, 0),
  ];
  console.log(
    table([
      [
        '',
        'requests',
        'stock',
        'requests/s',
        'p50 ms',
        'p99 ms',
        'sold (each run)',
        'members over the limit',
      ],
      row('PostgreSQL alone', alone),
      row('Redis gate + PostgreSQL', gated),
    ]),
  );
  console.log(
    `gate ÷ alone: ${(median(gated.map((r) => r.perSecond)) / median(alone.map((r) => r.perSecond))).toFixed(2)}× requests/s (medians of ${options.runs})`,
  );
  if ([...alone, ...gated].some((r) => r.anomaly)) console.log('ANOMALY: sold differs from orders taken');
}

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../src/warehouse/index.js';
import { ROOT } from './support/paths.js';
import { freshPostgresDatabase } from './support/postgres.js';
import { bin, freePort, keyedCall, serve } from './support/serve-process.js';

/**
 * A flash sale across kill -9, on the PostgreSQL server behind a Redis gate of the test's own: the server is
 * killed during the burst (Redis keeps the units it took for requests never written), started again, and the
 * burst goes on; then Redis is killed (its counters gone, started empty) while the server runs, and the burst
 * goes on until the sale is sold out. Every acknowledged order is in PostgreSQL and answers its first answer
 * to a retry; sold is exactly the stock (nothing lost to the gate, nothing sold twice); nobody past the limit.
 */
const run = promisify(execFile);
const STOCK = 300;
const MEMBERS = 200;

async function startRedis(port: number): Promise<{ child: ChildProcess; exit: Promise<void> }> {
  const child = spawn('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  const exit = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
  return { child, exit };
}

describe('a flash sale across kill -9 of the server and of Redis', () => {
  it('keeps every acknowledged order, sells exactly the stock, nobody past the limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhongtai-flash-kill-'));
    const db = join(dir, 'w.duckdb');
    await (await openWarehouse({ path: db })).close();
    const url = await freshPostgresDatabase('zhongtai_flash_kill');
    const redisPort = await freePort();
    let redis = await startRedis(redisPort);
    const extra = ['--app-db', url, '--redis', `redis://127.0.0.1:${redisPort}/0`];
    await run('node', [bin, 'users', 'add', 'shop', '--role', 'admin', '--db', db, '--app-db', url], {
      cwd: ROOT,
    });
    const made = await run(
      'node',
      [
        bin,
        'tokens',
        'create',
        '--user',
        'shop',
        '--name',
        'app',
        '--permission',
        'promotions.sell',
        '--permission',
        'promotions.edit',
        '--db',
        db,
        '--app-db',
        url,
      ],
      { cwd: ROOT },
    );
    const token = /zt_[0-9a-f]+_[\w-]+/.exec(made.stdout)?.[0] as string;

    let server = await serve(db, extra);
    await server.ready;
    const starts = new Date(Date.now() - 60_000);
    const saved = await fetch(`http://127.0.0.1:${server.port}/api/v1/flash-sales/kill`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'kill',
        name: { zh: '断电秒杀', en: 'Kill sale' },
        sku: 1,
        price: '1.00',
        stock: STOCK,
        perMember: 2,
        startsAt: starts.toISOString(),
        endsAt: new Date(starts.getTime() + 3_600_000).toISOString(),
      }),
    });
    expect(saved.status).toBe(200);

    // Request i: member i % MEMBERS, one unit, key f-i. 2 × MEMBERS requests could buy 400 > STOCK.
    const answers = new Map<number, { status: number; body: { order?: number } | null }>();
    const order = (port: number, i: number) =>
      keyedCall(port, token, '/api/v1/flash-sales/kill/orders', `f-${i}`, {
        member: `M${String(i % MEMBERS).padStart(8, '0')}`,
        qty: 1,
      });
    // Each request is sent again in every phase under its key, as a till retries: an order taken answers its
    // first answer (200, the same body), one refused or unanswered tries again.
    const replays: string[] = [];
    let next = 0;
    let running = false;
    const burst = async (port: number) => {
      running = true;
      next = 0;
      await Promise.all(
        Array.from({ length: 12 }, async () => {
          while (next < 2 * MEMBERS) {
            const i = next++;
            const answer = await order(port, i);
            const was = answers.get(i);
            if (was?.status !== 201) answers.set(i, answer);
            else if (answer.status !== 0 && !isDeepStrictEqual(answer, { ...was, status: 200 }))
              replays.push(`request ${i}: ${JSON.stringify(answer)} after ${JSON.stringify(was)}`);
          }
        }),
      );
      running = false;
    };
    const sold = () => [...answers.values()].filter((a) => a.status === 201).length;
    const soldReaches = async (n: number) => {
      while (running && sold() < n) await new Promise((r) => setTimeout(r, 2));
    };

    // 1. The server killed mid-burst: Redis keeps units taken for requests that never reached PostgreSQL.
    const first = burst(server.port);
    await soldReaches(60);
    server.kill('SIGKILL');
    await server.exit;
    await first;
    const unanswered = [...answers].filter(([, a]) => a.status === 0).map(([i]) => i);
    expect(unanswered.length).toBeGreaterThan(0);

    // 2. Started again (the gate's counters reload from PostgreSQL): the burst goes on; then Redis is killed.
    server = await serve(db, extra);
    await server.ready;
    const second = burst(server.port);
    await soldReaches(sold() + 60);
    redis.child.kill('SIGKILL');
    await redis.exit;
    await second;
    redis = await startRedis(redisPort);
    // 3. Redis back, empty: counters reload from PostgreSQL; every request once more, until the sale is sold out.
    await burst(server.port);
    expect(replays).toEqual([]);

    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      const orders = await pool.query<{ id: string; member_code: string; qty: number }>(
        "SELECT id, member_code, qty FROM flash_order WHERE sale_id = 'kill' AND state <> 'released'",
      );
      const units = orders.rows.reduce((n, o) => n + o.qty, 0);
      expect(units).toBe(STOCK);
      const [sale] = (
        await pool.query<{ sold: number; stock: number }>(
          `SELECT CAST((SELECT sum(sold) FROM flash_stock WHERE sale_id = 'kill') AS INTEGER) AS sold, stock
           FROM flash_sale WHERE id = 'kill'`,
        )
      ).rows;
      expect(sale).toEqual({ sold: STOCK, stock: STOCK });
      const perMember = new Map<string, number>();
      for (const o of orders.rows) perMember.set(o.member_code, (perMember.get(o.member_code) ?? 0) + o.qty);
      expect(Math.max(...perMember.values())).toBeLessThanOrEqual(2);
      // Every acknowledged order is there, and a retry of its key answers it again.
      const ids = new Set(orders.rows.map((o) => Number(o.id)));
      const acknowledged = [...answers].filter(([, a]) => a.status === 201);
      for (const [, a] of acknowledged) expect(ids.has(a.body?.order as number)).toBe(true);
      for (const [i, a] of acknowledged.slice(0, 40)) {
        const again = await order(server.port, i);
        expect(again, `request ${i}`).toEqual({ status: 200, body: a.body });
      }
      // Sold out now, and the state says so: sold + left = stock.
      const state = await (
        await fetch(`http://127.0.0.1:${server.port}/api/v1/flash-sales/kill`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json();
      expect(state).toMatchObject({ sold: STOCK, left: 0 });
    } finally {
      await pool.end();
      server.kill('SIGTERM');
      await server.exit;
      redis.child.kill('SIGTERM');
      await redis.exit;
    }
  }, 300_000);
});

import pg from 'pg';
import { openAppStore } from '../src/appstore/index.js';
import { type MemberActor, MemberCenter } from '../src/members/index.js';
import { table } from './stats.js';

/**
 * Wallet payments from many clients at once on the PostgreSQL server: one hot account (every write waits
 * for the one before it on that row) and thousands of accounts (writes spread). Ours: the member center's
 * whole write — idempotency key claimed, wallet locked, journal entry and lines, outbox row, answer kept —
 * against the floor: a bare transaction that only decrements the same wallet row. Afterwards the anomalies:
 * a ledger that does not balance, a wallet that is not the sum of its entries, an acknowledged write missing
 * or doubled. The clients run in this process, beside the server on the same two cores.
 */
interface Options {
  url: string;
  members: number;
  clients: number;
  seconds: number;
  /** Connections to the server: the clients queue for them, as a server's requests do for its pool. */
  pool: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function drive(clients: number, seconds: number, one: (client: number, n: number) => Promise<void>) {
  const latencies: number[] = [];
  let failed = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let n = 0; performance.now() < until; n++) {
        const t = performance.now();
        try {
          await one(client, n);
          latencies.push(performance.now() - t);
        } catch {
          failed += 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / elapsed,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    done: latencies.length,
    failed,
  };
}

export async function benchMembers(options: Options): Promise<void> {
  const name = 'zhongtai_members_bench';
  const admin = new pg.Client({ connectionString: `${options.url}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = `${options.url}/${name}`;
  const store = await openAppStore({ url, poolSize: options.pool });
  const center = await MemberCenter.open(store);
  const actor: MemberActor = { id: 'bench', stores: null, pii: false };

  console.log(`Registering ${options.members} members and topping each up …`);
  const codes: string[] = [];
  let made = 0;
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      while (made < options.members) {
        const i = made++;
        const phone = `13${String(100_000_000 + i).slice(-9)}`;
        const { answer } = await center.register(actor, `reg-${i}`, { phone, externalIds: [] });
        await center.moveWallet(actor, `top-${i}`, answer.code, 'top_up', { amount: '1000', store: 1 });
        codes[i] = answer.code;
      }
    }),
  );
  const ids = (
    await store.query<{ id: string; code: string }>('SELECT id, code FROM member ORDER BY id')
  ).map((r) => ({
    id: r.id,
    code: r.code,
  }));
  const byCode = new Map(ids.map((r) => [r.code, r.id]));

  const pool = new pg.Pool({ connectionString: url, max: options.pool });
  const rows: (string | number)[][] = [['case', 'writes/s', 'p50 ms', 'p99 ms', 'done', 'failed']];
  const ours: Record<string, number> = {};
  let phase = 0;
  for (const [label, pickMember] of [
    ['one hot account', () => codes[0] as string],
    [`${options.members} accounts`, () => codes[Math.floor(Math.random() * codes.length)] as string],
  ] as const) {
    phase += 1;
    const ourRun = await drive(options.clients, options.seconds, (client, n) =>
      center
        .moveWallet(actor, `p${phase}-${client}-${n}`, pickMember(), 'pay', { amount: '0.01', store: 1 })
        .then(() => undefined),
    );
    const floorRun = await drive(options.clients, options.seconds, async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          'UPDATE wallet SET principal = principal - 1 WHERE member_id = $1 AND principal >= 1',
          [byCode.get(pickMember())],
        );
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    });
    rows.push([
      `member center, ${label}`,
      ourRun.perSecond,
      ourRun.p50,
      ourRun.p99,
      ourRun.done,
      ourRun.failed,
    ]);
    rows.push([
      `bare UPDATE, ${label}`,
      floorRun.perSecond,
      floorRun.p50,
      floorRun.p99,
      floorRun.done,
      floorRun.failed,
    ]);
    ours[label] = ourRun.done;
    // The floor's decrements were not journalled: put them back so the anomaly check reads the ledger alone.
    await pool.query(
      `UPDATE wallet w SET principal = e.p, bonus = e.b
       FROM (SELECT member_id, sum(principal) AS p, sum(bonus) AS b FROM journal_entry GROUP BY member_id) e
       WHERE e.member_id = w.member_id`,
    );
  }
  console.log(table(rows));

  const [unbalanced] = await store.query<{ n: string }>(
    'SELECT count(*) AS n FROM (SELECT entry_id FROM journal_line GROUP BY entry_id HAVING sum(amount) <> 0) x',
  );
  const [drift] = await store.query<{ n: string }>(
    `SELECT count(*) AS n FROM wallet w JOIN (SELECT member_id, sum(principal) AS p, sum(bonus) AS b FROM journal_entry GROUP BY member_id) e
       ON e.member_id = w.member_id WHERE w.principal <> e.p OR w.bonus <> e.b`,
  );
  const [pays] = await store.query<{ n: string }>(
    "SELECT count(*) AS n FROM journal_entry WHERE kind = 'pay'",
  );
  const acknowledged = Object.values(ours).reduce((a, b) => a + b, 0);
  console.log(
    `\nAnomalies: unbalanced entries ${unbalanced?.n}, wallets off their entries ${drift?.n}, pays journalled ${pays?.n} of ${acknowledged} acknowledged`,
  );
  await pool.end();
  await store.close();
}

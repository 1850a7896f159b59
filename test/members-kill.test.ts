import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type AppStore, openAppStore } from '../src/appstore/index.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { ROOT } from './support/paths.js';
import { freshPostgresDatabase } from './support/postgres.js';
import { bin, keyedCall, serve } from './support/serve-process.js';

/**
 * The member center's server killed with SIGKILL during a burst of wallet writes, started again, and every
 * write sent once more under its key (a till retries what it was not answered). Every acknowledged write is
 * there exactly once and answers its first answer again; every other one took effect once or not at all; the
 * ledger balances and each wallet equals the sum of its entries. On PostgreSQL and on the embedded store.
 */
const run = promisify(execFile);

const MEMBERS = 4;
const WRITES = 240;
/** Write i: a top-up or a payment of its own amount, for member i % MEMBERS. */
const write = (i: number) => ({
  path: i % 3 === 2 ? 'pay' : 'top-up',
  body: { amount: `${(i % 37) + 1}.${String(i % 100).padStart(2, '0')}`, store: 1, reference: `w-${i}` },
});

const call = keyedCall;

async function scenario(appDb: string | undefined, openStore: (dir: string) => Promise<AppStore>) {
  const dir = mkdtempSync(join(tmpdir(), 'zhongtai-members-kill-'));
  const db = join(dir, 'w.duckdb');
  // An empty warehouse: the member center needs none of its data.
  await (await openWarehouse({ path: db })).close();
  const extra = appDb ? ['--app-db', appDb] : [];
  await run('node', [bin, 'users', 'add', 'till', '--role', 'admin', '--db', db, ...extra], { cwd: ROOT });
  const made = await run(
    'node',
    [
      bin,
      'tokens',
      'create',
      '--user',
      'till',
      '--name',
      'pos',
      '--permission',
      'members.write',
      '--db',
      db,
      ...extra,
    ],
    { cwd: ROOT },
  );
  const token = /zt_[0-9a-f]+_[\w-]+/.exec(made.stdout)?.[0] as string;

  const first = await serve(db, appDb ? ['--app-db', appDb] : []);
  await first.ready;
  const codes: string[] = [];
  for (let m = 0; m < MEMBERS; m++) {
    const res = await call(first.port, token, '/api/v1/members', `member-${m}`, { phone: `1880000000${m}` });
    expect(res.status).toBe(201);
    codes.push(res.body.code);
  }
  const send = (port: number, i: number) => {
    const { path, body } = write(i);
    return call(port, token, `/api/v1/members/${codes[i % MEMBERS]}/wallet/${path}`, `w-${i}`, body);
  };
  const answers: { status: number; body: unknown }[] = Array(WRITES).fill({ status: -1, body: null });
  let next = 0;
  const tills = Array.from({ length: 8 }, async () => {
    while (next < WRITES) {
      const i = next++;
      answers[i] = await send(first.port, i);
    }
  });
  const started = Date.now();
  while (answers.filter((a) => a.status === 201).length < 40 && Date.now() - started < 60_000)
    await new Promise((r) => setTimeout(r, 2));
  first.kill('SIGKILL');
  await first.exit;
  await Promise.all(tills);
  const acknowledged = answers.flatMap((a, i) => (a.status === 201 || a.status === 422 ? [i] : []));
  const unanswered = answers.flatMap((a, i) => (a.status === 0 || a.status === -1 ? [i] : []));
  expect(acknowledged.length).toBeGreaterThanOrEqual(40);
  expect(unanswered.length).toBeGreaterThan(0);

  const second = await serve(db, appDb ? ['--app-db', appDb] : []);
  await second.ready;
  const retried = [];
  for (let i = 0; i < WRITES; i++) retried.push(await send(second.port, i));
  second.kill('SIGTERM');
  await second.exit;
  for (const i of acknowledged) {
    const first = answers[i] as { status: number; body: unknown };
    // A write that took effect answers its first answer again; a refused one (422) left no key behind.
    if (first.status === 201) expect(retried[i], `write ${i}`).toEqual({ status: 200, body: first.body });
  }
  for (const i of unanswered) expect([200, 201, 422], `write ${i}`).toContain(retried[i]?.status);

  const store = await openStore(dir);
  try {
    const twice = await store.query(
      'SELECT reference FROM journal_entry GROUP BY reference HAVING count(*) > 1',
    );
    expect(twice).toEqual([]);
    const [entries] = await store.query<{ n: string }>('SELECT count(*) AS n FROM journal_entry');
    expect(Number(entries?.n)).toBe(retried.filter((r) => r.status === 200 || r.status === 201).length);
    const [unbalanced] = await store.query(
      'SELECT entry_id FROM journal_line GROUP BY entry_id HAVING sum(amount) <> 0',
    );
    expect(unbalanced).toBeUndefined();
    const [total] = await store.query<{ sum: string }>(
      'SELECT coalesce(sum(amount), 0) AS sum FROM journal_line',
    );
    expect(Number(total?.sum)).toBe(0);
    const drift = await store.query(
      `SELECT w.member_id FROM wallet w
       LEFT JOIN (SELECT member_id, sum(principal) AS p, sum(bonus) AS b FROM journal_entry GROUP BY member_id) e
         ON e.member_id = w.member_id
       WHERE w.principal <> coalesce(e.p, 0) OR w.bonus <> coalesce(e.b, 0)`,
    );
    expect(drift).toEqual([]);
  } finally {
    await store.close();
  }
}

describe('member center writes across a kill -9', () => {
  it('on the PostgreSQL server: nothing lost, nothing doubled', async () => {
    const url = await freshPostgresDatabase('zhongtai_members_kill');
    await scenario(url, () => openAppStore({ url }));
  }, 240_000);

  it('on the embedded store: nothing lost, nothing doubled', async () => {
    await scenario(undefined, (dir) => openAppStore({ path: join(dir, 'w.app') }));
  }, 240_000);
});

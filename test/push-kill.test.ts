import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { listAudit, openAppStore } from '../src/appstore/index.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { ROOT } from './support/paths.js';
import { storeMasterEntry, takingsEntry, writeStoreMaster } from './support/store-master.js';

/**
 * A server killed with SIGKILL during a burst of pushes, then started again and pushed the same batches once
 * more (a till retries what it was not answered): every batch is stored exactly once, and every load that
 * landed is in the audit log — including one committed just before the kill, whose audit entry never got written.
 */
const run = promisify(execFile);
const bin = join(ROOT, 'bin', 'zhongtai.js');
const dir = mkdtempSync(join(tmpdir(), 'zhongtai-push-kill-'));
const db = join(dir, 'w.duckdb');
const spec = join(dir, 'pos.yaml');
const port = 39_000 + Math.floor(Math.random() * 2_000);

function serve() {
  const child = spawn(
    'node',
    [bin, 'serve', '--db', db, '--spec', spec, '--port', String(port), '--log-level', 'warn'],
    {
      cwd: ROOT,
    },
  );
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('is serving')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  const exit = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, ready, exit };
}

const BATCHES = 60;
/** Batch i: one store-day of its own (store i % 5 + 1, day i), so a doubled batch would show. */
const batch = (i: number) =>
  `{"shop":${(i % 5) + 1},"day":"${new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)}","takings":${i + 0.25},"tickets":${i}}\n`;

async function push(token: string, i: number): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/ingest/pos`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/x-ndjson',
        'idempotency-key': `till-7-batch-${i}`,
      },
      body: batch(i),
    });
    return res.status;
  } catch {
    return 0; // no answer: the server died under it
  }
}

describe('pushes across a kill -9', () => {
  it('stores every batch once, and audits every load that landed', async () => {
    writeFileSync(spec, `source: pos\nfiles:\n${storeMasterEntry()}${takingsEntry('push-pos.jsonl')}`);
    writeStoreMaster(dir, 5);
    await run('node', [bin, 'import', '--db', db, '--spec', spec, join(dir, 'stores.csv')], { cwd: ROOT });
    await run('node', [bin, 'users', 'add', 'till', '--role', 'admin', '--db', db], { cwd: ROOT });
    const made = await run(
      'node',
      [bin, 'tokens', 'create', '--user', 'till', '--name', 'pos', '--permission', 'ingest.push', '--db', db],
      { cwd: ROOT },
    );
    const token = /zt_[0-9a-f]+_[\w-]+/.exec(made.stdout)?.[0] as string;
    expect(token).toBeTruthy();

    const first = serve();
    await first.ready;
    // Pushes in flight, a few at a time, and the server killed in the middle of them.
    const answers: number[] = Array(BATCHES).fill(0);
    let next = 0;
    const tills = Array.from({ length: 4 }, async () => {
      while (next < BATCHES) {
        const i = next++;
        answers[i] = await push(token, i);
      }
    });
    // Killed once a few batches are acknowledged: the rest are in flight or not yet sent.
    const started = Date.now();
    while (answers.filter((code) => code === 201).length < 5 && Date.now() - started < 60_000)
      await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGKILL');
    await first.exit;
    await Promise.all(tills);
    const acknowledged = answers.flatMap((code, i) => (code === 201 ? [i] : []));
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.length).toBeLessThan(BATCHES);

    // Started again, the tills send every batch once more under the same keys.
    const second = serve();
    await second.ready;
    const retried = await Promise.all(Array.from({ length: BATCHES }, (_, i) => push(token, i)));
    second.child.kill('SIGTERM');
    await second.exit;
    for (const i of acknowledged) expect(retried[i], `batch ${i}`).toBe(200);
    expect(retried.every((code) => code === 200 || code === 201)).toBe(true);

    const engine = await openWarehouse({ path: db, readOnly: true });
    const [stored] = await engine.query(
      `SELECT count(*) AS days, count(DISTINCT date) AS distinct_days, sum(orders) AS orders FROM store_day_sales`,
    );
    const loads = await engine.query(
      `SELECT load_id FROM ingest_load WHERE status = 'ok' AND files LIKE '["push:%' ORDER BY load_id`,
    );
    await engine.close();
    expect(Number(stored?.days)).toBe(BATCHES);
    expect(Number(stored?.distinct_days)).toBe(BATCHES);
    expect(Number(stored?.orders)).toBe((BATCHES * (BATCHES - 1)) / 2);
    expect(loads).toHaveLength(BATCHES);

    const store = await openAppStore({ path: join(dir, 'w.app') });
    const pushed = new Set(loads.map((l) => Number(l.load_id)));
    // Each push load once in the log (the stores' import, by the CLI, is there too).
    const audited = (await listAudit(store, { action: 'ingest.load', limit: 10_000 }))
      .filter((e) => e.detail.replayed === false && pushed.has(Number(e.detail.loadId)))
      .map((e) => Number(e.detail.loadId))
      .sort((a, b) => a - b);
    await store.close();
    expect(audited).toEqual(loads.map((l) => Number(l.load_id)));
  }, 180_000);
});

import { afterAll, describe, expect, it } from 'vitest';
import { freshPostgresStore } from '../../test/support/postgres.js';
import { tempAppStore } from '../../test/support/server.js';
import type { AppStore } from '../appstore/index.js';
import { WorkforceCenter } from './center.js';
import type { Shift } from './types.js';

const opened: AppStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
});

const shift = (employee: string, date: string, start: number, end: number): Shift => ({
  store: '7',
  employee,
  date,
  start: start * 60,
  end: end * 60,
  role: 'cashier',
});

/** Each test its own store (a fresh server database is dropped with its connections when made again). */
const STORES: [string, (name: string) => Promise<AppStore>][] = [
  ['embedded PGlite', () => tempAppStore()],
  ['PostgreSQL server', (name) => freshPostgresStore(`zhongtai_workforce_${name}`, 12)],
];

describe.each(STORES)('the workforce center on %s', (_, open) => {
  it('keeps every save as a version, refuses a save based on a stale one, and publishes one version at a time', async () => {
    const store = await open('versions');
    opened.push(store);
    const center = await WorkforceCenter.open(store);
    const week = '2026-12-07';
    const first = await center.save('7', week, [shift('A', week, 9, 17)], 'li', 0);
    expect(first).toMatchObject({ version: 1, status: 'draft', madeBy: 'li' });
    // Eight editors save on top of version 1 at once: one wins, the rest are told to reload.
    const tries = await Promise.allSettled(
      Array.from({ length: 8 }, (_, k) =>
        center.save('7', week, [shift('A', week, 9 + (k % 3), 17)], `editor-${k}`, 1),
      ),
    );
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
    for (const t of tries.filter((t) => t.status === 'rejected'))
      expect((t as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
    expect((await center.roster('7', week))?.version).toBe(2);
    await center.publish('7', week, 1, 'li');
    await center.publish('7', week, 2, 'wang');
    expect((await center.versions('7', week)).map((v) => [v.version, v.status])).toEqual([
      [2, 'published'],
      [1, 'replaced'],
    ]);
    expect(await center.publishedShifts('7', week, '2026-12-13')).toHaveLength(1);
    const outbox = await store.query<{ topic: string }>("SELECT topic FROM wf_outbox WHERE topic = 'roster'");
    expect(outbox).toHaveLength(2);
    await expect(center.save('7', week, [shift('A', '2026-12-14', 9, 17)], 'li', 2)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('keeps a punch sent many times, by many clients at once, as one', async () => {
    const store = await open('clock');
    opened.push(store);
    const center = await WorkforceCenter.open(store);
    const punches = [
      { employee: 'A', at: '2026-12-07T08:58:00', kind: 'in' as const },
      { employee: 'A', at: '2026-12-07T17:03:00', kind: 'out' as const },
      { employee: 'B', at: '2026-12-07T09:01:00' },
    ];
    const counts = await Promise.all(
      Array.from({ length: 10 }, () => center.recordClock('clock-1', punches)),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(await center.clockEvents(['A', 'B'], '2026-12-07', '2026-12-07')).toEqual([
      { employee: 'A', at: '2026-12-07T08:58:00', kind: 'in' },
      { employee: 'B', at: '2026-12-07T09:01:00' },
      { employee: 'A', at: '2026-12-07T17:03:00', kind: 'out' },
    ]);
  });
});

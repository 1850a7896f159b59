import { afterAll, describe, expect, it } from 'vitest';
import { freshPostgresStore } from '../../test/support/postgres.js';
import { tempAppStore } from '../../test/support/server.js';
import type { AppStore } from '../appstore/index.js';
import type { MemberActor } from '../members/index.js';
import { PromotionCenter } from './index.js';

/**
 * Group buying (拼团) on the real PostgreSQL server and the embedded store: a group of 5 joined by 8 members at
 * the same moment holds exactly 5 and confirms them; a member cannot join twice; a group not full in time fails
 * and refunds every member.
 */
const opened: AppStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
});
const app: MemberActor = { id: 'app', stores: null, pii: false };
const who = (i: number) => `M${String(i).padStart(8, '0')}`;

describe.each([
  ['PostgreSQL server', () => freshPostgresStore('zhongtai_groups', 20)],
  ['embedded PGlite', tempAppStore],
] as const)('group buying on %s', (_name, open) => {
  it('fills a group of 5 with 8 joining at once exactly, and fails and refunds one not full in time', async () => {
    const store = await open();
    opened.push(store);
    let now = new Date('2026-12-01T02:00:00Z');
    const center = await PromotionCenter.open(store, { clock: () => now });
    await center.campaigns.saveGroupDeal(
      { username: 'test', ip: null },
      { id: 'pt5', name: { zh: '5人团', en: 'Group of 5' }, sku: 2001, price: '39.90', size: 5, hours: 24 },
    );
    const opened1 = await center.campaigns.openGroup(app, 'open-1', 'pt5', { member: who(0) });
    expect(opened1.answer).toMatchObject({ size: 5, joined: 1, state: 'open' });
    const group = opened1.answer.group;
    const joins = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        center.campaigns.joinGroup(app, `join-${i}`, group, { member: who(i + 1) }),
      ),
    );
    expect(joins.filter((j) => j.status === 'fulfilled')).toHaveLength(4);
    for (const j of joins.filter((x) => x.status === 'rejected'))
      expect(String((j as PromiseRejectedResult).reason)).toMatch(/已满|is full/);
    const full = await center.campaigns.group(group);
    expect(full).toMatchObject({ joined: 5, state: 'succeeded' });
    expect(full.members).toHaveLength(5);
    expect(full.members.every((m) => m.state === 'confirmed' && m.amount === '39.90')).toBe(true);

    // A second group: the leader may not join it twice; two join and time runs out.
    const second = (await center.campaigns.openGroup(app, 'open-2', 'pt5', { member: who(20) })).answer.group;
    await expect(center.campaigns.joinGroup(app, 'twice', second, { member: who(20) })).rejects.toThrow(
      /已在拼团|already/,
    );
    await center.campaigns.joinGroup(app, 'j21', second, { member: who(21) });
    expect((await center.campaigns.group(second)).joined).toBe(2);
    now = new Date('2026-12-02T02:00:01Z');
    expect(await center.campaigns.failExpiredGroups()).toBe(1);
    const failed = await center.campaigns.group(second);
    expect(failed).toMatchObject({ state: 'failed', joined: 2 });
    expect(failed.members.map((m) => m.state)).toEqual(['refunded', 'refunded']);
    await expect(center.campaigns.joinGroup(app, 'late', second, { member: who(22) })).rejects.toThrow(
      /已结束|is over/,
    );
  }, 60_000);
});

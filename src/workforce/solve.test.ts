import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { staffMember } from '../../test/support/staff.js';
import { addDays } from '../model/index.js';
import { checkRoster } from './check.js';
import { parseRules } from './files.js';
import { scheduleStore } from './solve.js';
import type { Requirement } from './types.js';

const person = staffMember;

const hourly = (date: string, from: number, to: number, required: number, skill = 'cashier'): Requirement[] =>
  Array.from({ length: to - from }, (_, k) => ({
    store: 'S1',
    date,
    start: (from + k) * 60,
    end: (from + k + 1) * 60,
    required,
    skill,
  }));

describe('the schedule solver', () => {
  it('covers a demand one person can meet with the one shift that fits, proven optimal', async () => {
    const rules = parseRules({ shift: { minHours: 4, maxHours: 9 } });
    const result = await scheduleStore('S1', hourly('2026-12-07', 9, 17, 1), [person('A')], rules);
    expect(result.status).toBe('optimal');
    expect(result.shifts).toEqual([
      { store: 'S1', employee: 'A', date: '2026-12-07', start: 540, end: 1020, role: 'cashier' },
    ]);
    expect(result).toMatchObject({ demandHours: 8, coveredHours: 8, coverageBoundHours: 8, overHours: 0 });
    // 8 paid hours at 25.00 yuan.
    expect(result.costFen).toBe(20_000);
    expect(result.gaps).toEqual([]);
  });

  it('leaves uncovered what no rule lets anyone cover, and says why in words', async () => {
    const rules = parseRules({});
    const demand = [...hourly('2026-12-07', 9, 17, 1), ...hourly('2026-12-08', 9, 17, 1)];
    const result = await scheduleStore(
      'S1',
      demand,
      [person('A', { unavailable: new Set(['2026-12-08']) })],
      rules,
    );
    expect(result.coveredHours).toBe(8);
    expect(result.coverageBoundHours).toBe(8);
    expect(result.gaps).toHaveLength(1);
    expect(result.gaps[0]).toMatchObject({
      date: '2026-12-08',
      start: 540,
      end: 1020,
      missingHours: 8,
      reasons: [{ rule: 'unavailable', employees: ['A'] }],
    });
    expect(result.gaps[0]?.zh).toContain('当天不可排班');
  });

  it('assigns each person a role they have, and staffs two roles at once', async () => {
    const rules = parseRules({});
    const demand = [
      ...hourly('2026-12-07', 8, 16, 1, 'cashier'),
      ...hourly('2026-12-07', 8, 16, 1, 'butcher'),
    ];
    const staff = [person('A', { skills: ['cashier', 'butcher'] }), person('B')];
    const result = await scheduleStore('S1', demand, staff, rules);
    expect(result.coveredHours).toBe(16);
    expect(result.shifts.map((s) => `${s.employee} ${s.role}`).sort()).toEqual(['A butcher', 'B cashier']);
  });

  it('keeps a person off the day they asked for when someone else can cover, and starts from a warm roster', async () => {
    const rules = parseRules({});
    const demand = hourly('2026-12-07', 9, 17, 1);
    const staff = [person('A', { preferredOff: new Set(['2026-12-07']) }), person('B', { wageFen: 2600 })];
    const result = await scheduleStore('S1', demand, staff, rules);
    expect(result.shifts.map((s) => s.employee)).toEqual(['B']);
    const again = await scheduleStore('S1', demand, staff, rules, { warmStart: result.shifts });
    expect(again.shifts).toEqual(result.shifts);
  });

  it('never breaks a hard rule on random staff, availability, demand and rule packs (checked by the independent checker)', async () => {
    const dates = (n: number) => Array.from({ length: n }, (_, k) => addDays('2026-12-07', k));
    const instance = fc
      .record({
        days: fc.integer({ min: 2, max: 8 }),
        open: fc.integer({ min: 6, max: 10 }),
        hours: fc.integer({ min: 8, max: 16 }),
        pack: fc.constantFrom('cn-standard', 'cn-comprehensive', 'eu-wtd'),
        withBreak: fc.boolean(),
        people: fc.array(
          fc.record({
            partTime: fc.boolean(),
            max: fc.integer({ min: 16, max: 48 }),
            skills: fc.subarray(['cashier', 'fresh'], { minLength: 1 }),
            away: fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 3 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        demand: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 24, maxLength: 24 }),
      })
      .map((x) => ({ ...x, hours: Math.min(x.hours, 24 - x.open) }));
    await fc.assert(
      fc.asyncProperty(instance, async (x) => {
        const rules = parseRules({
          pack: x.pack,
          shift: { minHours: 4, maxHours: 10 },
          ...(x.withBreak ? { break: { afterHours: 6, minutes: 30 } } : {}),
          timeLimitSeconds: 1,
        });
        const days = dates(x.days);
        const requirements = days.flatMap((date, d) =>
          ['cashier', 'fresh'].flatMap((skill, s) =>
            Array.from({ length: x.hours }, (_, h) => ({
              store: 'S1',
              date,
              start: (x.open + h) * 60,
              end: (x.open + h + 1) * 60,
              required: x.demand[(d * 5 + s * 7 + h) % 24] as number,
              skill,
            })),
          ),
        );
        const staff = x.people.map((p, k) =>
          person(`E${k}`, {
            contract: p.partTime ? 'part_time' : 'full_time',
            maxHours: p.max,
            minHours: Math.min(p.max, 20),
            skills: p.skills,
            unavailable: new Set(p.away.map((a) => days[a % days.length] as string)),
          }),
        );
        const result = await scheduleStore('S1', requirements, staff, rules);
        expect(result.status).not.toBe('no_solution');
        expect(checkRoster(result.shifts, staff, rules, requirements)).toEqual([]);
        expect(result.coveredHours).toBeLessThanOrEqual(result.coverageBoundHours + 1e-6);
      }),
      { numRuns: 25, seed: 20261207 },
    );
  }, 120_000);
});

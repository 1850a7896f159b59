import { describe, expect, it } from 'vitest';
import { addDays } from '../model/index.js';
import { accrue, attendance, type ClockEvent } from './attendance.js';
import { parseRules } from './files.js';
import type { Shift, StaffMember } from './types.js';

const shift = (employee: string, date: string, start: number, end: number): Shift => ({
  store: 'S1',
  employee,
  date,
  start: start * 60,
  end: end * 60,
  role: 'cashier',
});
const clock = (employee: string, at: string, kind?: 'in' | 'out'): ClockEvent => ({
  employee,
  at,
  ...(kind ? { kind } : {}),
});
const person = (id: string, wageFen = 3000): StaffMember => ({
  store: 'S1',
  id,
  contract: 'full_time',
  minHours: 0,
  maxHours: 60,
  skills: ['cashier'],
  unavailable: new Set(),
  preferredOff: new Set(),
  wageFen,
});
const standard = parseRules({});

describe('attendance', () => {
  it('pays a night shift across midnight from its start to its end, split at midnight, with no overtime under 30 minutes', () => {
    const [r] = attendance(
      [shift('A', '2026-12-07', 22, 30)],
      [clock('A', '2026-12-07T21:58', 'in'), clock('A', '2026-12-08T06:10', 'out')],
      standard,
    );
    expect(r).toMatchObject({ status: 'ok', paidMinutes: 480, overtimeMinutes: 0, lateMinutes: 0 });
    expect(Object.fromEntries(r?.byDay ?? [])).toEqual({ '2026-12-07': 120, '2026-12-08': 360 });
  });

  it('measures lateness beyond the grace and overtime in whole half hours; reads unmarked punches as in then out', () => {
    const [r] = attendance(
      [shift('A', '2026-12-07', 9, 17)],
      [clock('A', '2026-12-07T09:12'), clock('A', '2026-12-07T17:45')],
      standard,
    );
    // Paid from 09:12 (late) to 17:00, plus 30 minutes of the 45 past the end.
    expect(r).toMatchObject({ status: 'late', lateMinutes: 12, overtimeMinutes: 30, paidMinutes: 468 + 30 });
    expect(r?.zh).toContain('迟到 12 分钟，加班 0.5 小时');
  });

  it('names the absent, the missing clock-out, the early leaver and work clocked without a shift', () => {
    const records = attendance(
      [shift('A', '2026-12-07', 9, 17), shift('B', '2026-12-07', 9, 17), shift('C', '2026-12-07', 9, 17)],
      [
        clock('B', '2026-12-07T08:59', 'in'),
        clock('C', '2026-12-07T08:55', 'in'),
        clock('C', '2026-12-07T16:20', 'out'),
        clock('D', '2026-12-07T10:00', 'in'),
        clock('D', '2026-12-07T14:00', 'out'),
      ],
      standard,
    );
    expect(records.map((r) => [r.employee, r.status])).toEqual([
      ['A', 'absent'],
      ['B', 'missing_clock'],
      ['C', 'early_leave'],
      ['D', 'unscheduled'],
    ]);
    expect(records[2]).toMatchObject({ earlyLeaveMinutes: 40, paidMinutes: 440 });
    expect(records[1]?.en).toContain('no clock-out');
  });

  it('accrues a standard week: 40 regular hours, the rest of a sixth 8-hour day at 150%, and a shift across the week boundary split into both weeks', () => {
    // Monday 2026-12-07 … Saturday: six 8-hour days; then Sunday 20:00 – Monday 04:00.
    const days = Array.from({ length: 6 }, (_, k) => addDays('2026-12-07', k));
    const shifts = [...days.map((d) => shift('A', d, 9, 17)), shift('A', '2026-12-13', 20, 28)];
    const events = shifts.flatMap((s) => [
      clock('A', `${s.date}T${String(s.start / 60).padStart(2, '0')}:00`, 'in'),
      clock(
        'A',
        `${addDays(s.date, Math.floor(s.end / 1440))}T${String((s.end % 1440) / 60).padStart(2, '0')}:00`,
        'out',
      ),
    ]);
    const records = attendance(shifts, events, standard);
    const [week1] = accrue(records, [person('A')], standard, '2026-12-07', '2026-12-13');
    // 48 h Monday–Saturday (40 regular + 8 overtime); Sunday's 4 h fall on the week's seventh worked day: rest day.
    expect(week1).toMatchObject({ regularHours: 40, overtime: { workday: 8, restDay: 4, holiday: 0 } });
    expect(week1?.payFen).toBe(3000 * (40 + 1.5 * 8 + 2 * 4));
    const [week2] = accrue(records, [person('A')], standard, '2026-12-14', '2026-12-20');
    expect(week2).toMatchObject({ regularHours: 4, overtime: { workday: 0, restDay: 0, holiday: 0 } });
  });

  it('pays statutory holiday hours at 300% (New Year’s Day 2027), not the weekend beside it', () => {
    const shifts = [shift('A', '2027-01-01', 9, 17), shift('A', '2027-01-02', 9, 17)];
    const events = shifts.flatMap((s) => [clock('A', `${s.date}T09:00`), clock('A', `${s.date}T17:00`)]);
    const [a] = accrue(
      attendance(shifts, events, standard),
      [person('A')],
      standard,
      '2026-12-28',
      '2027-01-03',
    );
    expect(a).toMatchObject({ regularHours: 8, overtime: { holiday: 8, workday: 0, restDay: 0 } });
    expect(a?.payFen).toBe(3000 * (8 + 3 * 8));
  });

  it('averages the comprehensive system over its period: 50 + 30 + 45 + 35 h is no overtime, 50 + 50 + 45 + 35 h is 20 h', () => {
    const comprehensive = parseRules({ pack: 'cn-comprehensive', shift: { maxHours: 11 } });
    const weekOf = (hoursPerDay: number[], monday: string) =>
      hoursPerDay.map((h, k) => shift('A', addDays(monday, k), 8, 8 + h));
    const month = (weeks: number[][]) => weeks.flatMap((w, k) => weekOf(w, addDays('2026-11-02', 7 * k)));
    const run = (weeks: number[][]) => {
      const shifts = month(weeks);
      const events = shifts.flatMap((s) => [
        clock('A', `${s.date}T08:00`),
        clock('A', `${s.date}T${String(s.end / 60).padStart(2, '0')}:00`),
      ]);
      return accrue(
        attendance(shifts, events, comprehensive),
        [person('A')],
        comprehensive,
        '2026-11-02',
        '2026-11-29',
      )[0];
    };
    expect(
      run([
        [10, 10, 10, 10, 10],
        [6, 6, 6, 6, 6],
        [9, 9, 9, 9, 9],
        [7, 7, 7, 7, 7],
      ]),
    ).toMatchObject({
      regularHours: 160,
      overtime: { workday: 0 },
    });
    expect(
      run([
        [10, 10, 10, 10, 10],
        [10, 10, 10, 10, 10],
        [9, 9, 9, 9, 9],
        [7, 7, 7, 7, 7],
      ]),
    ).toMatchObject({
      regularHours: 160,
      overtime: { workday: 20 },
    });
  });
});

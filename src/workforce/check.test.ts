import { describe, expect, it } from 'vitest';
import { staffMember } from '../../test/support/staff.js';
import { addDays } from '../model/index.js';
import { checkRoster } from './check.js';
import { parseRules } from './files.js';
import type { Shift, StaffMember } from './types.js';

const person = staffMember;

const shift = (
  employee: string,
  date: string,
  start: string,
  end: string,
  role = 'cashier',
  store = 'S1',
): Shift => {
  const [sh, sm] = start.split(':').map(Number) as [number, number];
  const [eh, em] = end.split(':').map(Number) as [number, number];
  const from = sh * 60 + sm;
  let to = eh * 60 + em;
  if (to <= from) to += 1440;
  return { store, employee, date, start: from, end: to, role };
};

/** Monday 2026-12-07 … Sunday 2026-12-13. */
const week = [
  '2026-12-07',
  '2026-12-08',
  '2026-12-09',
  '2026-12-10',
  '2026-12-11',
  '2026-12-12',
  '2026-12-13',
];

const rules = parseRules({ pack: 'cn-standard', opening: { open: '07:00', close: '23:00' } });

describe('the roster checker', () => {
  it('passes a legal week: five 8-hour days, two rest days, one shift a day', () => {
    const roster = week.slice(0, 5).map((d) => shift('A', d, '09:00', '17:00'));
    expect(checkRoster(roster, [person('A')], rules)).toEqual([]);
  });

  it('names each rule a planted violation breaks, and only those', () => {
    const staff = [
      person('A'),
      person('B', { unavailable: new Set(['2026-12-08']) }),
      person('P', { contract: 'part_time', maxHours: 30 }),
      person('C', { maxHours: 20 }),
    ];
    const cases: [string | string[], Shift[], StaffMember[]][] = [
      ['daily_hours', [shift('A', week[0] as string, '08:00', '17:00')], staff],
      ['shift_length', [shift('A', week[0] as string, '09:00', '11:00')], staff],
      ['shift_grid', [shift('A', week[0] as string, '09:30', '14:30')], staff],
      ['opening_hours', [shift('A', week[0] as string, '06:00', '12:00')], staff],
      [
        'overlap',
        [shift('A', week[0] as string, '17:00', '01:00'), shift('A', week[1] as string, '00:00', '06:00')],
        staff,
      ],
      ['skill', [shift('A', week[0] as string, '09:00', '15:00', 'butcher')], staff],
      ['unavailable', [shift('B', '2026-12-08', '09:00', '15:00')], staff],
      ['unknown_employee', [shift('Z', week[0] as string, '09:00', '15:00')], staff],
      ['wrong_store', [shift('A', week[0] as string, '09:00', '15:00', 'cashier', 'S2')], staff],
      [
        'one_shift_a_day',
        [shift('A', week[0] as string, '07:00', '11:00'), shift('A', week[0] as string, '15:00', '19:00')],
        staff,
      ],
      [['rest_days', 'consecutive_days'], week.map((d) => shift('A', d, '09:00', '14:00')), staff],
      [
        'weekly_hours',
        week.slice(0, 6).map((d) => shift('A', d, '09:00', '16:00')),
        [person('A', { maxHours: 60 })],
      ],
      ['contract_hours', week.slice(0, 4).map((d) => shift('C', d, '09:00', '15:00')), staff],
      // Six days of 5 h: over 24 h and over 4 h a day on average (within six days one cannot break only the first).
      [
        ['part_time_weekly', 'part_time_daily'],
        week.slice(0, 6).map((d) => shift('P', d, '09:00', '14:00')),
        staff,
      ],
      ['part_time_daily', week.slice(0, 3).map((d) => shift('P', d, '09:00', '15:00')), staff],
    ];
    const late = { ...rules, opening: { open: '00:00', close: '30:00' } };
    for (const [rule, roster, who] of cases) {
      const found = new Set(checkRoster(roster, who, rule === 'overlap' ? late : rules).map((v) => v.rule));
      expect(found, String(rule)).toEqual(new Set(typeof rule === 'string' ? [rule] : rule));
    }
  });

  it('counts a night shift’s next morning as a working day, and checks the EU pack’s 11 hours of rest', () => {
    const eu = parseRules({ pack: 'eu-wtd', opening: { open: '06:00', close: '30:00' } });
    const closeThenOpen = [
      shift('A', week[0] as string, '14:00', '23:00'),
      shift('A', week[1] as string, '07:00', '15:00'),
    ];
    expect(checkRoster(closeThenOpen, [person('A', { maxHours: 48 })], eu).map((v) => v.rule)).toEqual([
      'daily_rest',
    ]);
    // Six nights Monday…Saturday end on Tuesday…Sunday mornings: seven days touched, no rest day left.
    const nights = week.slice(0, 6).map((d) => shift('A', d, '22:00', '04:00'));
    const rules = checkRoster(nights, [person('A', { maxHours: 48 })], eu).map((v) => v.rule);
    expect(rules).toContain('rest_days');
    expect(rules).toContain('consecutive_days');
  });

  it('averages hours over the comprehensive system’s weeks: a long week and a short one pass, two long ones fail', () => {
    const comprehensive = parseRules({
      pack: 'cn-comprehensive',
      opening: { open: '07:00', close: '23:00' },
      shift: { maxHours: 11 },
    });
    const next = week.map((d) => addDays(d, 7));
    const who = [person('A', { maxHours: 60 })];
    // 50 h then 30 h: 40 on average.
    const longShort = [
      ...week.slice(0, 5).map((d) => shift('A', d, '08:00', '18:00')),
      ...next.slice(0, 5).map((d) => shift('A', d, '08:00', '14:00')),
    ];
    expect(checkRoster(longShort, who, comprehensive)).toEqual([]);
    // The same 50-hour week under the standard system breaks the week's 40 h and the day's 8 h.
    expect(
      new Set(checkRoster(longShort, who, { ...comprehensive, pack: 'cn-standard' }).map((v) => v.rule)),
    ).toEqual(new Set(['weekly_hours', 'daily_hours']));
    const longLong = [...week, ...next]
      .filter((_, i) => i % 7 < 5)
      .map((d) => shift('A', d, '08:00', '18:00'));
    expect(checkRoster(longLong, who, comprehensive).map((v) => v.rule)).toContain('weekly_hours');
  });
});

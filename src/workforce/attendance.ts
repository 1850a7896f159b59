import { addDays, isStatutoryHoliday, mondayOf, parseIsoDate } from '../model/index.js';
import { packOf, type RulesFile, timeOf } from './rules.js';
import type { Shift, StaffMember } from './types.js';

/**
 * Time and attendance: clock events (time clocks' CSV, the push API, MQTT from clock devices) paired into
 * sessions, matched to the published shifts, and each shift's lateness, early leave, absence and overtime
 * measured; then hours accrued by the rule pack (daily, weekly or over the comprehensive system's period),
 * overtime priced by the day it fell on (a working day 150%, a rest day 200%, a statutory holiday 300%).
 */
export interface ClockEvent {
  employee: string;
  /** Local (chain) time, YYYY-MM-DDTHH:MM[:SS]. */
  at: string;
  /** Given by most clocks; a clock that does not say is read by order (first in, last out). */
  kind?: 'in' | 'out';
  device?: string;
}

export interface AttendancePolicy {
  /** Minutes late (or early) that are forgiven. */
  graceMinutes: number;
  /** Overtime counts in whole units of this many minutes past the shift's end. */
  overtimeUnit: number;
}

export const DEFAULT_POLICY: AttendancePolicy = { graceMinutes: 5, overtimeUnit: 30 };

export type AttendanceStatus =
  | 'ok'
  | 'late'
  | 'early_leave'
  | 'late_and_early'
  | 'absent'
  | 'missing_clock'
  | 'unscheduled';

export interface AttendanceRecord {
  employee: string;
  store: string;
  /** The shift's date (or, unscheduled, the day the session began). */
  date: string;
  shift?: Shift;
  clockIn?: string;
  clockOut?: string;
  status: AttendanceStatus;
  lateMinutes: number;
  earlyLeaveMinutes: number;
  /** Paid minutes: from the later of clock-in and the shift's start to the earlier of clock-out and its end, less an unpaid break, plus overtime. */
  paidMinutes: number;
  overtimeMinutes: number;
  /** Paid minutes by calendar day (a night shift splits at midnight). */
  byDay: Map<string, number>;
  zh: string;
  en: string;
}

/** Minutes since 1970 of a local time, the clock events' and the shifts' common scale. */
const minuteOf = (at: string) => Date.parse(`${at.length === 16 ? `${at}:00` : at}Z`) / 60_000;
const localOf = (minute: number) => new Date(minute * 60_000).toISOString().slice(0, 16);
const shiftSpan = (s: Shift) => {
  const base = parseIsoDate(s.date) / 60_000;
  return { from: base + s.start, to: base + s.end };
};

/** A person's clock events as sessions: a session's first event is its clock-in and its last its clock-out. */
function sessions(events: ClockEvent[]): { from: number; to?: number }[] {
  const sorted = [...events].sort((a, b) => minuteOf(a.at) - minuteOf(b.at));
  const out: { from: number; to?: number }[] = [];
  for (const e of sorted) {
    const m = minuteOf(e.at);
    const open = out.at(-1);
    // A clock-out, or an unmarked punch within 16 h of an open clock-in, closes it; anything else opens one.
    if (open && open.to === undefined && e.kind !== 'in' && m - open.from <= 16 * 60) open.to = m;
    else if (open && open.to !== undefined && e.kind === 'out' && m - open.to <= 30) open.to = m;
    else if (e.kind === 'out') out.push({ from: Number.NaN, to: m });
    else out.push({ from: m });
  }
  return out;
}

/** Shifts and clock events matched, each shift (and each session no shift explains) measured. */
export function attendance(
  shifts: readonly Shift[],
  events: readonly ClockEvent[],
  rules: RulesFile,
  policy: AttendancePolicy = DEFAULT_POLICY,
): AttendanceRecord[] {
  const breakOf = (length: number) =>
    rules.break && length > rules.break.afterHours * 60 ? rules.break.minutes : 0;
  const out: AttendanceRecord[] = [];
  const byEmployee = new Map<string, ClockEvent[]>();
  for (const e of events) byEmployee.set(e.employee, [...(byEmployee.get(e.employee) ?? []), e]);
  const people = new Set([...shifts.map((s) => s.employee), ...byEmployee.keys()]);
  for (const employee of people) {
    const own = shifts
      .filter((s) => s.employee === employee)
      .sort((a, b) => shiftSpan(a).from - shiftSpan(b).from);
    const free = sessions(byEmployee.get(employee) ?? []);
    const used = new Set<number>();
    for (const shift of own) {
      const span = shiftSpan(shift);
      // The session that overlaps the shift most (or starts nearest it, up to 3 h before and 4 h after).
      let best = -1;
      let bestScore = Number.NEGATIVE_INFINITY;
      free.forEach((s, k) => {
        if (used.has(k)) return;
        const from = Number.isNaN(s.from) ? (s.to as number) : s.from;
        const to = s.to ?? from;
        if (to < span.from - 3 * 60 || from > span.to + 4 * 60) return;
        const score = Math.min(to, span.to) - Math.max(from, span.from) - Math.abs(from - span.from) / 1000;
        if (score > bestScore) {
          best = k;
          bestScore = score;
        }
      });
      if (best < 0) {
        out.push(record(employee, shift, undefined, undefined, 'absent', 0, 0, 0, 0, new Map()));
        continue;
      }
      used.add(best);
      const s = free[best] as { from: number; to?: number };
      if (Number.isNaN(s.from) || s.to === undefined) {
        out.push(
          record(
            employee,
            shift,
            Number.isNaN(s.from) ? undefined : s.from,
            s.to,
            'missing_clock',
            0,
            0,
            0,
            0,
            new Map(),
          ),
        );
        continue;
      }
      const late = Math.max(0, s.from - span.from);
      const early = Math.max(0, span.to - s.to);
      const isLate = late > policy.graceMinutes;
      const isEarly = early > policy.graceMinutes;
      const beyond = Math.max(0, s.to - span.to);
      const overtime = Math.floor(beyond / policy.overtimeUnit) * policy.overtimeUnit;
      const from = isLate ? s.from : span.from;
      const to = isEarly ? s.to : span.to;
      const worked = Math.max(0, to - from);
      const unpaid = Math.min(breakOf(span.to - span.from), worked);
      const paid = worked - unpaid + overtime;
      const status: AttendanceStatus =
        isLate && isEarly ? 'late_and_early' : isLate ? 'late' : isEarly ? 'early_leave' : 'ok';
      out.push(
        record(
          employee,
          shift,
          s.from,
          s.to,
          status,
          isLate ? late : 0,
          isEarly ? early : 0,
          paid,
          overtime,
          splitByDay(from, to + overtime, unpaid),
        ),
      );
    }
    free.forEach((s, k) => {
      if (used.has(k)) return;
      const from = Number.isNaN(s.from) ? undefined : s.from;
      out.push(record(employee, undefined, from, s.to, 'unscheduled', 0, 0, 0, 0, new Map()));
    });
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || a.employee.localeCompare(b.employee));

  function record(
    employee: string,
    shift: Shift | undefined,
    clockIn: number | undefined,
    clockOut: number | undefined,
    status: AttendanceStatus,
    lateMinutes: number,
    earlyLeaveMinutes: number,
    paidMinutes: number,
    overtimeMinutes: number,
    byDay: Map<string, number>,
  ): AttendanceRecord {
    const date = shift?.date ?? localOf((clockIn ?? clockOut) as number).slice(0, 10);
    const planned = shift ? `${timeOf(shift.start)}–${timeOf(shift.end % 1440)}` : '';
    const words: Record<AttendanceStatus, [string, string]> = {
      ok: ['正常', 'on time'],
      late: [`迟到 ${lateMinutes} 分钟`, `${lateMinutes} min late`],
      early_leave: [`早退 ${earlyLeaveMinutes} 分钟`, `left ${earlyLeaveMinutes} min early`],
      late_and_early: [
        `迟到 ${lateMinutes} 分钟、早退 ${earlyLeaveMinutes} 分钟`,
        `${lateMinutes} min late, left ${earlyLeaveMinutes} min early`,
      ],
      absent: ['缺勤（无打卡）', 'absent (no clock event)'],
      missing_clock: [
        clockIn === undefined ? '缺上班卡' : '缺下班卡',
        clockIn === undefined ? 'no clock-in' : 'no clock-out',
      ],
      unscheduled: ['无排班打卡', 'clocked without a shift'],
    };
    const [zh, en] = words[status];
    const extra =
      overtimeMinutes > 0
        ? [`，加班 ${overtimeMinutes / 60} 小时`, `, ${overtimeMinutes / 60} h overtime`]
        : ['', ''];
    return {
      employee,
      store: shift?.store ?? '',
      date,
      ...(shift ? { shift } : {}),
      ...(clockIn !== undefined ? { clockIn: localOf(clockIn) } : {}),
      ...(clockOut !== undefined ? { clockOut: localOf(clockOut) } : {}),
      status,
      lateMinutes,
      earlyLeaveMinutes,
      paidMinutes,
      overtimeMinutes,
      byDay,
      zh: `${employee} ${date} ${planned} ${zh}${extra[0]}`.replace(/\s+/g, ' '),
      en: `${employee} ${date} ${planned} ${en}${extra[1]}`.replace(/\s+/g, ' '),
    };
  }
}

/** Minutes from `from` to `to` by calendar day, less `unpaid` minutes taken from the middle day's share. */
function splitByDay(from: number, to: number, unpaid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let m = from; m < to; ) {
    const day = localOf(m).slice(0, 10);
    const next = Math.min(to, parseIsoDate(addDays(day, 1)) / 60_000);
    out.set(day, (out.get(day) ?? 0) + next - m);
    m = next;
  }
  // The break sits in the shift's middle: take it from the day holding the midpoint.
  if (unpaid > 0) {
    const day = localOf((from + to) / 2).slice(0, 10);
    out.set(day, (out.get(day) ?? 0) - unpaid);
  }
  return out;
}

/** Hours a person accrued over a period, by the rule pack, with overtime by the kind of day it fell on. */
export interface Accrual {
  employee: string;
  paidHours: number;
  regularHours: number;
  /** Overtime on working days (150%), rest days (200%) and statutory holidays (300%). */
  overtime: { workday: number; restDay: number; holiday: number };
  /** Pay in fen at the employee's wage, exact. */
  payFen: number;
  /** Limits the law sets on overtime that these hours break. */
  breaches: string[];
}

/**
 * Accruals over `from`…`to` (whole weeks for the weekly rules). Standard hours: beyond 8 h a day or 40 h a week
 * on working days is overtime (150%); a day worked beyond the six a week allows is a rest day worked (200%);
 * every hour on a statutory holiday is holiday overtime (300%). The comprehensive system: only hours beyond the
 * period's 40 h × weeks are overtime (holidays still 300%). Work clocked without a shift accrues nothing until a
 * manager puts it on the roster.
 */
export function accrue(
  records: readonly AttendanceRecord[],
  staff: readonly StaffMember[],
  rules: RulesFile,
  from: string,
  to: string,
): Accrual[] {
  const pack = packOf(rules);
  const wage = new Map(staff.map((s) => [s.id, s.wageFen]));
  const byEmployee = new Map<string, AttendanceRecord[]>();
  for (const r of records) byEmployee.set(r.employee, [...(byEmployee.get(r.employee) ?? []), r]);
  const out: Accrual[] = [];
  for (const [employee, own] of byEmployee) {
    const daily = new Map<string, number>();
    for (const r of own)
      for (const [day, minutes] of r.byDay)
        if (day >= from && day <= to) daily.set(day, (daily.get(day) ?? 0) + minutes);
    let holiday = 0;
    let restDay = 0;
    let workday = 0;
    let regular = 0;
    const weekRegular = new Map<string, number>();
    const weekDays = new Map<string, number>();
    for (const day of [...daily.keys()].sort()) {
      const hours = (daily.get(day) as number) / 60;
      const week = mondayOf(day);
      weekDays.set(week, (weekDays.get(week) ?? 0) + 1);
      if (isStatutoryHoliday(day)) {
        holiday += hours;
        continue;
      }
      // Days worked in a calendar week beyond those the pack allows are its rest days, worked.
      if ((weekDays.get(week) as number) > 7 - pack.minRestDaysPerWeek) {
        restDay += hours;
        continue;
      }
      if (pack.averageWeeks > 1) {
        regular += hours;
        continue;
      }
      const dayRegular = Math.min(hours, pack.maxDailyHours);
      const room = Math.max(0, pack.maxWeeklyHours - (weekRegular.get(week) ?? 0));
      const counted = Math.min(dayRegular, room);
      workday += hours - counted;
      weekRegular.set(week, (weekRegular.get(week) ?? 0) + counted);
      regular += counted;
    }
    if (pack.averageWeeks > 1) {
      const weeks = Math.max(
        1,
        Math.round((parseIsoDate(to) - parseIsoDate(from) + 86_400_000) / (7 * 86_400_000)),
      );
      workday = Math.max(0, regular - pack.maxWeeklyHours * weeks);
      regular -= workday;
    }
    const fen = wage.get(employee) ?? 0;
    const overtime = workday + restDay + holiday;
    const breaches: string[] = [];
    if (overtime > pack.overtime.maxMonthlyHours && pack.overtime.maxMonthlyHours > 0)
      breaches.push(
        `加班 ${overtime} 小时，超过每月 ${pack.overtime.maxMonthlyHours} 小时 / ${overtime} h overtime, over ${pack.overtime.maxMonthlyHours} h a month`,
      );
    out.push({
      employee,
      paidHours: regular + overtime,
      regularHours: regular,
      overtime: { workday, restDay, holiday },
      payFen: Math.round(fen * (regular + 1.5 * workday + 2 * restDay + 3 * holiday)),
      breaches,
    });
  }
  return out.sort((a, b) => a.employee.localeCompare(b.employee));
}

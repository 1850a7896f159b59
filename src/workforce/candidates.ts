import { addDays, isoWeekday, parseIsoDate } from '../model/index.js';
import { demandWindows } from './check.js';
import { openingOf, packOf, paidMinutes, type RulesFile } from './rules.js';
import type { Requirement, StaffMember } from './types.js';

/** One shift an employee could work: the solver's yes/no decision. */
export interface Candidate {
  employee: number;
  day: number;
  /** Minutes after the day's midnight; `end` may pass 1440. */
  start: number;
  end: number;
  paid: number;
  role: number;
  /** Slots (of the horizon) the shift covers, its break left out. */
  slots: number[];
}

/** A store's planning problem on a grid of `step`-minute slots from the first date's midnight. */
export interface Grid {
  store: string;
  dates: string[];
  step: number;
  skills: string[];
  staff: StaffMember[];
  /** demand[skill][slot]: staff needed. */
  demand: Float64Array[];
  candidates: Candidate[];
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The demand of one store on a grid fine enough for its intervals, shift starts and breaks, and every shift
 * each employee may legally work on its own: within the opening (or demand) hours, of an allowed length on the
 * grid, not on a date the employee is away, not longer than a day allows, in a skill the store needs then.
 * Rules across shifts (rest, weeks, contracts) are the model's rows, not filters here.
 */
export function buildGrid(
  store: string,
  requirements: readonly Requirement[],
  staff: readonly StaffMember[],
  rules: RulesFile,
): Grid {
  const pack = packOf(rules);
  const own = requirements.filter((r) => r.store === store);
  const days = [...new Set(own.map((r) => r.date))].sort();
  const first = days[0] ?? '9999-12-31';
  const last = days.at(-1) ?? first;
  const dates: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) dates.push(d);
  let step = rules.shift.startEvery;
  for (const r of own) step = gcd(gcd(step, r.start), r.end);
  if (rules.break) step = gcd(step, rules.break.minutes);
  // A shift on the last date may end the next morning.
  const slotCount = ((dates.length + 1) * 1440) / step;
  const skills = [...new Set(own.map((r) => r.skill))].sort();
  const demand = skills.map(() => new Float64Array(slotCount));
  const dayIndex = new Map(dates.map((d, i) => [d, i]));
  for (const r of own) {
    const row = demand[skills.indexOf(r.skill)] as Float64Array;
    const base = ((dayIndex.get(r.date) as number) * 1440) / step;
    for (let t = r.start / step; t < r.end / step; t += 1) row[base + t] = (row[base + t] ?? 0) + r.required;
  }
  const people = staff.filter((s) => s.store === store);
  const windows = demandWindows(own);
  const grid = rules.shift.startEvery;
  const candidates: Candidate[] = [];
  dates.forEach((date, day) => {
    const window = openingOf(rules, isoWeekday(date)) ?? windows.get(`${store} ${date}`);
    if (!window) return;
    for (
      let start = Math.ceil(window.open / grid) * grid;
      start + rules.shift.minHours * 60 <= window.close;
      start += grid
    )
      for (
        let length = rules.shift.minHours * 60;
        length <= rules.shift.maxHours * 60 && start + length <= window.close;
        length += grid
      ) {
        const paid = paidMinutes(rules, length);
        const slots = slotsWorked(day, start, length, length - paid, step);
        const touched = Math.ceil((start + length) / 1440);
        skills.forEach((skill, role) => {
          const needed = slots.some((t) => ((demand[role] as Float64Array)[t] as number) > 0);
          if (!needed) return;
          people.forEach((who, employee) => {
            if (!who.skills.includes(skill) || paid > pack.maxDailyHours * 60) return;
            for (let k = 0; k < touched; k += 1) if (who.unavailable.has(addDays(date, k))) return;
            candidates.push({ employee, day, start, end: start + length, paid, role, slots });
          });
        });
      }
  });
  return { store, dates, step, skills, staff: people, demand, candidates };
}

/**
 * The slots (of the horizon, `step` minutes each) a shift on `day` covers: all of it but its unpaid break of
 * `unpaid` minutes, which sits in its middle, on the grid.
 */
export function slotsWorked(
  day: number,
  start: number,
  length: number,
  unpaid: number,
  step: number,
): number[] {
  const pause =
    unpaid > 0 ? start + Math.floor((length - unpaid) / 2 / step) * step : Number.POSITIVE_INFINITY;
  const slots: number[] = [];
  for (let m = start; m < start + length; m += step) {
    if (m >= pause && m < pause + unpaid) continue;
    slots.push((day * 1440 + m) / step);
  }
  return slots;
}

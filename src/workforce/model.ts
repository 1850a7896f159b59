import { addDays, daysBetween, isoWeekday, mondayOf, parseIsoDate } from '../model/index.js';
import type { Candidate, Grid } from './candidates.js';
import { minutesOf, packOf, type RulesFile } from './rules.js';

/**
 * The schedule as a mixed-integer program: one yes/no column per candidate shift, slack columns for demand left
 * uncovered or covered twice, contract shortfalls and the fairness maxima; rows for the rules across shifts.
 * Kept as plain arrays (rows in CSR) so HiGHS takes it whole, and so a solution can be completed and scored here.
 */
export interface Program {
  numCols: number;
  colCost: number[];
  colLower: number[];
  colUpper: number[];
  integer: boolean[];
  rowLower: number[];
  rowUpper: number[];
  starts: number[];
  indices: number[];
  values: number[];
  /** Each coverage row: its skill, slot and demand, and the under/over columns (-1 when none). */
  cover: { skill: number; slot: number; demand: number; under: number; over: number; row: number }[];
  /** Demand no candidate can meet, in staff-slots, by skill and slot. */
  unreachable: { skill: number; slot: number; demand: number }[];
  /** A fixed part of the objective (unreachable demand's cost). */
  offset: number;
}

export function buildProgram(grid: Grid, rules: RulesFile): Program {
  const pack = packOf(rules);
  const { candidates, demand, step, dates, staff } = grid;
  const w = rules.weights;
  const hoursPerSlot = step / 60;
  const colCost: number[] = [];
  const colLower: number[] = [];
  const colUpper: number[] = [];
  const integer: boolean[] = [];
  const col = (cost: number, upper: number, isInteger: boolean) => {
    colCost.push(cost);
    colLower.push(0);
    colUpper.push(upper);
    integer.push(isInteger);
    return colCost.length - 1;
  };
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const row = (entries: Map<number, number> | [number, number][], lower: number, upper: number) => {
    for (const [i, v] of entries) {
      if (v === 0) continue;
      indices.push(i);
      values.push(v);
    }
    starts.push(indices.length);
    rowLower.push(lower);
    rowUpper.push(upper);
    return rowLower.length - 1;
  };
  const late = minutesOf(rules.lateAfter);
  // Shift columns.
  for (const c of candidates) {
    const who = staff[c.employee];
    const preference = who?.preferredOff.has(dates[c.day] as string) ? w.preference : 0;
    col((w.cost * (who?.wageFen ?? 0) * c.paid) / 60 / 100 + preference, 1, true);
  }
  // Coverage: Σ shifts + under − over = demand, per skill and slot.
  const slotCount = demand[0]?.length ?? 0;
  const covering = new Map<number, number[]>();
  candidates.forEach((c, k) => {
    for (const t of c.slots) {
      const key = c.role * slotCount + t;
      const list = covering.get(key);
      if (list) list.push(k);
      else covering.set(key, [k]);
    }
  });
  const cover: Program['cover'] = [];
  const unreachable: Program['unreachable'] = [];
  let offset = 0;
  demand.forEach((need, skill) => {
    for (let t = 0; t < slotCount; t += 1) {
      const d = need[t] as number;
      const list = covering.get(skill * slotCount + t);
      if (!list) {
        if (d > 0) {
          unreachable.push({ skill, slot: t, demand: d });
          offset += w.under * hoursPerSlot * d;
        }
        continue;
      }
      const under = d > 0 ? col(w.under * hoursPerSlot, d, false) : -1;
      const over = col(w.over * hoursPerSlot, list.length, false);
      const entries: [number, number][] = list.map((k) => [k, 1]);
      if (under >= 0) entries.push([under, 1]);
      entries.push([over, -1]);
      cover.push({ skill, slot: t, demand: d, under, over, row: row(entries, d, d) });
    }
  });
  // Per employee: its candidates by day, for the rows that follow.
  const byEmployeeDay = new Map<string, number[]>();
  candidates.forEach((c, k) => {
    const key = `${c.employee} ${c.day}`;
    const list = byEmployeeDay.get(key);
    if (list) list.push(k);
    else byEmployeeDay.set(key, [k]);
  });
  const on = (employee: number, day: number) => byEmployeeDay.get(`${employee} ${day}`) ?? [];
  const touches = (c: Candidate, day: number) => c.day <= day && day < c.day + Math.ceil(c.end / 1440);
  const monday = mondayOf(dates[0] as string);
  const weekCount = Math.floor(daysBetween(monday, dates.at(-1) as string) / 7) + 1;
  const daysOfWeek = (week: number) => {
    const out: number[] = [];
    for (let k = 0; k < 7; k += 1) {
      const day = daysBetween(dates[0] as string, addDays(monday, week * 7 + k));
      if (day >= 0 && day <= dates.length) out.push(day);
    }
    return out;
  };
  const weekendLoad: Map<number, number>[] = [];
  const lateLoad: Map<number, number>[] = [];
  staff.forEach((who, e) => {
    const mine: number[] = [];
    for (let day = 0; day < dates.length; day += 1) mine.push(...on(e, day));
    if (mine.length === 0) return;
    // One shift a day.
    for (let day = 0; day < dates.length; day += 1) {
      const list = on(e, day);
      if (list.length > 1)
        row(
          list.map((k) => [k, 1]),
          0,
          rules.shift.maxPerDay,
        );
    }
    // Rest between days (and no overlap for a shift into the next morning), as cliques by end time.
    for (let day = 0; day + 1 < dates.length; day += 1) {
      const today = on(e, day);
      const tomorrow = on(e, day + 1);
      const ends = [...new Set(today.map((k) => (candidates[k] as Candidate).end))].sort((a, b) => a - b);
      let previous = '';
      for (const end of ends) {
        const clash = tomorrow.filter(
          (k) => 1440 + (candidates[k] as Candidate).start < end + pack.minDailyRestHours * 60,
        );
        if (clash.length === 0) continue;
        const late = today.filter((k) => (candidates[k] as Candidate).end >= end);
        const key = `${late.length} ${clash.length}`;
        if (key === previous) continue;
        previous = key;
        row(
          [...late, ...clash].map((k) => [k, 1]),
          0,
          1,
        );
      }
    }
    const weekly = [];
    for (let week = 0; week < weekCount; week += 1) {
      const days = daysOfWeek(week);
      const inWeek = mine.filter((k) => days.includes((candidates[k] as Candidate).day));
      weekly.push(inWeek);
      if (inWeek.length === 0) continue;
      const paid = new Map(inWeek.map((k) => [k, (candidates[k] as Candidate).paid / 60]));
      let cap = who.maxHours;
      if (pack.averageWeeks === 1) cap = Math.min(cap, pack.maxWeeklyHours);
      if (who.contract === 'part_time') cap = Math.min(cap, pack.partTime.maxWeeklyHours);
      row(paid, 0, cap);
      // The contract's minimum, pro rata for a week partly planned: a soft goal, short hours cost.
      const planned = days.filter((d) => d < dates.length).length;
      const minimum = (who.minHours * planned) / 7;
      if (minimum > 0) {
        const short = col(w.contractShortfall, minimum, false);
        row(new Map([...paid, [short, 1]]), minimum, Number.POSITIVE_INFINITY);
      }
      if (who.contract === 'part_time')
        row(
          inWeek.map((k) => [k, (candidates[k] as Candidate).paid / 60 - pack.partTime.maxAverageDailyHours]),
          Number.NEGATIVE_INFINITY,
          0,
        );
      // Rest days: days touched by work in the calendar week.
      const touchedDays = days.length;
      if (touchedDays > 7 - pack.minRestDaysPerWeek) {
        const load = new Map<number, number>();
        for (const d of days)
          for (const k of [...on(e, d), ...on(e, d - 1)])
            if (touches(candidates[k] as Candidate, d)) load.set(k, (load.get(k) ?? 0) + 1);
        row(load, 0, 7 - pack.minRestDaysPerWeek);
      }
    }
    // Hours averaged over the pack's period, or over the weeks planned when fewer.
    const size = Math.min(pack.averageWeeks, weekCount);
    if (size > 1)
      for (let first = 0; first + size <= weekCount; first += 1) {
        const entries: [number, number][] = [];
        for (let k = first; k < first + size; k += 1)
          for (const c of weekly[k] ?? []) entries.push([c, (candidates[c] as Candidate).paid / 60]);
        row(entries, 0, pack.maxWeeklyHours * size);
      }
    // Consecutive working days.
    const limit = rules.maxConsecutiveDays;
    for (let first = 0; first + limit <= dates.length; first += 1) {
      const load = new Map<number, number>();
      for (let d = first; d <= first + limit; d += 1)
        for (const k of [...on(e, d), ...on(e, d - 1)])
          if (touches(candidates[k] as Candidate, d)) load.set(k, (load.get(k) ?? 0) + 1);
      if (load.size > 0) row(load, 0, limit);
    }
    const weekend = new Map<number, number>();
    const lateShifts = new Map<number, number>();
    for (const k of mine) {
      const c = candidates[k] as Candidate;
      if (isoWeekday(dates[c.day] as string) >= 6) weekend.set(k, 1);
      if (c.end > late) lateShifts.set(k, 1);
    }
    weekendLoad.push(weekend);
    lateLoad.push(lateShifts);
  });
  // Fairness: the most weekend (and late) shifts anyone works, kept down.
  if (w.fairness > 0)
    for (const loads of [weekendLoad, lateLoad]) {
      const most = col(w.fairness, Number.POSITIVE_INFINITY, false);
      for (const load of loads)
        if (load.size > 0) row(new Map([...load, [most, -1]]), Number.NEGATIVE_INFINITY, 0);
    }
  return {
    numCols: colCost.length,
    colCost,
    colLower,
    colUpper,
    integer,
    rowLower,
    rowUpper,
    starts,
    indices,
    values,
    cover,
    unreachable,
    offset,
  };
}

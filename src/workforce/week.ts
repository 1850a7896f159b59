import type { RosterScore, WeekPlan } from '../contract/index.js';
import { addDays, daysBetween, yuan } from '../model/index.js';
import { keptUntilWrite, type Warehouse } from '../warehouse/index.js';
import { buildGrid, type Grid, slotsWorked } from './candidates.js';
import type { WorkforceCenter } from './center.js';
import { checkRoster } from './check.js';
import { scheduleStores } from './parallel.js';
import { packOf, paidMinutes, type RulesFile } from './rules.js';
import type { ScheduleOptions } from './solve.js';
import { staffedHours } from './solve.js';
import { type StaffingPlan, staffFromWarehouse, staffingPlan } from './staffing.js';
import type { Shift, StaffMember } from './types.js';

/**
 * A store-week as the 排班 page shows it: the forecast requirement, the staff, the newest roster and how it
 * meets the requirement (coverage per role and hour, wages, every hard rule it breaks). The web app, the API
 * and the tests read the same figures.
 */
export interface WeekInputs {
  plan: StaffingPlan;
  staff: StaffMember[];
  names: Map<string, { name: string; role: string }>;
  grid: Grid;
}

const kept = keptUntilWrite<WeekInputs>(32);

/**
 * The store-week's forecast requirement, staff and grid, read once and kept until the warehouse changes: the page
 * checks every dragged shift against them, and forecasting the week again for each drag is seconds of queries.
 * Callers read them, never change them.
 */
export const weekInputs = (
  engine: Warehouse,
  store: number,
  week: string,
  rules: RulesFile,
): Promise<WeekInputs> =>
  kept(engine, JSON.stringify([store, week, rules]), () => readWeekInputs(engine, store, week, rules));

async function readWeekInputs(
  engine: Warehouse,
  store: number,
  week: string,
  rules: RulesFile,
): Promise<WeekInputs> {
  const plan = await staffingPlan(engine, { store, from: week, to: addDays(week, 6) });
  const staff = await staffFromWarehouse(engine, [store]);
  const names = new Map(
    (
      await engine.query(
        'SELECT CAST(employee_id AS VARCHAR) AS id, name, role FROM employee WHERE store_id = $1',
        [store],
      )
    ).map((r) => [String(r.id), { name: String(r.name), role: String(r.role) }]),
  );
  const grid = buildGrid(String(store), plan.requirements, staff, rules);
  return { plan, staff, names, grid };
}

/** Coverage, wages and violations of `shifts` against the week's requirement. */
export function scoreRoster(
  inputs: WeekInputs,
  shifts: readonly Shift[],
  rules: RulesFile,
  week: string,
): RosterScore {
  const { grid, staff, plan } = inputs;
  const slotsPerHour = 60 / grid.step;
  const staffed = grid.demand.map((d) => new Float64Array(d.length));
  const wage = new Map(staff.map((s) => [s.id, s.wageFen]));
  let wages = 0;
  for (const s of shifts) {
    const role = grid.skills.indexOf(s.role);
    const day = daysBetween(grid.dates[0] as string, s.date);
    const length = s.end - s.start;
    const paid = paidMinutes(rules, length);
    wages += Math.round(((wage.get(s.employee) ?? 0) * paid) / 60);
    if (role < 0) continue;
    const row = staffed[role] as Float64Array;
    for (const t of slotsWorked(day, s.start, length, length - paid, grid.step))
      if (t >= 0 && t < row.length) row[t] = (row[t] as number) + 1;
  }
  const { demandHours, coveredHours, overHours } = staffedHours(grid, staffed);
  // Per hour of the week: the most needed and the fewest there within the hour.
  const byRole = grid.skills.map((role, r) => {
    const required: number[] = [];
    const scheduled: number[] = [];
    for (let h = 0; h < 7 * 24; h += 1) {
      let need = 0;
      let have = Number.POSITIVE_INFINITY;
      for (let k = 0; k < slotsPerHour; k += 1) {
        const t = h * slotsPerHour + k;
        need = Math.max(need, (grid.demand[r] as Float64Array)[t] ?? 0);
        have = Math.min(have, (staffed[r] as Float64Array)[t] ?? 0);
      }
      required.push(need);
      scheduled.push(have);
    }
    return { role, required, scheduled };
  });
  const violations = checkRoster(shifts, staff, rules, plan.requirements).filter(
    (v) => v.date === undefined || v.date >= addDays(week, -6),
  );
  return { demandHours, coveredHours, overHours, wages: yuan(wages), violations, byRole };
}

/** The whole page's answer for a store-week. */
export async function weekPlan(
  engine: Warehouse,
  center: WorkforceCenter,
  store: number,
  week: string,
  rules: RulesFile,
  inputs?: WeekInputs,
): Promise<WeekPlan> {
  const given = inputs ?? (await weekInputs(engine, store, week, rules));
  const [named] = await engine.query('SELECT name FROM store WHERE store_id = $1', [store]);
  const roster = await center.roster(String(store), week);
  const versions = await center.versions(String(store), week);
  const view = ({
    store: _s,
    week: _w,
    shifts: _x,
    ...v
  }: Awaited<ReturnType<WorkforceCenter['roster']>> & object) => v;
  return {
    store,
    storeName: String(named?.name ?? store),
    week,
    dates: Array.from({ length: 7 }, (_, k) => addDays(week, k)),
    pack: packOf(rules).id,
    staff: given.staff.map((s) => ({
      id: s.id,
      name: given.names.get(s.id)?.name ?? s.id,
      role: given.names.get(s.id)?.role ?? s.skills[0] ?? '',
      skills: s.skills,
      minHours: s.minHours,
      maxHours: s.maxHours,
    })),
    roster: roster ? { ...view(roster), shifts: roster.shifts } : null,
    versions: versions.map(({ store: _s, week: _w, ...v }) => v),
    score: scoreRoster(given, roster?.shifts ?? [], rules, week),
  };
}

/** Solves the week off the main thread and saves the roster as the next draft. */
export async function solveWeek(
  engine: Warehouse,
  center: WorkforceCenter,
  store: number,
  week: string,
  rules: RulesFile,
  by: string,
  options: ScheduleOptions = {},
): Promise<WeekPlan> {
  const inputs = await weekInputs(engine, store, week, rules);
  const latest = await center.roster(String(store), week);
  // Start from this week's newest roster, or else last week's published one moved on a week.
  const lastWeek = latest
    ? []
    : (await center.publishedShifts(String(store), addDays(week, -7), addDays(week, -1))).map((s) => ({
        ...s,
        date: addDays(s.date, 7),
      }));
  const start = latest?.shifts ?? lastWeek;
  const [result] = await scheduleStores(inputs.plan.requirements, inputs.staff, rules, {
    ...options,
    parallel: 1,
    ...(start.length > 0 ? { warmStart: start } : {}),
  });
  if (!result) throw new Error('the solver answered nothing');
  await center.save(String(store), week, result.shifts, by, latest?.version ?? 0, '智能排班 solver');
  const plan = await weekPlan(engine, center, store, week, rules, inputs);
  return {
    ...plan,
    solve: {
      status: result.status,
      gap: Number.isFinite(result.gap) ? result.gap : null,
      coverageBoundHours: Number.isFinite(result.coverageBoundHours) ? result.coverageBoundHours : null,
      seconds: result.seconds,
      gaps: result.gaps.map((g) => ({ zh: g.zh, en: g.en })),
    },
  };
}

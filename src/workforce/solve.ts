import * as highsPackage from 'highs';
import { buildGrid, type Candidate, type Grid } from './candidates.js';
import { explainGaps, type Gap } from './gaps.js';
import { greedyStart } from './greedy.js';
import { buildProgram, type Program } from './model.js';
import { FIRST_SHARE, improveByNeighbourhoods } from './neighbourhoods.js';
import type { RulesFile } from './rules.js';
import type { Requirement, Shift, StaffMember } from './types.js';

// The package's types describe its CommonJS face; imported as ESM, its loader is the module's default.
const highsLoader = (highsPackage as unknown as { default: typeof highsPackage.default.default }).default;
export type Highs = Awaited<ReturnType<typeof highsLoader>>;

/** The share of the time limit kept for the coverage bound (a linear program: seconds on the biggest stores). */
const BOUND_SHARE = 0.15;
let loading: Promise<Highs> | undefined;
/** The solver's WebAssembly, compiled once per process. */
const highs = () => {
  loading ??= highsLoader();
  return loading;
};

export interface ScheduleOptions {
  /** Seconds HiGHS may search; the best roster found by then is returned with its proven gap. */
  timeLimitSeconds?: number;
  /** Last week's (or a hand-edited) roster: the search starts from what of it still fits. */
  warmStart?: readonly Shift[];
  /** Stop when the proven gap is below this (0.001 = 0.1 %). */
  relativeGap?: number;
  /** false: HiGHS's whole search for all the time, no neighbourhoods after it (to measure the optimum). */
  neighbourhoods?: boolean;
}

export interface StoreSchedule {
  store: string;
  shifts: Shift[];
  /** optimal: proven; time_limit: the best found in time, `gap` says how far from proven; infeasible never (slack). */
  status: 'optimal' | 'time_limit' | 'no_solution';
  objective: number;
  /** The best objective any roster could have, as HiGHS proved it. */
  bound: number;
  /** (objective − bound) / objective; NaN when no bound was proved in time. */
  gap: number;
  /** Staff-hours of demand, and of it those covered. */
  demandHours: number;
  coveredHours: number;
  /** No legal roster covers more than this (the linear relaxation of covering all it can); NaN when it could not be solved in time. */
  coverageBoundHours: number;
  overHours: number;
  /** Wages of the roster, exact, in fen. */
  costFen: number;
  seconds: number;
  candidates: number;
  rows: number;
  gaps: Gap[];
}

/** One store's roster for the dates its requirements cover: the best HiGHS finds within the time limit. */
export async function scheduleStore(
  store: string,
  requirements: readonly Requirement[],
  staff: readonly StaffMember[],
  rules: RulesFile,
  options: ScheduleOptions = {},
): Promise<StoreSchedule> {
  const started = performance.now();
  const grid = buildGrid(store, requirements, staff, rules);
  const program = buildProgram(grid, rules);
  const solver = await highs();
  const model = solver.createModel({
    ...modelData(program),
    integrality: program.integer.map((i) =>
      i ? solver.constants.variableType.integer : solver.constants.variableType.continuous,
    ),
    offset: program.offset,
  });
  try {
    const limit = options.timeLimitSeconds ?? rules.timeLimitSeconds;
    model.options.set({
      output_flag: false,
      // The whole search first, for a share of the time: it proves the bound, and often the optimum.
      time_limit: options.neighbourhoods === false ? limit : Math.max(1, limit * FIRST_SHARE),
      mip_rel_gap: options.relativeGap ?? 1e-4,
      random_seed: 1,
    });
    // A start: the roster given (last week's, an edited one) where it still fits, else a greedy one.
    const given = options.warmStart ? warmStartOf(grid, options.warmStart) : [];
    const start = given.length > 0 ? given : greedyStart(grid, program);
    if (start.length > 0) model.setSolution({ indices: start, values: start.map(() => 1) });
    model.run();
    const proven = model.getModelStatus() === solver.constants.modelStatus.optimal;
    const bound = Number(model.info.get('mip_dual_bound'));
    let solution = model.getSolution().colValue;
    let objective = model.getObjectiveValue();
    const found = solution.length === program.numCols && Number.isFinite(objective) && objective < 1e20;
    if (found && !proven && options.neighbourhoods !== false) {
      const better = improveByNeighbourhoods(
        model,
        grid,
        { solution, objective, bound },
        started + limit * 1000 * (1 - BOUND_SHARE),
        (colValue) => worstDay(program, grid, colValue),
      );
      solution = better.solution;
      objective = better.objective;
    }
    const seconds = Math.max(0.5, limit - (performance.now() - started) / 1000);
    const coverageBoundHours =
      grid.dates.length > 7
        ? weeklyCoverageBound(solver, store, requirements, staff, rules, grid, seconds)
        : coverageBound(solver, program, grid, seconds);
    const chosen = found ? grid.candidates.filter((_, k) => (solution[k] as number) > 0.5) : [];
    const optimal = found && (proven || objective - bound <= 1e-4 * Math.max(1, Math.abs(objective)));
    const shifts = chosen.map((c) => shiftOf(grid, c)).sort(byEmployeeThenTime);
    const tally = coverage(grid, chosen);
    return {
      store,
      shifts,
      status: !found ? 'no_solution' : optimal ? 'optimal' : 'time_limit',
      objective: found ? objective : Number.NaN,
      bound,
      // Unknown (NaN) when HiGHS proved no bound in time (its search never finished the root on a big store).
      gap:
        found && Number.isFinite(bound)
          ? Math.max(0, (objective - bound) / Math.max(Math.abs(objective), 1e-9))
          : Number.NaN,
      ...tally,
      coverageBoundHours,
      costFen: chosen.reduce(
        (sum, c) => sum + Math.round(((grid.staff[c.employee]?.wageFen ?? 0) * c.paid) / 60),
        0,
      ),
      seconds: (performance.now() - started) / 1000,
      candidates: grid.candidates.length,
      rows: program.rowLower.length,
      gaps: explainGaps(grid, chosen, rules),
    };
  } finally {
    model.dispose();
  }
}

const shiftOf = (grid: Grid, c: Candidate): Shift => ({
  store: grid.store,
  employee: grid.staff[c.employee]?.id as string,
  date: grid.dates[c.day] as string,
  start: c.start,
  end: c.end,
  role: grid.skills[c.role] as string,
});

const byEmployeeThenTime = (a: Shift, b: Shift) =>
  a.employee.localeCompare(b.employee) || a.date.localeCompare(b.date) || a.start - b.start;

/** The day with the most demand a solution leaves uncovered (its under-coverage columns, by slot). */
function worstDay(program: Program, grid: Grid, colValue: Float64Array): number {
  const perDay = new Float64Array(grid.dates.length + 1);
  const slotsPerDay = 1440 / grid.step;
  for (const c of program.cover)
    if (c.under >= 0) {
      const day = Math.floor(c.slot / slotsPerDay);
      perDay[day] = (perDay[day] as number) + (colValue[c.under] as number);
    }
  let worst = 0;
  for (let d = 1; d < grid.dates.length; d += 1)
    if ((perDay[d] as number) > (perDay[worst] as number)) worst = d;
  return worst;
}

/** Demand, covered and surplus staff-hours of a set of shifts. */
export function coverage(
  grid: Grid,
  chosen: readonly Candidate[],
): { demandHours: number; coveredHours: number; overHours: number } {
  const staffed = grid.demand.map((d) => new Float64Array(d.length));
  for (const c of chosen) {
    const row = staffed[c.role] as Float64Array;
    for (const t of c.slots) row[t] = (row[t] as number) + 1;
  }
  return staffedHours(grid, staffed);
}

/** Demand, covered and surplus staff-hours of the staff counted per role and slot. */
export function staffedHours(
  grid: Grid,
  staffed: Float64Array[],
): { demandHours: number; coveredHours: number; overHours: number } {
  const hours = grid.step / 60;
  let demandHours = 0;
  let coveredHours = 0;
  let overHours = 0;
  grid.demand.forEach((need, r) => {
    const have = staffed[r] as Float64Array;
    for (let t = 0; t < need.length; t += 1) {
      demandHours += (need[t] as number) * hours;
      coveredHours += Math.min(need[t] as number, have[t] as number) * hours;
      overHours += Math.max(0, (have[t] as number) - (need[t] as number)) * hours;
    }
  });
  return { demandHours, coveredHours, overHours };
}

/** The candidate columns a roster's shifts match (same person, day, times and role). */
function warmStartOf(grid: Grid, shifts: readonly Shift[]): number[] {
  const key = (employee: string, date: string, start: number, end: number, role: string) =>
    `${employee} ${date} ${start} ${end} ${role}`;
  const wanted = new Set(shifts.map((s) => key(s.employee, s.date, s.start, s.end, s.role)));
  const out: number[] = [];
  grid.candidates.forEach((c, k) => {
    const s = shiftOf(grid, c);
    if (wanted.has(key(s.employee, s.date, s.start, s.end, s.role))) out.push(k);
  });
  return out;
}

/** The program as HiGHS takes it: rows in CSR, every column's cost and bounds. */
const modelData = (program: Program) => ({
  numCols: program.numCols,
  numRows: program.rowLower.length,
  colCost: program.colCost,
  colLower: program.colLower,
  colUpper: program.colUpper,
  rowLower: program.rowLower,
  rowUpper: program.rowUpper,
  matrix: {
    format: 'csr' as const,
    numRows: program.rowLower.length,
    numCols: program.numCols,
    starts: program.starts,
    indices: program.indices,
    values: program.values,
  },
});

/**
 * The most demand any legal roster could cover: the same rows, every cost but under-coverage set to nothing, the
 * yes/no columns relaxed to fractions. A roster's coverage against it is a gap proven whatever the weights.
 */
function coverageBound(solver: Highs, program: Program, grid: Grid, seconds: number): number {
  const underCols = new Set(program.cover.filter((c) => c.under >= 0).map((c) => c.under));
  const hours = grid.step / 60;
  const model = solver.createModel({
    ...modelData(program),
    colCost: program.colCost.map((_, j) => (underCols.has(j) ? hours : 0)),
  });

  try {
    model.options.set({ output_flag: false, time_limit: seconds });
    model.run();
    // Only a solved relaxation bounds anything; out of time, the bound is unknown (NaN), not a guess.
    if (model.getModelStatus() !== solver.constants.modelStatus.optimal) return Number.NaN;
    const unreachable = program.unreachable.reduce((sum, u) => sum + u.demand * hours, 0);
    const demand = grid.demand.reduce((sum, d) => sum + d.reduce((a, b) => a + b, 0) * hours, 0);
    return demand - unreachable - Math.max(0, model.getObjectiveValue());
  } finally {
    model.dispose();
  }
}

/**
 * A plan of several weeks bounded week by week: each week's program alone (the rows across a week's end — rest
 * from Sunday night to Monday, consecutive days, hours averaged over weeks — left out, which only loosens it), the
 * bounds added up. Still a bound on the whole plan, and a linear program a quarter the size, solved in time.
 */
function weeklyCoverageBound(
  solver: Highs,
  store: string,
  requirements: readonly Requirement[],
  staff: readonly StaffMember[],
  rules: RulesFile,
  grid: Grid,
  seconds: number,
): number {
  const deadline = performance.now() + seconds * 1000;
  let total = 0;
  for (let first = 0; first < grid.dates.length; first += 7) {
    const week = new Set(grid.dates.slice(first, first + 7));
    const part = buildGrid(
      store,
      requirements.filter((r) => r.store === store && week.has(r.date)),
      staff,
      rules,
    );
    const left = (deadline - performance.now()) / 1000;
    const bound = coverageBound(solver, buildProgram(part, rules), part, Math.max(0.2, left));
    if (!Number.isFinite(bound)) return Number.NaN;
    total += bound;
  }
  return total;
}

export type { Program };

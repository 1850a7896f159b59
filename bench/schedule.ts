import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { addDays } from '../src/model/index.js';
import {
  buildGrid,
  type Candidate,
  checkRoster,
  coverage,
  type DriverInterval,
  parseRules,
  parseStandards,
  type Requirement,
  type RulesFile,
  requirementsFrom,
  type Shift,
  type StaffMember,
  scheduleStore,
  scheduleStores,
} from '../src/workforce/index.js';
import { median, table } from './stats.js';

/**
 * Schedules on real footfall: two shopping-street sensors of the City of Melbourne (Bourke Street Mall, QV
 * Market) as two stores open 08:00–22:00, hourly demand from their counts by a labour standard, 12 staff each
 * (8 full-time 32–40 h, 4 part-time up to 24 h; one day away for every third person), shifts of 4–9 h on the
 * hour, one a day, 11 h rest, a day off a week (the EU pack). Each store-week: our solver within its time limit,
 * a greedy shift-filler, the most any legal roster could cover (linear relaxation) and, with --exact, HiGHS run
 * until it proves the optimum. Then a chain: 30 stores × 4 weeks, stores solved in parallel.
 */
interface Options {
  weeks: string;
  limit: number;
  exact?: number;
  chain: boolean;
  stores: number;
  chainWeeks: number;
  parallel?: number;
}

const DATA = resolve('..', 'shared', 'datasets', 'footfall-melbourne', 'pedestrian.csv');
const SENSORS: Record<string, { store: string; format: string }> = {
  'Bourke Street Mall (North)': { store: 'BSM', format: 'mall' },
  'QV Market-Elizabeth St (West)': { store: 'QVM', format: 'market' },
};
/** One salesperson per so many passers-by an hour: a mall's shoppers buy less often than a market's. */
const STANDARDS = parseStandards({
  formats: {
    mall: [{ role: 'sales', driver: 'visitors', perHour: 560, minimum: 1 }],
    market: [{ role: 'sales', driver: 'visitors', perHour: 215, minimum: 1 }],
  },
});
const RULES: RulesFile = parseRules({
  pack: 'eu-wtd',
  opening: { open: '08:00', close: '22:00' },
  shift: { minHours: 4, maxHours: 9, startEvery: 60 },
  weights: { fairness: 0, preference: 0 },
});

/** Hourly counts by sensor and date, 0–23. */
function readFootfall(): Map<string, Map<string, number[]>> {
  const out = new Map<string, Map<string, number[]>>();
  for (const line of readFileSync(DATA, 'utf8').split('\n').slice(1)) {
    const [sensor, , date, hour, count] = line.split(',');
    if (!sensor || !SENSORS[sensor]) continue;
    const byDate = out.get(sensor) ?? new Map<string, number[]>();
    out.set(sensor, byDate);
    const hours = byDate.get(date as string) ?? new Array(24).fill(Number.NaN);
    byDate.set(date as string, hours);
    hours[Number(hour)] = Number(count);
  }
  return out;
}

function intervals(
  footfall: Map<string, Map<string, number[]>>,
  sensor: string,
  store: string,
  from: string,
  days: number,
  scale = 1,
): DriverInterval[] {
  const out: DriverInterval[] = [];
  for (let d = 0; d < days; d += 1) {
    const date = addDays(from, d);
    const counts = footfall.get(sensor)?.get(date);
    for (let h = 8; h < 22; h += 1) {
      const visitors = counts?.[h];
      out.push({
        store,
        format: SENSORS[sensor]?.format as string,
        date,
        start: h * 60,
        end: h * 60 + 60,
        // A missing hour (a sensor down) is read as the same hour a week before, never as nobody.
        visitors: Math.round(
          (Number.isFinite(visitors)
            ? (visitors as number)
            : (footfall.get(sensor)?.get(addDays(date, -7))?.[h] ?? 0)) * scale,
        ),
        open: true,
      });
    }
  }
  return out;
}

function staffOf(store: string, dates: string[]): StaffMember[] {
  return Array.from({ length: 12 }, (_, i) => ({
    store,
    id: `${store}-${String(i + 1).padStart(2, '0')}`,
    contract: i < 8 ? ('full_time' as const) : ('part_time' as const),
    minHours: i < 8 ? 32 : 12,
    maxHours: i < 8 ? 40 : 24,
    skills: ['sales'],
    unavailable: new Set(i % 3 === 0 ? dates.filter((_, d) => d % 7 === i % 7) : []),
    preferredOff: new Set<string>(),
    wageFen: 2500 + i * 50,
  }));
}

/**
 * The baseline a spreadsheet planner's macro would be: again and again, the shift (of anyone, any day) that
 * covers the most still-uncovered demand-hours without breaking a rule, until none adds any.
 */
function greedy(
  requirements: Requirement[],
  staff: StaffMember[],
  rules: RulesFile,
  store: string,
): { shifts: Shift[]; covered: number } {
  const grid = buildGrid(store, requirements, staff, rules);
  const left = grid.demand.map((d) => Float64Array.from(d));
  const chosen: Candidate[] = [];
  const own = new Map<number, Shift[]>();
  const shiftOf = (c: Candidate): Shift => ({
    store,
    employee: grid.staff[c.employee]?.id as string,
    date: grid.dates[c.day] as string,
    start: c.start,
    end: c.end,
    role: grid.skills[c.role] as string,
  });
  for (;;) {
    let best: Candidate | undefined;
    let bestScore = 0;
    for (const c of grid.candidates) {
      const row = left[c.role] as Float64Array;
      let gain = 0;
      for (const t of c.slots) if ((row[t] as number) > 0) gain += 1;
      // The most demand-hours covered; of equals, the fewest paid hours.
      const score = gain - c.paid / 10_000;
      if (gain === 0 || score <= bestScore) continue;
      const mine = own.get(c.employee) ?? [];
      if (checkRoster([...mine, shiftOf(c)], grid.staff, rules, requirements).length > 0) continue;
      best = c;
      bestScore = score;
    }
    if (!best) break;
    chosen.push(best);
    own.set(best.employee, [...(own.get(best.employee) ?? []), shiftOf(best)]);
    const row = left[best.role] as Float64Array;
    for (const t of best.slots) row[t] = (row[t] as number) - 1;
  }
  return { shifts: chosen.map(shiftOf), covered: coverage(grid, chosen).coveredHours };
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export async function benchSchedule(options: Options): Promise<void> {
  const footfall = readFootfall();
  console.log(
    `Melbourne footfall, ${options.weeks.split(',').length} weeks × 2 stores; solver limit ${options.limit} s${options.exact ? `, exact up to ${options.exact} s` : ''}`,
  );
  const rows: (string | number)[][] = [
    [
      'store-week',
      'demand h',
      'bound h',
      'ours cov',
      'ours gap',
      'proven',
      's',
      'greedy cov',
      'exact cov',
      'exact s',
      'violations',
    ],
  ];
  const ourGaps: number[] = [];
  const ourSeconds: number[] = [];
  const greedyGaps: number[] = [];
  for (const week of options.weeks.split(',')) {
    for (const [sensor, { store }] of Object.entries(SENSORS)) {
      const requirements = requirementsFrom(intervals(footfall, sensor, store, week, 7), STANDARDS);
      const dates = [...new Set(requirements.map((r) => r.date))];
      const staff = staffOf(store, dates);
      const ours = await scheduleStore(store, requirements, staff, RULES, {
        timeLimitSeconds: options.limit,
      });
      const base = greedy(requirements, staff, RULES, store);
      const exact = options.exact
        ? await scheduleStore(store, requirements, staff, RULES, {
            timeLimitSeconds: options.exact,
            relativeGap: 0,
            neighbourhoods: false,
          })
        : undefined;
      const violations =
        checkRoster(ours.shifts, staff, RULES, requirements).length +
        checkRoster(base.shifts, staff, RULES, requirements).length;
      const bound = ours.coverageBoundHours;
      ourGaps.push((bound - ours.coveredHours) / bound);
      greedyGaps.push((bound - base.covered) / bound);
      ourSeconds.push(ours.seconds);
      rows.push([
        `${store} ${week}`,
        ours.demandHours,
        bound,
        pct(ours.coveredHours / ours.demandHours),
        pct((bound - ours.coveredHours) / bound),
        pct(ours.gap),
        ours.seconds,
        pct(base.covered / ours.demandHours),
        exact
          ? `${pct(exact.coveredHours / exact.demandHours)}${exact.status === 'optimal' ? '' : '?'}`
          : '—',
        exact ? exact.seconds : '—',
        violations,
      ]);
    }
  }
  console.log(table(rows));
  console.log(
    `coverage short of the most possible (LP bound): ours median ${pct(median(ourGaps))}, worst ${pct(Math.max(...ourGaps))}; greedy median ${pct(median(greedyGaps))}, worst ${pct(Math.max(...greedyGaps))}; ours median ${median(ourSeconds).toFixed(1)} s a store-week`,
  );
  if (!options.chain) return;
  // A chain: stores k = 0…n−1 take one of the two sensors, a different month and a scaled footfall.
  const requirements: Requirement[] = [];
  const staff: StaffMember[] = [];
  const days = options.chainWeeks * 7;
  for (let k = 0; k < options.stores; k += 1) {
    const sensor = Object.keys(SENSORS)[k % 2] as string;
    const store = `S${String(k + 1).padStart(2, '0')}`;
    const from = addDays('2015-01-05', 7 * ((k * 3) % 90));
    const own = requirementsFrom(
      intervals(footfall, sensor, store, from, days, 0.85 + 0.03 * (k % 10)),
      STANDARDS,
    );
    // The chain's dates line up (the plan is for the same weeks everywhere): each store's own history, moved.
    for (const r of own)
      requirements.push({
        ...r,
        date: addDays('2026-12-07', Math.round((Date.parse(r.date) - Date.parse(from)) / 86_400_000)),
      });
  }
  const dates = Array.from({ length: days }, (_, d) => addDays('2026-12-07', d));
  for (let k = 0; k < options.stores; k += 1)
    staff.push(...staffOf(`S${String(k + 1).padStart(2, '0')}`, dates));
  const parallel = options.parallel ?? Math.max(1, availableParallelism());
  const started = performance.now();
  const schedules = await scheduleStores(
    requirements,
    staff,
    RULES,
    { timeLimitSeconds: options.limit * options.chainWeeks, parallel },
    (_s, done, total) => process.stderr.write(`\r  ${done}/${total} stores`),
  );
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write('\n');
  const shifts = schedules.flatMap((s) => s.shifts);
  const bounded = schedules.filter((s) => Number.isFinite(s.coverageBoundHours));
  const gaps = bounded.map((s) => (s.coverageBoundHours - s.coveredHours) / s.coverageBoundHours);
  const covered = schedules.map((s) => s.coveredHours / s.demandHours);
  const proven = schedules.filter((s) => Number.isFinite(s.gap)).map((s) => s.gap);
  const violations = checkRoster(shifts, staff, RULES, requirements).length;
  console.log(
    `Chain: ${options.stores} stores × ${options.chainWeeks} weeks, ${parallel} at a time, ${options.limit * options.chainWeeks} s limit a store: ${seconds.toFixed(0)} s in all (median ${median(schedules.map((s) => s.seconds)).toFixed(1)} s a store), ${shifts.length} shifts; coverage median ${pct(median(covered))}; short of the coverage bound median ${pct(median(gaps))}, worst ${pct(Math.max(...gaps))} (bound known for ${bounded.length} of ${schedules.length}); proven objective gap median ${proven.length ? pct(median(proven)) : '—'}; ${schedules.filter((s) => s.status === 'optimal').length} stores proven optimal; violations ${violations}`,
  );
}

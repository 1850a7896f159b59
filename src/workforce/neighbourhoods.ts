import { seededRandom } from '../model/index.js';
import type { Grid } from './candidates.js';
import type { Highs } from './solve.js';

type Model = ReturnType<Highs['createModel']>;

/** The share of the time limit the whole search gets before the neighbourhoods take over. */
export const FIRST_SHARE = 0.4;

/**
 * Large-neighbourhood search on HiGHS's own model. A tight week (demand at the staff's hours) has a root bound
 * that is nearly exact but an incumbent HiGHS improves slowly: branch and bound on thousands of look-alike
 * shifts. Freeing a few people (or a few days) and fixing everyone else at the incumbent leaves a MIP HiGHS
 * solves in a fraction of a second; repeated, the roster improves where the whole search stalls. Each
 * sub-search starts from the incumbent, so the objective never gets worse, and the bound stays the first
 * search's, a proof for the whole model.
 */
export function improveByNeighbourhoods(
  model: Model,
  grid: Grid,
  start: { solution: Float64Array; objective: number; bound: number },
  deadline: number,
  worstDay: (solution: Float64Array) => number,
): { solution: Float64Array; objective: number } {
  const n = grid.candidates.length;
  const random = seededRandom(20261207);
  let best: { solution: Float64Array; objective: number } = start;
  const ones = new Float64Array(n).fill(1);
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const all = { kind: 'range' as const, from: 0, to: n - 1 };
  const people = grid.staff.length;
  const days = grid.dates.length;
  for (let round = 0; performance.now() < deadline - 150; round += 1) {
    if (best.objective - start.bound <= 1e-4 * Math.max(1, Math.abs(best.objective))) break;
    // In turn: a few people over the whole horizon; everyone over two days; everyone over the day with the most
    // demand still uncovered and a day beside it (where the search has the most to gain).
    const kind = round % 4;
    const byPeople = kind < 2;
    const free = new Set<number>();
    if (kind === 3) {
      const worst = worstDay(best.solution);
      free.add(worst);
      free.add(Math.min(days - 1, Math.max(0, worst + (random() < 0.5 ? -1 : 1))));
    } else {
      const size = byPeople ? Math.min(people, 3 + kind) : Math.min(days, 2);
      const pool = byPeople ? people : days;
      if (byPeople) while (free.size < size) free.add(Math.floor(random() * pool));
      else {
        const first = Math.floor(random() * Math.max(1, days - 1));
        for (let d = first; d < first + size; d += 1) free.add(d);
      }
    }
    grid.candidates.forEach((c, k) => {
      const open = free.has(byPeople ? c.employee : c.day);
      const v = (best.solution[k] as number) > 0.5 ? 1 : 0;
      lower[k] = open ? 0 : v;
      upper[k] = open ? 1 : v;
    });
    model.changeColsBounds(all, lower, upper);
    model.setSolution({ colValue: best.solution });
    model.zeroAllClocks();
    model.options.set({
      time_limit: Math.max(0.1, Math.min(1.5, (deadline - performance.now()) / 1000 - 0.1)),
    });
    model.run();
    const objective = model.getObjectiveValue();
    const solution = model.getSolution().colValue;
    if (solution.length === best.solution.length && objective < best.objective - 1e-9)
      best = { solution, objective };
  }
  model.changeColsBounds(all, new Float64Array(n), ones);
  return best;
}

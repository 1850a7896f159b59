import type { Grid } from './candidates.js';
import type { Program } from './model.js';

/**
 * A first roster in a blink, for HiGHS to start from: shifts taken one at a time, each time the one whose
 * demand-hours still uncovered are worth most against its wage, if every row it sits in (one a day, rest,
 * hours, rest days …) still holds. A lazy queue keeps it fast on a store of 150 people: a shift's worth only
 * falls as others are taken, so a stale worth is an upper bound and is refreshed only when it comes to the top.
 * Big stores get a start whose search would otherwise find none within the time limit.
 */
export function greedyStart(grid: Grid, program: Program): number[] {
  const n = grid.candidates.length;
  // Column k's rows (the CSR transposed, for the candidates' columns only).
  const rowsOf: number[][] = Array.from({ length: n }, () => []);
  const valuesOf: number[][] = Array.from({ length: n }, () => []);
  const rows = program.rowLower.length;
  const coverRow = new Set(program.cover.map((c) => c.row));
  for (let r = 0; r < rows; r += 1) {
    if (coverRow.has(r)) continue;
    // A row with a slack column of its own (fairness's maximum, a contract's shortfall) bends: not a limit here.
    let soft = false;
    for (let p = program.starts[r] as number; p < (program.starts[r + 1] as number); p += 1)
      if ((program.indices[p] as number) >= n) soft = true;
    if (soft) continue;
    for (let p = program.starts[r] as number; p < (program.starts[r + 1] as number); p += 1) {
      const k = program.indices[p] as number;
      if (k < n) {
        rowsOf[k]?.push(r);
        valuesOf[k]?.push(program.values[p] as number);
      }
    }
  }
  const activity = new Float64Array(rows);
  const left = grid.demand.map((d) => Float64Array.from(d));
  // What a slot of demand left uncovered costs (every under column costs the same).
  const underCost = program.cover.find((c) => c.under >= 0);
  const perSlot = underCost ? (program.colCost[underCost.under] as number) : 1;
  const worth = (k: number) => {
    const c = grid.candidates[k];
    if (!c) return Number.NEGATIVE_INFINITY;
    const row = left[c.role] as Float64Array;
    let gain = 0;
    for (const t of c.slots) if ((row[t] as number) > 0) gain += 1;
    return gain * perSlot - (program.colCost[k] as number);
  };
  const fits = (k: number) => {
    const r = rowsOf[k] as number[];
    const v = valuesOf[k] as number[];
    for (let i = 0; i < r.length; i += 1)
      if (
        (activity[r[i] as number] as number) + (v[i] as number) >
        (program.rowUpper[r[i] as number] as number) + 1e-9
      )
        return false;
    return true;
  };
  // A binary heap of (worth, column), largest first.
  const heap: [number, number][] = [];
  const push = (item: [number, number]) => {
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as [number, number])[0] >= item[0]) break;
      heap[i] = heap[parent] as [number, number];
      i = parent;
    }
    heap[i] = item;
  };
  const pop = (): [number, number] | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        const at = (j: number) => (j === i ? last[0] : (heap[j] as [number, number])[0]);
        if (l < heap.length && at(l) > at(best)) best = l;
        if (r < heap.length && at(r) > at(best)) best = r;
        if (best === i) break;
        heap[i] = heap[best] as [number, number];
        i = best;
      }
      heap[i] = last;
    }
    return top;
  };
  for (let k = 0; k < n; k += 1) {
    const w = worth(k);
    if (w > 0) push([w, k]);
  }
  const chosen: number[] = [];
  for (let item = pop(); item; item = pop()) {
    const [stale, k] = item;
    const fresh = worth(k);
    if (fresh <= 0) continue;
    if (fresh < stale - 1e-9) {
      push([fresh, k]);
      continue;
    }
    if (!fits(k)) continue;
    chosen.push(k);
    const r = rowsOf[k] as number[];
    const v = valuesOf[k] as number[];
    for (let i = 0; i < r.length; i += 1)
      activity[r[i] as number] = (activity[r[i] as number] as number) + (v[i] as number);
    const c = grid.candidates[k];
    if (c) {
      const row = left[c.role] as Float64Array;
      for (const t of c.slots) row[t] = (row[t] as number) - 1;
    }
  }
  return chosen;
}

/**
 * The lift of a campaign per targeted member, against a control group, with a bootstrap interval.
 *
 * With a randomised hold-out the two groups differ by chance only, so the lift is the difference of their mean
 * outcomes in the campaign. Without one, the targeted were chosen (often for buying more already), so the lift is
 * the difference in differences: how much more the targeted's outcome grew from an equally long pre-period than the
 * control's did — fair where the two groups would have moved alike without the campaign (parallel trends).
 *
 * The interval resamples members within each group (a percentile bootstrap), with a seeded generator so the same
 * data gives the same interval.
 */
export interface MemberOutcome {
  /** The outcome in the pre-period (sales, or gross profit). */
  pre: number;
  /** The outcome in the campaign's window. */
  post: number;
  /**
   * Members alike before (e.g. by their spend in the year before): each stratum's targeted are compared with its
   * own control, weighted by the targeted in it, so the control stands for members like the targeted.
   */
  stratum?: number;
}

export type Design = 'holdout' | 'diff_in_diff' | 'difference';

export interface Lift {
  /** Per targeted member. */
  lift: number;
  /** Targeted members compared: those in a stratum that has controls. */
  compared: number;
  low: number;
  high: number;
  /** Mean pre-period outcome of each group: how alike they were before (the balance a reader should check). */
  preTargeted: number;
  preControl: number;
}

/** A member's change under the design: the outcome itself (hold-out, no pre-period) or its growth. */
const change = (design: Design) =>
  design === 'diff_in_diff' ? (o: MemberOutcome) => o.post - o.pre : (o: MemberOutcome) => o.post;

const mean = (values: Float64Array) => {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length ? sum / values.length : Number.NaN;
};

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function resampledMean(values: Float64Array, random: () => number): number {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[Math.floor(random() * n)] as number;
  return sum / n;
}

const quantile = (sorted: number[], q: number) => {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return (sorted[below] as number) + ((sorted[above] as number) - (sorted[below] as number)) * (at - below);
};

/** Each stratum's changes of both groups, strata without members of both groups left out. */
function strata(targeted: MemberOutcome[], control: MemberOutcome[], of: (o: MemberOutcome) => number) {
  const groups = new Map<number, { t: number[]; c: number[] }>();
  const add = (o: MemberOutcome, side: 't' | 'c') => {
    const key = o.stratum ?? 0;
    const group = groups.get(key) ?? { t: [], c: [] };
    group[side].push(of(o));
    groups.set(key, group);
  };
  for (const o of targeted) add(o, 't');
  for (const o of control) add(o, 'c');
  return [...groups.values()]
    .filter((g) => g.t.length && g.c.length)
    .map((g) => ({ t: Float64Array.from(g.t), c: Float64Array.from(g.c) }));
}

export function estimateLift(
  targeted: MemberOutcome[],
  control: MemberOutcome[],
  design: Design,
  options: { replicates?: number; confidence?: number; seed?: number } = {},
): Lift {
  const replicates = options.replicates ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const cells = strata(targeted, control, change(design));
  const compared = cells.reduce((n, cell) => n + cell.t.length, 0);
  // The targeted's mean less the control's, stratum by stratum, weighted by the targeted in each.
  const liftOf = (draw: (values: Float64Array) => number) =>
    cells.reduce((sum, cell) => sum + (cell.t.length / compared) * (draw(cell.t) - draw(cell.c)), 0);
  const lift = compared ? liftOf(mean) : Number.NaN;
  const random = seeded(options.seed ?? 20261201);
  const draws: number[] = [];
  if (compared) for (let b = 0; b < replicates; b++) draws.push(liftOf((v) => resampledMean(v, random)));
  draws.sort((x, y) => x - y);
  const tail = (1 - confidence) / 2;
  // The control's pre-period mean weighted like its lift, so the balance shown is the one the lift relies on.
  const pre = strata(targeted, control, (o) => o.pre);
  const preWeighted = (side: 't' | 'c') =>
    pre.reduce((sum, cell) => sum + (cell.t.length / compared) * mean(cell[side]), 0);
  return {
    lift,
    compared,
    low: draws.length ? quantile(draws, tail) : Number.NaN,
    high: draws.length ? quantile(draws, 1 - tail) : Number.NaN,
    preTargeted: compared ? preWeighted('t') : Number.NaN,
    preControl: compared ? preWeighted('c') : Number.NaN,
  };
}

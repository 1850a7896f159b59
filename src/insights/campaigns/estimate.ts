import type { Design } from '../../contract/index.js';
import { seededRandom } from '../../model/index.js';

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

/**
 * The treated members in strata that have controls, each with its stratum's index, and the controls' changes per
 * stratum.
 */
function strata(targeted: MemberOutcome[], control: MemberOutcome[], of: (o: MemberOutcome) => number) {
  const controls = new Map<number, number[]>();
  for (const o of control) {
    const key = o.stratum ?? 0;
    const list = controls.get(key) ?? [];
    list.push(of(o));
    controls.set(key, list);
  }
  const keys = [...controls.keys()];
  const index = new Map(keys.map((k, i) => [k, i]));
  const kept = targeted.filter((o) => index.has(o.stratum ?? 0));
  return {
    treated: Float64Array.from(kept, of),
    stratumOf: Int32Array.from(kept, (o) => index.get(o.stratum ?? 0) as number),
    controls: keys.map((k) => Float64Array.from(controls.get(k) as number[])),
  };
}

/**
 * Each treated member's change less the mean change of the controls of her stratum, averaged. The interval
 * resamples the treated as a whole (so a stratum with one treated member varies like any other) and the controls
 * within their strata.
 */
export function estimateLift(
  targeted: MemberOutcome[],
  control: MemberOutcome[],
  design: Design,
  options: { replicates?: number; confidence?: number; seed?: number } = {},
): Lift {
  const replicates = options.replicates ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const { treated, stratumOf, controls } = strata(targeted, control, change(design));
  const compared = treated.length;
  const liftWith = (controlMeans: Float64Array, pick: (i: number) => number) => {
    let sum = 0;
    for (let i = 0; i < compared; i++) {
      const j = pick(i);
      sum += (treated[j] as number) - (controlMeans[stratumOf[j] as number] as number);
    }
    return sum / compared;
  };
  const lift = compared ? liftWith(Float64Array.from(controls, mean), (i) => i) : Number.NaN;
  const random = seededRandom(options.seed ?? 20261201);
  const draws: number[] = [];
  if (compared)
    for (let b = 0; b < replicates; b++) {
      const means = Float64Array.from(controls, (values) => resampledMean(values, random));
      draws.push(liftWith(means, () => Math.floor(random() * compared)));
    }
  draws.sort((x, y) => x - y);
  const tail = (1 - confidence) / 2;
  // The pre-period means, the controls' weighted like the lift (each treated member's stratum's): the balance
  // the lift relies on.
  const pre = strata(targeted, control, (o) => o.pre);
  const preMeans = Float64Array.from(pre.controls, mean);
  let preControl = 0;
  for (let i = 0; i < compared; i++) preControl += preMeans[pre.stratumOf[i] as number] as number;
  return {
    lift,
    compared,
    preTargeted: compared ? mean(pre.treated) : Number.NaN,
    preControl: compared ? preControl / compared : Number.NaN,
    low: draws.length ? quantile(draws, tail) : Number.NaN,
    high: draws.length ? quantile(draws, 1 - tail) : Number.NaN,
  };
}

/** Band 0: no spend; 1…5: the targeted's quintiles of spend (fewer bands where few members). */
export function spendBands(targetedSpend: number[]): (spend: number) => number {
  const positive = targetedSpend.filter((v) => v > 0).sort((a, b) => a - b);
  const bands = Math.max(1, Math.min(5, Math.floor(positive.length / 20)));
  const breaks = Array.from(
    { length: bands - 1 },
    (_, i) => positive[Math.floor(((i + 1) * positive.length) / bands)] as number,
  );
  return (spend) => (spend <= 0 ? 0 : 1 + breaks.filter((b) => spend >= b).length);
}

export type { Design };

import { describe, expect, it } from 'vitest';
import { estimateLift, type MemberOutcome } from './estimate.js';

/** Members whose spend is 0 most weeks and a basket now and then, as a store's members are. */
function members(n: number, seed: number, extra: (i: number) => number): MemberOutcome[] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return Array.from({ length: n }, (_, i) => {
    const habit = next() * 2; // some members shop more than others, before and after alike
    const spend = () => (next() < 0.3 * habit ? 20 + next() * 120 : 0);
    return { pre: spend(), post: spend() + extra(i) };
  });
}

describe('campaign lift', () => {
  it('recovers a known lift against a random hold-out, inside its interval, and none where there is none', () => {
    const targeted = members(4000, 1, () => 15);
    const holdout = members(4000, 2, () => 0);
    const lifted = estimateLift(targeted, holdout, 'holdout');
    expect(lifted.low).toBeLessThan(15);
    expect(lifted.high).toBeGreaterThan(15);
    expect(lifted.low).toBeGreaterThan(0);
    const none = estimateLift(
      members(4000, 3, () => 0),
      holdout,
      'holdout',
    );
    expect(none.low).toBeLessThan(0);
    expect(none.high).toBeGreaterThan(0);
  });

  it('takes out what the targeted already spent more before, in differences of differences', () => {
    // Targeted for spending ¥30 more a period already, plus a lift of ¥10: a plain difference says ¥40.
    const control = members(3000, 4, () => 0);
    const targeted = members(3000, 5, () => 10).map((o) => ({ pre: o.pre + 30, post: o.post + 30 }));
    expect(estimateLift(targeted, control, 'difference').lift).toBeGreaterThan(30);
    const did = estimateLift(targeted, control, 'diff_in_diff');
    expect(did.low).toBeLessThan(10);
    expect(did.high).toBeGreaterThan(10);
    expect(did.preTargeted - did.preControl).toBeGreaterThan(20);
  });

  it('compares members within bands of prior spend, where heavy and light shoppers move apart anyway', () => {
    // Heavy shoppers (band 2) grow ¥20 a period without any campaign, light ones (band 1) not at all. The targeted
    // are mostly heavy, the control mostly light; the campaign adds ¥5. Unbanded, the growth of the heavy is
    // taken for lift; banded, each band's targeted meet their own kind.
    const band = (n: number, seed: number, heavy: boolean, lift: number) =>
      members(n, seed, () => lift + (heavy ? 20 : 0)).map((o) => ({ ...o, stratum: heavy ? 2 : 1 }));
    const targeted = [...band(2400, 8, true, 5), ...band(600, 9, false, 5)];
    const control = [...band(600, 10, true, 0), ...band(2400, 11, false, 0)];
    const unbanded = estimateLift(
      targeted.map(({ stratum, ...o }) => o),
      control.map(({ stratum, ...o }) => o),
      'diff_in_diff',
    );
    expect(unbanded.low).toBeGreaterThan(10);
    const banded = estimateLift(targeted, control, 'diff_in_diff');
    expect(banded.low).toBeLessThan(5);
    expect(banded.high).toBeGreaterThan(5);
    expect(banded.compared).toBe(3000);
    // Targeted in a band without controls are not compared, and counted as such.
    expect(
      estimateLift(
        targeted,
        control.filter((o) => o.stratum === 1),
        'diff_in_diff',
      ).compared,
    ).toBe(600);
  });

  it('gives the same interval for the same data, and a wider one for fewer members', () => {
    const a = estimateLift(
      members(2000, 6, () => 5),
      members(2000, 7, () => 0),
      'holdout',
    );
    const b = estimateLift(
      members(2000, 6, () => 5),
      members(2000, 7, () => 0),
      'holdout',
    );
    expect(b).toEqual(a);
    const small = estimateLift(
      members(200, 6, () => 5),
      members(200, 7, () => 0),
      'holdout',
    );
    expect(small.high - small.low).toBeGreaterThan(2 * (a.high - a.low));
  });
});

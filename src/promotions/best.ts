import { evaluate, type Outcome } from './apply.js';
import type { Rule } from './rules.js';
import type { Line } from './scope.js';

export interface Choice {
  rules: Rule[];
  outcome: Outcome;
  /** Each candidate's saving alone on this cart. */
  alone: Map<string, number>;
  /** How many sets were priced (the search's work, for the bench). */
  priced: number;
}

const key = (rules: Rule[]) =>
  rules
    .map((r) => r.id)
    .sort()
    .join('\u0000');

/**
 * The best set of promotions for a cart under the stacking rules: at most one of each stacking group, and an
 * exclusive promotion alone. Savings do not add up (promotions compete for units, and 满减 counts what item
 * promotions left), but a set never saves more than the sum of what its members save alone — so a branch
 * whose members' savings alone cannot beat the best set found is not priced (branch and bound). Among sets
 * saving the same, the one with fewer promotions, then the first by ids: the same cart always gets the same
 * answer.
 */
export function bestSet(lines: Line[], candidates: Rule[]): Choice {
  const alone = new Map(candidates.map((r) => [r.id, evaluate(lines, [r]).saving]));
  const useful = candidates.filter((r) => (alone.get(r.id) ?? 0) > 0);
  let priced = candidates.length;
  let best: { rules: Rule[]; outcome: Outcome } = { rules: [], outcome: { saving: 0, shares: new Map() } };
  const consider = (rules: Rule[]) => {
    const outcome = evaluate(lines, rules);
    priced += 1;
    const better =
      outcome.saving > best.outcome.saving ||
      (outcome.saving === best.outcome.saving &&
        (rules.length < best.rules.length ||
          (rules.length === best.rules.length && key(rules) < key(best.rules))));
    if (better) best = { rules, outcome };
  };
  for (const r of useful.filter((r) => r.exclusive)) consider([r]);
  // Groups, the one that can save most first, each with its members best first: good sets come early.
  const groups = new Map<string, Rule[]>();
  for (const r of useful.filter((r) => !r.exclusive))
    groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  const saves = (r: Rule) => alone.get(r.id) ?? 0;
  const ordered = [...groups.values()]
    .map((members) => members.sort((a, b) => saves(b) - saves(a) || (a.id < b.id ? -1 : 1)))
    .sort((a, b) => saves(b[0] as Rule) - saves(a[0] as Rule));
  // What the groups from k on could add at most.
  const ceiling = ordered.map((_, k) => ordered.slice(k).reduce((sum, g) => sum + saves(g[0] as Rule), 0));
  const walk = (k: number, chosen: Rule[], bound: number) => {
    if (bound + (ceiling[k] ?? 0) < best.outcome.saving) return;
    if (k === ordered.length) {
      if (chosen.length) consider(chosen);
      return;
    }
    for (const r of ordered[k] as Rule[]) walk(k + 1, [...chosen, r], bound + saves(r));
    walk(k + 1, chosen, bound);
  };
  walk(0, [], 0);
  return { ...best, alone, priced };
}

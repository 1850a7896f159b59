import { evaluate, type Outcome } from './apply.js';
import { isOrderLevel, type Rule } from './rules.js';
import { covers, type Line } from './scope.js';

export interface Choice {
  rules: Rule[];
  outcome: Outcome;
  /** Each candidate's saving alone on this cart. */
  alone: Map<string, number>;
  /** How many sets were priced (the search's work, for the bench). */
  priced: number;
  /** The item promotions the first step chose (what 满减 count after), even when an exclusive one won. */
  items: Rule[];
}

const idOrder = (a: Rule, b: Rule) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const key = (rules: Rule[]) =>
  [...rules]
    .sort(idOrder)
    .map((r) => r.id)
    .join('\u0000');

/**
 * The lines a promotion can price (for 买赠 its gifts too; for 满减 what it counts): item promotions reaching no
 * common line never compete, and one reaching none saves nothing.
 */
function reach(rule: Rule, lines: Line[]): Set<number> {
  const out = new Set<number>();
  lines.forEach((line, i) => {
    const touches =
      rule.kind === 'member_price'
        ? rule.prices.has(line.sku) && covers(rule, line)
        : rule.kind === 'bundle'
          ? rule.items.some((item) => item.sku === line.sku) && covers(rule, line)
          : covers(rule, line) || (rule.kind === 'buy_x_get_y' && line.sku === rule.gift);
    if (touches) out.add(i);
  });
  return out;
}

/** Sets of `rules` with at most one of each stacking group, by branch and bound: the best by `score`. */
function bestOf(
  rules: Rule[],
  alone: Map<string, number>,
  score: (set: Rule[]) => number,
  floor: { score: number; rules: Rule[] },
  /** What every set scores beside its members' own savings (the items' saving, under 满减). */
  offset = 0,
): { score: number; rules: Rule[]; priced: number } {
  const saves = (r: Rule) => alone.get(r.id) ?? 0;
  const groups = new Map<string, Rule[]>();
  for (const r of rules) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  const ordered = [...groups.values()]
    .map((members) => members.sort((a, b) => saves(b) - saves(a) || idOrder(a, b)))
    .sort((a, b) => saves(b[0] as Rule) - saves(a[0] as Rule));
  // What the groups from k on could add at most: a set never saves more than its members do alone.
  const ceiling = ordered.map((_, k) => ordered.slice(k).reduce((sum, g) => sum + saves(g[0] as Rule), 0));
  let best = floor;
  let priced = 0;
  const walk = (k: number, chosen: Rule[], bound: number) => {
    if (offset + bound + (ceiling[k] ?? 0) < best.score) return;
    if (k === ordered.length) {
      const s = score(chosen);
      priced += 1;
      const better =
        s > best.score ||
        (s === best.score &&
          (chosen.length < best.rules.length ||
            (chosen.length === best.rules.length && key(chosen) < key(best.rules))));
      if (better) best = { score: s, rules: chosen };
      return;
    }
    for (const r of ordered[k] as Rule[]) walk(k + 1, [...chosen, r], bound + saves(r));
    walk(k + 1, chosen, bound);
  };
  walk(0, [], 0);
  return { ...best, priced };
}

/**
 * The best set of promotions for a cart under the stacking rules, in two steps as a till prices: first the
 * item promotions (单品: 直降, 折扣, 会员价, N件M元, 第二件半价, 买赠, 组合价) that save the most on the items, each
 * unit priced by one at most and at most one of a stacking group; then the 满减 that save the most on what is
 * left to pay, at most one of a group. An exclusive promotion stands alone against that whole.
 *
 * Item promotions that can reach no common line never compete: they are chosen apart, group of lines by
 * group of lines (a cart of 30 lines and 200 promotions is many small choices, not one huge one). Within each
 * choice, branch and bound: a set never saves more than its members save alone. Among equal savings, fewer
 * promotions, then the first by ids: the same cart always gets the same answer.
 */
export function bestSet(lines: Line[], candidates: Rule[]): Choice {
  // Most running promotions reach no line of a given cart: they save nothing, and are not priced.
  const reaches = new Map(candidates.map((r) => [r.id, reach(r, lines)]));
  const alone = new Map(
    candidates.map((r) => [r.id, reaches.get(r.id)?.size ? evaluate(lines, [r]).saving : 0]),
  );
  let priced = candidates.length;
  const useful = candidates.filter((r) => (alone.get(r.id) ?? 0) > 0);
  const items = useful.filter((r) => !r.exclusive && !isOrderLevel(r));
  const orders = useful.filter((r) => !r.exclusive && isOrderLevel(r));

  // Item promotions joined when they reach a common line or share a stacking group.
  const parent = items.map((_, i) => i);
  const root = (i: number): number => {
    if (parent[i] === i) return i;
    const top = root(parent[i] as number);
    parent[i] = top;
    return top;
  };
  const itemReach = items.map((r) => reaches.get(r.id) as Set<number>);
  for (let a = 0; a < items.length; a++)
    for (let b = a + 1; b < items.length; b++) {
      const ra = items[a] as Rule;
      const rb = items[b] as Rule;
      const share =
        ra.group === rb.group || [...(itemReach[a] as Set<number>)].some((i) => itemReach[b]?.has(i));
      if (share) parent[root(a)] = root(b);
    }
  const parts = new Map<number, Rule[]>();
  items.forEach((r, i) => {
    parts.set(root(i), [...(parts.get(root(i)) ?? []), r]);
  });
  const itemSet: Rule[] = [];
  for (const part of parts.values()) {
    if (part.length === 1) {
      itemSet.push(part[0] as Rule);
      continue;
    }
    // Priced on the lines the part can reach only: the rest of the cart does not change its saving.
    const at = [...new Set(part.flatMap((r) => [...(reaches.get(r.id) as Set<number>)]))].sort(
      (a, b) => a - b,
    );
    const own = at.map((i) => lines[i] as Line);
    const found = bestOf(part, alone, (set) => evaluate(own, set).saving, { score: 0, rules: [] });
    priced += found.priced;
    itemSet.push(...found.rules);
  }
  const afterItemsOutcome = evaluate(lines, itemSet);
  const itemSaving = afterItemsOutcome.saving;
  // What each line pays after the items: every 满减/coupon set is priced from there.
  const afterItems = lines.map((line, i) => {
    let paid = line.unit * line.qty;
    for (const off of afterItemsOutcome.shares.values()) paid -= off[i] ?? 0;
    return paid;
  });
  const withOrders = bestOf(
    orders,
    alone,
    (set) => itemSaving + evaluate(lines, set, afterItems).saving,
    { score: -1, rules: [] },
    itemSaving,
  );
  priced += withOrders.priced;
  let best = { rules: [...itemSet, ...withOrders.rules], saving: withOrders.score };
  for (const r of useful.filter((x) => x.exclusive)) {
    const saving = alone.get(r.id) ?? 0;
    const better =
      saving > best.saving ||
      (saving === best.saving &&
        (best.rules.length > 1 || (best.rules.length === 1 && key([r]) < key(best.rules))));
    if (better) best = { rules: [r], saving };
  }
  return { rules: best.rules, outcome: evaluate(lines, best.rules), alone, priced, items: itemSet };
}

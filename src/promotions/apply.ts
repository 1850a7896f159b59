import { allocate } from './allocate.js';
import type { Rule } from './rules.js';
import { covers, type Line } from './scope.js';

/** What a set of promotions takes off a cart: each promotion's fen on each line (分摊), and the sum. */
export interface Outcome {
  saving: number;
  shares: Map<string, number[]>;
}

/** Item promotions by priority (higher first), then by id: the order is part of the answer, so it is fixed. */
export const byPriority = (a: Rule, b: Rule) =>
  b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Free units of some lines, dearest first (then in line order): who gets a group price or a gift first. */
function unitsOf(lines: Line[], free: number[], which: (i: number) => boolean, cheapestFirst = false) {
  const runs = lines
    .map((line, i) => ({ i, unit: line.unit, count: free[i] ?? 0 }))
    .filter((r) => r.count > 0 && which(r.i));
  return runs.sort((a, b) => (cheapestFirst ? a.unit - b.unit : b.unit - a.unit) || a.i - b.i);
}

/** Takes `n` units from the runs in order: which lines gave how many, and their value. */
function take(runs: { i: number; unit: number; count: number }[], n: number) {
  const taken: { i: number; count: number; value: number }[] = [];
  let need = n;
  for (const run of runs) {
    if (need === 0) break;
    const k = Math.min(need, run.count);
    if (k === 0) continue;
    taken.push({ i: run.i, count: k, value: k * run.unit });
    run.count -= k;
    need -= k;
  }
  return need === 0 ? taken : null;
}

/** The fen of `value` at `percent` off, rounded half up. */
const percentOf = (value: number, percent: number) => Math.floor((value * percent + 50) / 100);

/**
 * Prices units for one item promotion, claiming them (each unit takes at most one item promotion); returns
 * the fen taken off each line.
 */
function itemDiscount(rule: Rule, lines: Line[], free: number[]): number[] {
  const off = lines.map(() => 0);
  const inScope = (i: number) => covers(rule, lines[i] as Line);
  const claimAll = (i: number, perUnit: (unit: number, count: number) => number) => {
    const line = lines[i] as Line;
    const count = free[i] ?? 0;
    const d = perUnit(line.unit, count);
    if (count === 0 || d <= 0) return;
    off[i] = (off[i] ?? 0) + d;
    free[i] = 0;
  };
  // Units taken by a group price (N件M元, a bundle, a gift): the discount shared over them by value.
  const spread = (taken: { i: number; count: number; value: number }[], discount: number) => {
    for (const t of taken) free[t.i] = (free[t.i] ?? 0) - t.count;
    allocate(
      discount,
      taken.map((t) => t.value),
    ).forEach((share, k) => {
      const at = (taken[k] as { i: number }).i;
      off[at] = (off[at] ?? 0) + share;
    });
  };
  switch (rule.kind) {
    case 'percent_off':
      for (let i = 0; i < lines.length; i++)
        if (inScope(i)) claimAll(i, (unit, n) => percentOf(unit * n, rule.percent));
      break;
    case 'amount_off':
      for (let i = 0; i < lines.length; i++)
        if (inScope(i)) claimAll(i, (unit, n) => Math.min(rule.amount, unit) * n);
      break;
    case 'member_price':
      lines.forEach((line, i) => {
        const price = rule.prices.get(line.sku);
        if (price !== undefined && price < line.unit && inScope(i))
          claimAll(i, (unit, n) => (unit - price) * n);
      });
      break;
    case 'nth_discount': {
      for (const sku of new Set(lines.map((l) => l.sku))) {
        const runs = unitsOf(lines, free, (i) => lines[i]?.sku === sku && inScope(i));
        for (;;) {
          const group = take(runs, rule.n);
          if (!group) break;
          // The n-th unit is the cheapest of its group: it gets the percent off.
          const last = group[group.length - 1] as { i: number; count: number; value: number };
          const d = percentOf(last.value / last.count, rule.percent);
          for (const t of group) free[t.i] = (free[t.i] ?? 0) - t.count;
          off[last.i] = (off[last.i] ?? 0) + d;
        }
      }
      break;
    }
    case 'n_for_price': {
      const runs = unitsOf(lines, free, inScope);
      const taken: { i: number; count: number; value: number }[] = [];
      let discount = 0;
      for (;;) {
        const group = take(runs, rule.n);
        if (!group) break;
        const value = group.reduce((a, t) => a + t.value, 0);
        // Dearest first: once a group costs no more than the price, none after it does.
        if (value <= rule.price) break;
        discount += value - rule.price;
        taken.push(...group);
      }
      spread(taken, discount);
      break;
    }
    case 'buy_x_get_y': {
      const gifts = unitsOf(lines, free, (i) => lines[i]?.sku === rule.gift);
      const giftUnits = gifts.reduce((a, r) => a + r.count, 0);
      const buyable = (i: number) => inScope(i);
      const pool = unitsOf(lines, free, buyable).reduce((a, r) => a + r.count, 0);
      const giftInPool = gifts.filter((r) => buyable(r.i)).reduce((a, r) => a + r.count, 0);
      // The most gifts whose purchase the cart holds: a gift unit that is also in scope cannot count as bought.
      let given = Math.min(giftUnits, Math.floor(pool / rule.buy) * rule.get);
      while (given > 0) {
        const bought = Math.ceil(given / rule.get) * rule.buy;
        if (bought + Math.min(given, giftInPool) <= pool) break;
        given -= 1;
      }
      if (given === 0) break;
      const giftTaken = take(gifts, given) ?? [];
      for (const t of giftTaken) {
        free[t.i] = (free[t.i] ?? 0) - t.count;
        off[t.i] = (off[t.i] ?? 0) + t.value;
      }
      // The units bought for them are claimed too, cheapest first (the dearer stay for other promotions).
      const bought = take(unitsOf(lines, free, buyable, true), Math.ceil(given / rule.get) * rule.buy) ?? [];
      for (const t of bought) free[t.i] = (free[t.i] ?? 0) - t.count;
      break;
    }
    case 'bundle': {
      const runs = new Map(
        rule.items.map((item) => [
          item,
          unitsOf(lines, free, (i) => lines[i]?.sku === item.sku && inScope(i)),
        ]),
      );
      const taken: { i: number; count: number; value: number }[] = [];
      let discount = 0;
      for (;;) {
        const sets = [...runs].map(([item, r]) =>
          take(
            r.map((x) => ({ ...x })),
            item.qty,
          ),
        );
        if (sets.some((s) => !s)) break;
        const group = sets.flat() as { i: number; count: number; value: number }[];
        const value = group.reduce((a, t) => a + t.value, 0);
        if (value <= rule.price) break;
        for (const [item, r] of runs) take(r, item.qty);
        discount += value - rule.price;
        taken.push(...group);
      }
      spread(taken, discount);
      break;
    }
    case 'spend_save':
    case 'coupon':
      break;
  }
  return off;
}

/** What 满减 saves on what the cart spends in its scope. */
export function spendSaving(rule: Extract<Rule, { kind: 'spend_save' }>, base: number): number {
  let save = 0;
  if (rule.repeat) {
    const tier = rule.tiers[0] as { spend: number; save: number };
    const times = Math.min(Math.floor(base / tier.spend), rule.maxTimes ?? Number.POSITIVE_INFINITY);
    save = times * tier.save;
  } else {
    for (const tier of rule.tiers) if (base >= tier.spend) save = Math.max(save, tier.save);
  }
  return Math.min(save, base);
}

/** What a coupon takes off what is left to pay in its scope: nothing below its minimum spend. */
export function couponSaving(rule: Extract<Rule, { kind: 'coupon' }>, base: number): number {
  if (base < rule.minSpend || base <= 0) return 0;
  const off =
    rule.amount !== null
      ? rule.amount
      : Math.min(percentOf(base, rule.percent ?? 0), rule.maxOff ?? Number.POSITIVE_INFINITY);
  return Math.min(off, base);
}

/** Which lines a rule covers, kept per rule for the cart being priced (a search prices many sets of one cart). */
const covered = new WeakMap<Rule, { lines: Line[]; mask: boolean[] }>();
function coverage(rule: Rule, lines: Line[]): boolean[] {
  const kept = covered.get(rule);
  if (kept?.lines === lines) return kept.mask;
  const mask = lines.map((line) => covers(rule, line));
  covered.set(rule, { lines, mask });
  return mask;
}

/**
 * A free-item coupon: one unit of its SKU free — the dearest unit as it is paid after the promotions (a line's
 * share rounded down, so never more than that unit pays) — once the spend in scope reaches the minimum.
 */
function freeItem(
  rule: Extract<Rule, { kind: 'coupon' }>,
  lines: Line[],
  paid: number[],
  base: number,
): number[] {
  const off = lines.map(() => 0);
  if (base < rule.minSpend) return off;
  let best = -1;
  let value = 0;
  lines.forEach((line, i) => {
    const unit = line.sku === rule.freeSku && line.qty > 0 ? Math.floor((paid[i] ?? 0) / line.qty) : 0;
    if (unit > value) [best, value] = [i, unit];
  });
  if (best >= 0) off[best] = value;
  return off;
}

/**
 * Applies a set of promotions to a cart (lines in canonical order): item promotions first by priority, each
 * unit priced by at most one; then 满减 on what is left to pay in its scope, one after another. `start`: what
 * each line pays already (after the item promotions, when only order-level rules are given: the search for the
 * best 满减 and coupons prices the items once, not once per set).
 */
export function evaluate(lines: Line[], rules: Rule[], start?: number[]): Outcome {
  const free = lines.map((l) => l.qty);
  const paid = start ? [...start] : lines.map((l) => l.unit * l.qty);
  const shares = new Map<string, number[]>();
  const ordered = [...rules].sort(byPriority);
  // Item promotions, then 满减, then coupons on what is left.
  const stage = (r: Rule) => (r.kind === 'coupon' ? 2 : r.kind === 'spend_save' ? 1 : 0);
  for (const rule of [...ordered].sort((a, b) => stage(a) - stage(b))) {
    let off: number[];
    if (rule.kind === 'spend_save' || rule.kind === 'coupon') {
      const mask = coverage(rule, lines);
      const weights = lines.map((_, i) => (mask[i] ? (paid[i] ?? 0) : 0));
      const base = weights.reduce((a, b) => a + b, 0);
      off =
        rule.kind === 'coupon' && rule.freeSku !== null
          ? freeItem(rule, lines, paid, base)
          : allocate(rule.kind === 'coupon' ? couponSaving(rule, base) : spendSaving(rule, base), weights);
    } else off = itemDiscount(rule, lines, free);
    off.forEach((d, i) => {
      paid[i] = (paid[i] ?? 0) - d;
    });
    shares.set(rule.id, off);
  }
  let saving = 0;
  for (const off of shares.values()) for (const d of off) saving += d;
  return { saving, shares };
}

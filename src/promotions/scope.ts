import type { Rule } from './rules.js';

/** Where and for whom a cart is priced: the store's region and format, the member's tier, the local time. */
export interface PriceContext {
  store: number;
  region: string | null;
  format: string | null;
  channel: string;
  tier: 'non_member' | 'registered' | 'wallet' | 'paid';
  /** Chain-local day (YYYY-MM-DD) and hour. */
  day: string;
  hour: number;
}

/** A cart line as the engine reads it: price in fen, and what the product is (for scopes by category …). */
export interface Line {
  sku: number;
  qty: number;
  unit: number;
  categories: string[];
  brand: string | null;
  supplier: number | null;
}

const within = <T>(list: T[] | undefined, value: T | null) =>
  !list || (value !== null && list.includes(value));

/** Whether the promotion runs for this cart at all: store, channel, member tier, day and hour. */
export function runsFor(rule: Rule, c: PriceContext): boolean {
  const s = rule.scope;
  return (
    within(s.stores, c.store) &&
    within(s.regions, c.region) &&
    within(s.formats, c.format) &&
    within(s.channels as string[] | undefined, c.channel) &&
    within(s.tiers as string[] | undefined, c.tier) &&
    (!s.from || c.day >= s.from) &&
    (!s.to || c.day <= s.to) &&
    (!s.hours || (c.hour >= s.hours[0] && c.hour < s.hours[1]))
  );
}

/** Whether a line's product is in the promotion's scope. */
export function covers(rule: Rule, line: Line): boolean {
  const s = rule.scope;
  return (
    within(s.skus, line.sku) &&
    (!s.categories || line.categories.some((c) => s.categories?.includes(c))) &&
    within(s.brands, line.brand) &&
    within(s.suppliers, line.supplier)
  );
}

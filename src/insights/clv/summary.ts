/**
 * A customer's purchase history as the buy-till-you-die models read it (Fader, Hardie and Lee 2005): purchases
 * counted per customer and day, time in weeks. `frequency` = repeat purchase days (x), `recency` = weeks from the
 * first to the last purchase (t_x), `age` = weeks from the first purchase to the end of calibration (T),
 * `monetary` = the mean value of the repeat purchase days (what Gamma-Gamma models; 0 without repeats).
 */
export interface Purchase {
  customer: string;
  /** YYYY-MM-DD */
  date: string;
  amount: number;
}

export interface CustomerSummary {
  customer: string;
  frequency: number;
  recency: number;
  age: number;
  monetary: number;
}

const DAY_MS = 86_400_000;
/** Days since 1970 of a date; a chain's millions of purchases fall on a few hundred dates, parsed once each. */
const parsed = new Map<string, number>();
const dayNumber = (date: string) => {
  let day = parsed.get(date);
  if (day === undefined) {
    day = Date.parse(`${date}T00:00:00Z`) / DAY_MS;
    if (parsed.size > 100_000) parsed.clear();
    parsed.set(date, day);
  }
  return day;
};

/** Summaries of the customers who bought by `calibrationEnd` (inclusive), from their purchases up to that day. */
export function summarize(purchases: Purchase[], calibrationEnd: string, daysPerUnit = 7): CustomerSummary[] {
  const end = dayNumber(calibrationEnd);
  const byCustomer = new Map<string, Map<number, number>>();
  for (const p of purchases) {
    const day = dayNumber(p.date);
    if (day > end) continue;
    const days = byCustomer.get(p.customer) ?? new Map<number, number>();
    days.set(day, (days.get(day) ?? 0) + p.amount);
    byCustomer.set(p.customer, days);
  }
  const out: CustomerSummary[] = [];
  for (const [customer, days] of byCustomer) {
    const sorted = [...days.entries()].sort((a, b) => a[0] - b[0]);
    const first = (sorted[0] as [number, number])[0];
    const last = (sorted[sorted.length - 1] as [number, number])[0];
    const repeats = sorted.slice(1);
    out.push({
      customer,
      frequency: repeats.length,
      recency: (last - first) / daysPerUnit,
      age: (end - first) / daysPerUnit,
      monetary: repeats.length ? repeats.reduce((s, r) => s + r[1], 0) / repeats.length : 0,
    });
  }
  return out.sort((a, b) => (a.customer < b.customer ? -1 : a.customer > b.customer ? 1 : 0));
}

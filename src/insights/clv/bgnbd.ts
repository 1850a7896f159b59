import gammaln from '@stdlib/math-base-special-gammaln';
import { nelderMead } from './nelder-mead.js';
import type { CustomerSummary } from './summary.js';

/**
 * The BG/NBD purchase model (Fader, Hardie and Lee 2005, "Counting your customers the easy way"): while alive a
 * customer buys as a Poisson process with a rate drawn from Gamma(r, α); after each purchase she drops out with a
 * probability drawn from Beta(a, b). Fitted by maximum likelihood (Nelder–Mead on the logs of the four
 * parameters), the customers grouped by identical histories so a fit over tens of thousands is quick.
 */
export interface BgNbd {
  r: number;
  alpha: number;
  a: number;
  b: number;
  logLikelihood: number;
  /**
   * A parameter ran to the edge of its range: the histories do not look like buy-till-you-die customers (no one
   * seems to drop out, or rates do not vary), and the fit's P(alive) and forecasts should not be trusted alone.
   */
  atBoundary?: boolean;
}

type History = Pick<CustomerSummary, 'frequency' | 'recency' | 'age'>;

/** ln(e^x + e^y) without overflow. */
const logSum = (x: number, y: number) => {
  const top = Math.max(x, y);
  return top === Number.NEGATIVE_INFINITY ? top : top + Math.log(Math.exp(x - top) + Math.exp(y - top));
};

/** ln Γ(base + n) − ln Γ(base): a sum of n logarithms for the small whole n purchase counts are (cheaper). */
export function risingLog(base: number, n: number): number {
  if (n > 64 || !Number.isInteger(n)) return gammaln(base + n) - gammaln(base);
  let sum = 0;
  for (let k = 0; k < n; k++) sum += Math.log(base + k);
  return sum;
}

/** One customer's log-likelihood (FHL 2005, eq. 6). */
export function bgnbdLogLikelihood(p: Pick<BgNbd, 'r' | 'alpha' | 'a' | 'b'>, h: History): number {
  const { r, alpha, a, b } = p;
  const x = h.frequency;
  const a1 = risingLog(r, x) + r * Math.log(alpha);
  const a2 = risingLog(b, x) - risingLog(a + b, x);
  const a3 = -(r + x) * Math.log(alpha + h.age);
  const a4 =
    x > 0
      ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + h.recency)
      : Number.NEGATIVE_INFINITY;
  return a1 + a2 + logSum(a3, a4);
}

/** Histories with how many customers share each (most customers with no repeat share a handful). */
function grouped(customers: History[]): { h: History; n: number }[] {
  const groups = new Map<string, { h: History; n: number }>();
  for (const c of customers) {
    const key = `${c.frequency}|${c.recency}|${c.age}`;
    const g = groups.get(key);
    if (g) g.n += 1;
    else groups.set(key, { h: { frequency: c.frequency, recency: c.recency, age: c.age }, n: 1 });
  }
  return [...groups.values()];
}

export function fitBgNbd(customers: History[]): BgNbd {
  const groups = grouped(customers);
  const negative = (logs: number[]) => {
    // Parameters kept within e^±12: histories with no sign of drop-out push the fit toward a boundary.
    if (logs.some((v) => Math.abs(v) > 12)) return Number.POSITIVE_INFINITY;
    const [r, alpha, a, b] = logs.map(Math.exp) as [number, number, number, number];
    let total = 0;
    for (const { h, n } of groups) total += n * bgnbdLogLikelihood({ r, alpha, a, b }, h);
    return Number.isFinite(total) ? -total : Number.POSITIVE_INFINITY;
  };
  const found = nelderMead(negative, [0, 0, 0, 0], { maxIterations: 3_000 });
  const [r, alpha, a, b] = found.x.map(Math.exp) as [number, number, number, number];
  return { r, alpha, a, b, logLikelihood: -found.fx, atBoundary: found.x.some((v) => Math.abs(v) > 11) };
}

/** Gauss's hypergeometric function ₂F₁(a, b; c; z) for |z| < 1, by its series. */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 10_000; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (Math.abs(term) < 1e-14 * Math.abs(sum)) break;
  }
  return sum;
}

/** P(alive) at the end of calibration. */
export function probabilityAlive(p: Pick<BgNbd, 'r' | 'alpha' | 'a' | 'b'>, h: History): number {
  if (h.frequency === 0) return 1;
  const { r, alpha, a, b } = p;
  const x = h.frequency;
  const odds = Math.exp(
    Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + h.age) / (alpha + h.recency)),
  );
  return 1 / (1 + odds);
}

/** Purchases expected in the next `t` units, given the history (FHL 2005, eq. 10). */
export function expectedPurchases(p: Pick<BgNbd, 'r' | 'alpha' | 'a' | 'b'>, h: History, t: number): number {
  const { r, alpha, a, b } = p;
  const x = h.frequency;
  const T = h.age;
  const first = (a + b + x - 1) / (a - 1);
  const tail =
    ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
  const denominator = 1 + (x > 0 ? (a / (b + x - 1)) * ((alpha + T) / (alpha + h.recency)) ** (r + x) : 0);
  return (first * (1 - tail)) / denominator;
}

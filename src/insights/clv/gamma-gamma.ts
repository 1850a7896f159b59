import gammaln from '@stdlib/math-base-special-gammaln';
import { nelderMead } from './nelder-mead.js';

/**
 * The Gamma-Gamma model of spend (Fader, Hardie and Lee 2005, "RFM and CLV"; Fader and Hardie's note): a
 * customer's purchase values are Gamma(p, ν) with ν drawn from Gamma(q, γ), independent of how often she buys.
 * Fitted on the customers with repeat purchases from their mean repeat value and count.
 */
export interface GammaGamma {
  p: number;
  q: number;
  gamma: number;
  logLikelihood: number;
}

interface Spend {
  frequency: number;
  monetary: number;
}

export function gammaGammaLogLikelihood(m: Omit<GammaGamma, 'logLikelihood'>, s: Spend): number {
  const { p, q, gamma } = m;
  const x = s.frequency;
  const z = s.monetary;
  return (
    gammaln(p * x + q) -
    gammaln(p * x) -
    gammaln(q) +
    q * Math.log(gamma) +
    (p * x - 1) * Math.log(z) +
    p * x * Math.log(x) -
    (p * x + q) * Math.log(gamma + x * z)
  );
}

export function fitGammaGamma(customers: Spend[]): GammaGamma {
  const repeat = customers.filter((c) => c.frequency > 0 && c.monetary > 0);
  const negative = (logs: number[]) => {
    if (logs.some((v) => Math.abs(v) > 12)) return Number.POSITIVE_INFINITY;
    const [p, q, gamma] = logs.map(Math.exp) as [number, number, number];
    let total = 0;
    for (const c of repeat) total += gammaGammaLogLikelihood({ p, q, gamma }, c);
    return Number.isFinite(total) ? -total : Number.POSITIVE_INFINITY;
  };
  const found = nelderMead(negative, [0, 0, 0], { maxIterations: 3_000 });
  const [p, q, gamma] = found.x.map(Math.exp) as [number, number, number];
  return { p, q, gamma, logLikelihood: -found.fx };
}

/** The spend per purchase to expect of a customer (her own mean shrunk toward the population's). */
export function expectedSpend(m: Omit<GammaGamma, 'logLikelihood'>, s: Spend): number {
  const { p, q, gamma } = m;
  return ((gamma + s.monetary * s.frequency) * p) / (p * s.frequency + q - 1);
}

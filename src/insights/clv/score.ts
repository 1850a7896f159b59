import { type BgNbd, expectedPurchases, fitBgNbd, probabilityAlive } from './bgnbd.js';
import { expectedSpend, fitGammaGamma, type GammaGamma } from './gamma-gamma.js';
import { type Purchase, summarize } from './summary.js';

/** A member's outlook over the horizon: alive, purchases and value to expect (undiscounted). */
export interface MemberValue {
  member: string;
  pAlive: number;
  expectedPurchases: number;
  expectedValue: number;
}

export interface ClvAnswer {
  model: BgNbd;
  spend: GammaGamma;
  members: MemberValue[];
}

/**
 * Fits both models on the purchases to `calibrationEnd` and scores every member who bought by then over the next
 * `horizonDays`. Expected value = expected purchases × the spend per purchase Gamma-Gamma expects of her.
 */
export function customerValue(purchases: Purchase[], calibrationEnd: string, horizonDays: number): ClvAnswer {
  const customers = summarize(purchases, calibrationEnd);
  const sample = fitSample(customers);
  const model = fitBgNbd(sample);
  const spend = fitGammaGamma(sample);
  const horizon = horizonDays / 7;
  return {
    model,
    spend,
    members: customers.map((c) => {
      const purchasesAhead = expectedPurchases(model, c, horizon);
      return {
        member: c.customer,
        pAlive: probabilityAlive(model, c),
        expectedPurchases: purchasesAhead,
        expectedValue: purchasesAhead * expectedSpend(spend, c),
      };
    }),
  };
}

/**
 * The customers the models are fitted on: all of them up to FIT_SAMPLE (CDNOW's 23,570 are all read), else every
 * k-th in id order (a systematic sample, the same each run). Four parameters are pinned down long before 30,000
 * histories, and each step of the fit reads every history it is given: a chain of 100,000 members fits in seconds,
 * not minutes. All are scored.
 */
export const FIT_SAMPLE = 30_000;

function fitSample<T>(customers: T[]): T[] {
  if (customers.length <= FIT_SAMPLE) return customers;
  const step = customers.length / FIT_SAMPLE;
  return Array.from({ length: FIT_SAMPLE }, (_, i) => customers[Math.floor(i * step)] as T);
}

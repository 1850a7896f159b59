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
  const model = fitBgNbd(customers);
  const spend = fitGammaGamma(customers);
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

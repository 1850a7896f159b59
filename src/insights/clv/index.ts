export {
  type BgNbd,
  bgnbdLogLikelihood,
  expectedPurchases,
  fitBgNbd,
  hyp2f1,
  probabilityAlive,
} from './bgnbd.js';
export { expectedSpend, fitGammaGamma, type GammaGamma, gammaGammaLogLikelihood } from './gamma-gamma.js';
export { type Minimum, nelderMead } from './nelder-mead.js';
export { type ClvAnswer, customerValue, type MemberValue } from './score.js';
export { type CustomerSummary, type Purchase, summarize } from './summary.js';
export { memberPurchases } from './warehouse.js';

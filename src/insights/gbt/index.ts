export { type BinnedMatrix, binMatrix, binOf } from './bins.js';
export {
  type Booster,
  type BoostOptions,
  DEFAULT_BOOST,
  featureUse,
  fitBinned,
  fitBooster,
  predictBooster,
} from './booster.js';

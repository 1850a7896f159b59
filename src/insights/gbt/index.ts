export { binMatrix, binOf } from './bins.js';
export {
  type Booster,
  type BoostOptions,
  DEFAULT_BOOST,
  featureUse,
  fitBooster,
  predictBooster,
} from './booster.js';

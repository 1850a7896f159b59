export { evaluate, type Outcome } from './apply.js';
export { bestSet, type Choice } from './best.js';
export { type CartRequest, type ChainFacts, PromotionCenter } from './center.js';
export { FlashGate } from './flash-gate.js';
export { type ProductFacts, priceCart } from './price.js';
export { relayPromotions, startPromotionRelay } from './relay.js';
export { type Rule, ruleOf } from './rules.js';
export type { Line, PriceContext } from './scope.js';

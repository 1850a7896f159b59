export * from './campaigns/index.js';
export * from './clv/index.js';
export * from './cohorts/index.js';
export * from './forecast/index.js';
export * from './member-scores/index.js';
export * from './replenish/index.js';
export * from './rfm/index.js';
export * from './tiers/index.js';

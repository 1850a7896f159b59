export * from './forecast/index.js';
export * from './replenish/index.js';

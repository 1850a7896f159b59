export * from './channels/index.js';
export * from './rules/index.js';
export * from './subscriptions/index.js';
export * from './targets/index.js';

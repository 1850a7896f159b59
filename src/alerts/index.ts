export * from './targets/index.js';

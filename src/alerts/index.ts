export * from './channels/index.js';
export * from './targets/index.js';

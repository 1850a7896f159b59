export { DEMO_DEFAULTS, generateDemo, isEmpty, type DemoOptions, type DemoProgress, type DemoSummary } from './generate.js';
export { CHANNELS, FORMATS, type StoreFormat } from './formats.js';

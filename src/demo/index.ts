export { type ExportSummary, exportDemo } from './export.js';
export { CHANNELS, FORMATS, type StoreFormat } from './formats.js';
export {
  DEMO_DEFAULTS,
  type DemoOptions,
  type DemoProgress,
  type DemoSummary,
  generateDemo,
  isEmpty,
} from './generate.js';

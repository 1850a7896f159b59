export { episodes, explain } from './feed.js';
export { type ScanOptions, scanAnomalies } from './scan.js';

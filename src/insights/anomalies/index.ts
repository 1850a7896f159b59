export { episodes, explain, type Insight } from './feed.js';
export { type AnomalyDay, SCAN_KPIS, type ScanKpi, type ScanOptions, scanAnomalies } from './scan.js';

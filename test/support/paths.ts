import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test-artifacts');
/** A small demo chain shared by the suite (made once per run by test/global-setup.ts), opened read-only. */
export const SMALL_DEMO = join(ARTIFACTS, 'demo-small.duckdb');
export const SMALL_DEMO_OPTIONS = {
  stores: 12,
  days: 400,
  skus: 600,
  lines: 400_000,
  seed: 42,
  end: '2026-11-15',
};
/** The public data sets beside the repository (../shared/datasets); read in place, never copied. */
export const DATASETS = join(ROOT, '..', 'shared', 'datasets');

import { mkdirSync, rmSync } from 'node:fs';
import { generateDemo } from '../src/demo/index.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { ARTIFACTS, SMALL_DEMO, SMALL_DEMO_OPTIONS } from './support/paths.js';

/** Builds the shared small demo chain once, before any test file runs. */
export default async function setup(): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  rmSync(SMALL_DEMO, { force: true });
  rmSync(`${SMALL_DEMO}.wal`, { force: true });
  const engine = await openWarehouse({ path: SMALL_DEMO });
  await generateDemo(engine, SMALL_DEMO_OPTIONS);
  await engine.close();
}

import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateDemo } from '../src/demo/index.js';
import { refreshRollups } from '../src/metrics/index.js';
import { openWarehouse } from '../src/warehouse/index.js';

/** The default demo chain (30 stores, 400 days, ~21M lines) with its rollups, made once and kept. */
export async function demoFile(): Promise<string> {
  const path = resolve('.bench-cache', 'web', 'default-demo.duckdb');
  if (!existsSync(path)) {
    mkdirSync(resolve('.bench-cache', 'web'), { recursive: true });
    const engine = await openWarehouse({ path });
    await generateDemo(engine, {});
    await refreshRollups(engine);
    await engine.close();
  }
  return path;
}

import { refreshRollups } from '../metrics/index.js';
import type { Warehouse } from '../warehouse/index.js';

/** Takes a load's days into the rollups and says so in one line (nothing when nothing changed). */
export async function refreshAndReport(engine: Warehouse): Promise<void> {
  const done = await refreshRollups(engine);
  if (done.length === 0) return;
  const parts = done.map(
    (r) =>
      `${r.rollup} (${r.days === 'all' ? 'built 重建' : `${r.days} days 天`}, ${r.seconds.toFixed(2)} s)`,
  );
  console.log(`Rollups refreshed 汇总表已更新: ${parts.join(', ')}`);
}

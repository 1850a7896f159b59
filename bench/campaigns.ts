import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFiles, loadSpec } from '../src/ingest/index.js';
import { evaluateCampaigns } from '../src/insights/index.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { table } from './stats.js';

/**
 * Campaign lift on The Complete Journey: its 27 campaigns imported through examples/completejourney/spec.yaml and
 * evaluated as a marketer would (`zhongtai campaigns evaluate`). No campaign kept a hold-out, so each is compared
 * with the households no campaign reached at the time, by difference in differences. The transactions are a random
 * 4% of purchase lines: lifts are of those lines (×25 for whole baskets, the intervals too) and the intervals wide.
 */
interface Options {
  data: string;
  replicates: number;
}

export async function benchCampaigns(options: Options): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'zhongtai-bench-campaigns-'));
  const engine = await openWarehouse({ path: join(dir, 'cj.duckdb') });
  try {
    const spec = loadSpec(join(import.meta.dirname, '..', 'examples', 'completejourney', 'spec.yaml'));
    const files = [
      'transactions_sample.csv',
      'campaign_descriptions.csv',
      'campaigns.csv',
      'coupon_redemptions.csv',
    ];
    const imported = performance.now();
    await importFiles(
      engine,
      spec,
      files.map((f) => join(options.data, f)),
    );
    const evaluated = performance.now();
    const results = await evaluateCampaigns(engine, { replicates: options.replicates });
    const done = performance.now();
    console.log(
      `Complete Journey: ${results.length} campaigns; imported in ${((evaluated - imported) / 1000).toFixed(1)} s, evaluated in ${((done - evaluated) / 1000).toFixed(1)} s (${options.replicates} bootstrap resamples each)`,
    );
    const money = (n: number | null) => (n === null ? '—' : n.toFixed(2));
    console.log(
      table([
        [
          'campaign',
          'type',
          'start',
          'end',
          'design',
          'targeted',
          'compared',
          'control',
          'redeemed',
          'pre T',
          'pre C',
          'lift/member',
          '95% interval',
          'incremental',
          'overlap',
        ],
        ...results.map((r) => [
          String(r.campaign),
          r.type,
          r.start,
          r.end,
          r.design,
          String(r.targeted),
          String(r.analysed),
          String(r.control),
          r.redemptionRate === null ? '—' : `${(100 * r.redemptionRate).toFixed(1)}%`,
          money(r.preTargeted),
          money(r.preControl),
          money(r.liftPerMember),
          r.liftLow === null ? '—' : `${money(r.liftLow)} … ${money(r.liftHigh)}`,
          r.incrementalSales === null ? '—' : r.incrementalSales.toFixed(0),
          String(r.overlap),
        ]),
      ]),
    );
    const significant = results.filter((r) => (r.liftLow ?? 0) > 0 || (r.liftHigh ?? 0) < 0);
    console.log(
      `Intervals clear of 0: ${significant.map((r) => `#${r.campaign} (${money(r.liftPerMember)})`).join(', ') || 'none'}. Cost and ROI: unknown (the data names no coupon values and no costs of goods).`,
    );
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runQuery } from '../src/metrics/index.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { ROOT } from './support/paths.js';

const run = promisify(execFile);
const zhongtai = (...args: string[]) =>
  run('node', [join(ROOT, 'bin', 'zhongtai.js'), ...args], { cwd: ROOT });

describe('the demo chain rebuilt from its raw exports through examples/demo/spec.yaml', () => {
  it('gives the same KPIs, store by store, as the chain it was exported from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhongtai-roundtrip-'));
    const original = join(dir, 'original.duckdb');
    const rebuilt = join(dir, 'rebuilt.duckdb');
    const exports = join(dir, 'exports');
    await zhongtai(
      'demo',
      '--db',
      original,
      '--stores',
      '6',
      '--days',
      '30',
      '--skus',
      '300',
      '--lines',
      '30000',
      '--end',
      '2026-06-30',
      '--export',
      exports,
    );
    const files = readdirSync(exports).map((f) => join(exports, f));
    expect(files).toHaveLength(8);
    const { stdout } = await zhongtai(
      'import',
      '--db',
      rebuilt,
      '--spec',
      join(ROOT, 'examples', 'demo', 'spec.yaml'),
      ...files,
    );
    expect(stdout).toMatch(/0 rejected 已拒收/);

    const query = {
      metrics: [
        'net_sales',
        'orders',
        'atv',
        'upt',
        'psd',
        'gross_margin',
        'visitors',
        'conversion_rate',
        'members',
        'active_members',
        'repurchase_rate',
      ],
      dimensions: ['store_code'],
      timeRange: { from: '2026-06-01', to: '2026-06-30' },
    };
    const answer = async (path: string) => {
      const engine = await openWarehouse({ path, readOnly: true });
      const result = await runQuery(engine, query);
      await engine.close();
      return result.rows;
    };
    const before = await answer(original);
    expect(before.length).toBe(6);
    expect(await answer(rebuilt)).toEqual(before);
  }, 180_000);
});

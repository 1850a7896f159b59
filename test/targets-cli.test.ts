import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, SMALL_DEMO } from './support/paths.js';
import { bin } from './support/serve-process.js';

/** Targets from a planning sheet, as a chain's finance team loads them: phased, queried, a bad sheet not kept. */
const run = promisify(execFile);

describe('targets from the command line', () => {
  it('imports the example sheet, phases it to the fen, answers attainment, and keeps nothing of a sheet it cannot phase', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhongtai-targets-'));
    const db = join(dir, 'demo.duckdb');
    copyFileSync(SMALL_DEMO, db);
    const imported = await run(
      'node',
      [bin, 'targets', 'import', '--db', db, 'examples/targets/december.csv'],
      {
        cwd: ROOT,
      },
    );
    expect(imported.stdout).toContain('7 targets loaded, 0 rejected');
    expect(imported.stdout).toMatch(/Phased \d+ targets to [\d,]+ store-days/);
    const query = async (...args: string[]) =>
      JSON.parse(
        (await run('node', [bin, 'query', '--db', db, '--format', 'json', ...args], { cwd: ROOT })).stdout,
      ) as { rows: Record<string, number | string>[] };
    // December's sheet: six regions' net sales, the chain's gross profit; every fen of them phased.
    const december = await query(
      '--metrics',
      'target_net_sales,target_gross_profit',
      '--from',
      '2026-12-01',
      '--to',
      '2026-12-31',
    );
    expect(december.rows[0]?.target_net_sales).toBeCloseTo(31_810_000, 2);
    expect(december.rows[0]?.target_gross_profit).toBeCloseTo(9_200_000, 2);
    // The demo's own November targets: attainment to the 15th, by region, within reason.
    const november = await query(
      '--metrics',
      'attainment_net_sales',
      '--by',
      'region',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-30',
    );
    expect(november.rows).toHaveLength(6);
    for (const row of november.rows) {
      expect(Number(row.attainment_net_sales)).toBeGreaterThan(0.3);
      expect(Number(row.attainment_net_sales)).toBeLessThan(2);
    }
    // A chain gross-profit target over November, whose regions have theirs: refused, and the sheet not kept.
    const bad = join(dir, 'overlap.csv');
    writeFileSync(bad, '指标,层级,编码,开始,结束,目标\n毛利额,全链,,2026-11-01,2026-11-30,9200000\n');
    const refused = await run('node', [bin, 'targets', 'import', '--db', db, bad], { cwd: ROOT }).catch(
      (e) => e,
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('one level per store and period');
    expect(refused.stderr).toContain('rolled back');
    const shown = await run('node', [bin, 'targets', 'show', '--db', db, '--month', '2026-11'], {
      cwd: ROOT,
    });
    expect(shown.stdout).not.toContain('chain');
    expect(shown.stdout).toContain('region');
  }, 120_000);
});

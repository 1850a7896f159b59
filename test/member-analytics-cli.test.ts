import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, SMALL_DEMO } from './support/paths.js';
import { bin } from './support/serve-process.js';

/** The member-analytics commands as an analyst runs them on the demo chain: each writes its CSV. */
const run = promisify(execFile);
const csv = (path: string) => readFileSync(path, 'utf8').trim().split('\n');

describe('member analytics from the command line', () => {
  it('writes CLV, RFM and cohort tables of the demo chain’s members', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhongtai-member-analytics-'));
    const clv = await run(
      'node',
      [bin, 'clv', '--db', SMALL_DEMO, '--horizon-days', '90', '--out', join(dir, 'clv.csv')],
      {
        cwd: ROOT,
      },
    );
    expect(clv.stdout).toMatch(/members with orders to \d{4}-\d{2}-\d{2}/);
    const clvRows = csv(join(dir, 'clv.csv'));
    expect(clvRows[0]).toBe('member,p_alive,expected_purchases,expected_value');
    expect(clvRows.length).toBeGreaterThan(100);
    for (const row of clvRows.slice(1, 50)) {
      const [, alive, purchases, value] = row.split(',').map(Number);
      expect(alive).toBeGreaterThanOrEqual(0);
      expect(alive).toBeLessThanOrEqual(1);
      expect(purchases).toBeGreaterThanOrEqual(0);
      expect(value).toBeGreaterThanOrEqual(0);
    }

    const rfm = await run(
      'node',
      [bin, 'rfm', '--db', SMALL_DEMO, '--window-days', '180', '--out', join(dir, 'rfm.csv')],
      {
        cwd: ROOT,
      },
    );
    expect(rfm.stdout).toContain('重要价值客户');
    const rfmRows = csv(join(dir, 'rfm.csv'));
    expect(rfmRows[0]).toBe('member,recency_days,frequency,monetary,r,f,m,segment,segment_zh');
    expect(new Set(rfmRows.slice(1).map((r) => r.split(',')[0])).size).toBe(rfmRows.length - 1);

    const cohorts = await run(
      'node',
      [bin, 'cohorts', '--db', SMALL_DEMO, '--out', join(dir, 'cohorts.csv')],
      {
        cwd: ROOT,
      },
    );
    expect(cohorts.stdout).toContain('M0');
    const cohortRows = csv(join(dir, 'cohorts.csv'));
    expect(cohortRows[0]).toBe('cohort,members,month,active,retention,spend,spend_per_member');
    // Month 0 of every cohort: everyone active.
    for (const row of cohortRows.slice(1).filter((r) => r.split(',')[2] === '0'))
      expect(row.split(',')[4]).toBe('1.0000');
    await expect(
      run('node', [bin, 'cohorts', '--db', SMALL_DEMO, '--from', '2026-13'], { cwd: ROOT }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('YYYY-MM') });
  }, 120_000);
});

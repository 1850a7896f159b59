import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DATASETS, ROOT, SMALL_DEMO } from './support/paths.js';
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

  it('imports CDNOW and The Complete Journey through their specs, then fits CLV and evaluates the campaigns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhongtai-public-member-data-'));
    const cdnow = join(dir, 'cdnow.duckdb');
    const importCdnow = () =>
      run(
        'node',
        [
          bin,
          'import',
          '--db',
          cdnow,
          '--spec',
          'examples/cdnow/spec.yaml',
          join(DATASETS, 'cdnow', 'cdnow_master.csv'),
        ],
        { cwd: ROOT },
      );
    expect((await importCdnow()).stdout).toContain('orders: 69659 read, 69659 loaded, 0 rejected');
    // A second delivery of the same log changes nothing: its purchases are named by their lines.
    expect((await importCdnow()).stdout).toContain('orders: 69659 read, 0 loaded, 0 rejected, 69659 skipped');
    const clv = await run(
      'node',
      [
        bin,
        'clv',
        '--db',
        cdnow,
        '--calibration-end',
        '1997-09-30',
        '--horizon-days',
        '273',
        '--out',
        join(dir, 'clv.csv'),
      ],
      { cwd: ROOT },
    );
    // All 23,570 customers, and the hold-out's expected repeat purchases the bench compares with what happened.
    expect(clv.stdout).toContain('23,570 members with orders to 1997-09-30');
    expect(clv.stdout).toMatch(/Next 273 days 未来 273 天: 1687\d purchases/);
    expect(csv(join(dir, 'clv.csv'))).toHaveLength(23_571);

    const cj = join(dir, 'cj.duckdb');
    const source = (name: string) => join(DATASETS, 'completejourney', name);
    const imported = await run(
      'node',
      [
        bin,
        'import',
        '--db',
        cj,
        '--spec',
        'examples/completejourney/spec.yaml',
        source('transactions_sample.csv'),
        source('campaign_descriptions.csv'),
        source('campaigns.csv'),
        source('coupon_redemptions.csv'),
      ],
      { cwd: ROOT },
    );
    expect(imported.stdout).toContain('sales_line: 75000 read, 75000 loaded, 0 rejected');
    expect(imported.stdout).toContain('campaign_target: 6589 read, 6589 loaded, 0 rejected');
    const evaluated = await run(
      'node',
      [bin, 'campaigns', 'evaluate', '--db', cj, '--replicates', '200', '--out', join(dir, 'campaigns.csv')],
      { cwd: ROOT },
    );
    expect(evaluated.stdout).toContain('双重差分 DiD');
    const rows = csv(join(dir, 'campaigns.csv'));
    expect(
      rows[0]?.startsWith(
        'campaign,type,start,end,targeted,control,redemptions,redemption_rate,lift_per_member,lift_low,lift_high,incremental_sales,cost,roi,',
      ),
    ).toBe(true);
    expect(rows).toHaveLength(28);
    const byCampaign = new Map(rows.slice(1).map((r) => [r.split(',')[0], r]));
    // Campaign 18 (Type A) targeted 1,133 households; every redemption counted once; no cost in the data, said so.
    expect(byCampaign.get('18')?.split(',').slice(1, 5)).toEqual([
      'Type A',
      '2017-10-30',
      '2017-12-24',
      '1133',
    ]);
    const redemptions = rows.slice(1).reduce((sum, r) => sum + Number(r.split(',')[6]), 0);
    expect(redemptions).toBe(2102);
    expect(byCampaign.get('18')).toContain('cost unknown');
    // Campaigns that began before the data have no pre-period: the row says how it was compared instead.
    expect(byCampaign.get('24')).toContain('difference');
  }, 180_000);
});

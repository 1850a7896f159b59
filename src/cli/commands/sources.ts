import type { Command } from 'commander';
import { listSources, loadSpec, pull, sectionOf } from '../../ingest/index.js';
import { startRollupRefresher } from '../../metrics/index.js';
import { openDb } from '../open.js';
import { DEFAULT_DB } from '../options.js';
import { refreshAndReport } from '../rollups.js';
import { startSubscriptions } from '../subscriptions.js';

export function sourceCommands(program: Command): void {
  program
    .command('pull')
    .description('take what changed in a source database since the last good run 从源数据库增量拉取')
    .requiredOption('--spec <file>', 'mapping spec with a pull section')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .addHelpText(
      'after',
      `
The spec's pull section names the database, the table (or query) and its high-water mark column:
  pull: { from: postgres, url: "\${ERP_URL}", table: erp.takings, watermark: updated_at, as: erp-takings.jsonl }
Each batch loads in one transaction with its new mark, so a failed run resumes where the last good one stopped.`,
    )
    .action(async (opts) => {
      const spec = loadSpec(opts.spec);
      const engine = await openDb(opts.db, true);
      try {
        const r = await pull(engine, spec);
        console.log(
          `Pulled ${r.source} 拉取完成: ${r.batches} batches, ${r.read} rows read, ${r.loaded} loaded, ${r.rejected} rejected, ` +
            `${r.skipped} skipped; high-water mark 高水位 ${r.watermark ?? '—'}`,
        );
        await refreshAndReport(engine);
      } finally {
        await engine.close();
      }
    });

  program
    .command('listen')
    .description('subscribe to streaming sources (MQTT, NATS JetStream) and load what arrives 订阅实时数据源')
    .requiredOption('--spec <file...>', 'mapping specs with a subscribe section')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .action(async (opts) => {
      const specs = (opts.spec as string[]).map((path) => loadSpec(path));
      for (const spec of specs) sectionOf(spec, 'subscribe'); // a spec with nothing to listen to is a mistake
      const engine = await openDb(opts.db, true);
      const subscriptions = await startSubscriptions(engine, specs);
      const stopRefresher = startRollupRefresher(engine);
      console.log(
        `Listening 正在订阅: ${specs.map((s) => `${s.source} (${s.subscribe?.from} ${s.subscribe?.topic})`).join(', ')}. Ctrl-C to stop.`,
      );
      const report = setInterval(
        () =>
          process.stderr.write(
            `${subscriptions.map((s, i) => `${specs[i]?.source}: ${s.loaded()} loaded`).join(', ')}\n`,
          ),
        10_000,
      );
      const stop = async () => {
        clearInterval(report);
        for (const s of subscriptions) await s.stop();
        await stopRefresher();
        await engine.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  program
    .command('sources')
    .description('live sources with their last run, lag and error 数据源状态')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .option('--format <format>', 'table or json', 'table')
    .action(async (opts) => {
      const engine = await openDb(opts.db, false, true);
      try {
        const rows = await listSources(engine);
        if (opts.format === 'json') return console.log(JSON.stringify(rows, null, 2));
        if (rows.length === 0) console.log('No live source has run yet 尚无数据源运行记录');
        for (const r of rows) {
          console.log(
            `${r.source} (${r.kind}): mark ${r.watermark ?? '—'}, ${r.rows_total} rows, last run ${r.last_run ?? '—'}, ` +
              `last success ${r.last_success ?? 'never'} (${r.minutes_since_success ?? '—'} min ago)${r.last_error ? `\n    error: ${r.last_error}` : ''}`,
          );
        }
      } finally {
        await engine.close();
      }
    });
}

import { runQuery } from '../src/metrics/index.js';
import { ClickHouseEngine, copyToClickHouse, type Engine } from '../src/warehouse/index.js';
import { startClickHouse, startShards } from '../test/support/clickhouse.js';
import { benchChain, cases } from './queries.js';
import { median, table, timed } from './stats.js';

/**
 * The benchmark's query set through the metric layer on three engines holding the same data, in one run,
 * alternating: the DuckDB file (from the rows), one ClickHouse server, and two ClickHouse shards on
 * loopback (Debian's 18.16, started here). Medians of `runs`; the copy's time and rate too.
 */
export async function benchClickHouse(options: {
  lines: number;
  stores: number;
  runs: number;
}): Promise<void> {
  const { engine: duck, lines, to } = await benchChain(options);
  const [single, shards] = await Promise.all([startClickHouse(), startShards(2)]);
  try {
    const one = await ClickHouseEngine.open({ url: single.url, database: 'bench' });
    const two = await ClickHouseEngine.open({
      url: shards[0]?.url as string,
      database: 'bench',
      cluster: { name: 'zhongtai', nodes: shards.map((s) => s.url) },
    });
    for (const [name, house] of [
      ['one node', one],
      ['two shards', two],
    ] as const) {
      const seconds = (await timed(() => copyToClickHouse(duck, house))) / 1000;
      console.log(
        `copied to ClickHouse (${name}) in ${seconds.toFixed(1)} s = ${Math.round(lines / seconds).toLocaleString('en')} lines/s`,
      );
    }
    console.log(
      `\n${lines.toLocaleString('en')} sales lines; medians of ${options.runs} runs, alternating\n`,
    );
    const rows: (string | number)[][] = [
      ['query', 'DuckDB (ms)', 'ClickHouse 1 node (ms)', 'ClickHouse 2 shards (ms)', 'same answers'],
    ];
    const engines: Engine[] = [duck, one, two];
    const run = { rollups: false, cache: false };
    for (const c of cases(to)) {
      const answers = await Promise.all(engines.map((e) => runQuery(e, c.ours, run)));
      const times: number[][] = engines.map(() => []);
      for (let i = 0; i < options.runs; i++)
        for (const [k, e] of engines.entries()) times[k]?.push(await timed(() => runQuery(e, c.ours, run)));
      rows.push([c.name, ...times.map(median), sameAnswers(answers.map((a) => a.rows)) ? 'yes' : 'NO']);
    }
    console.log(table(rows));
  } finally {
    await duck.close();
    await Promise.all([single, ...shards].map((s) => s.stop()));
  }
}

/** Every engine's rows equal to DuckDB's, numbers to a cent. */
function sameAnswers(answers: Record<string, unknown>[][]): boolean {
  const [first, ...rest] = answers;
  return rest.every(
    (rows) =>
      rows.length === first?.length &&
      rows.every((row, i) =>
        Object.entries(first[i] ?? {}).every(([k, v]) =>
          typeof v === 'number'
            ? Math.abs(Number(row[k]) - v) < 0.01 + Math.abs(v) * 1e-9
            : (row[k] ?? null) === v,
        ),
      ),
  );
}

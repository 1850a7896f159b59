import type { Command } from 'commander';
import {
  dataRange,
  type Filter,
  findDimension,
  PERIODS,
  periodRange,
  runQuery,
} from '../../metrics/index.js';
import { ZhongtaiError } from '../../model/index.js';
import { engineOptions, openReadEngine } from '../engine.js';
import { formatCsv, formatTable } from '../format.js';
import { collect, DEFAULT_DB, integer, list, zhFirst } from '../options.js';

const OPERATORS: [string, Filter['op']][] = [
  ['>=', 'gte'],
  ['<=', 'lte'],
  ['!=', 'neq'],
  ['~', 'contains'],
  ['>', 'gt'],
  ['<', 'lt'],
  ['=', 'eq'],
];

/** `region=华南`, `region=华南,华东`, `weekday>=6`, `store~天河`: the value typed by its dimension. */
export function parseFilter(text: string): Filter {
  const found = OPERATORS.map(([symbol, op]) => ({ symbol, op, at: text.indexOf(symbol) }))
    .filter((o) => o.at > 0)
    .sort((a, b) => a.at - b.at || b.symbol.length - a.symbol.length)[0];
  if (!found) {
    throw new ZhongtaiError(
      'BAD_FILTER',
      {
        en: `Cannot read filter "${text}"; write it as dimension=value`,
        zh: `无法解析筛选条件「${text}」，格式为 维度=值`,
      },
      { field: 'filter' },
    );
  }
  const dimension = text.slice(0, found.at).trim();
  const raw = text.slice(found.at + found.symbol.length).trim();
  const type = findDimension(dimension)?.type;
  const typed = (v: string) =>
    type === 'number' && v !== '' && !Number.isNaN(Number(v))
      ? Number(v)
      : type === 'boolean' && /^(true|false)$/.test(v)
        ? v === 'true'
        : v;
  const values = found.op === 'contains' ? [raw] : raw.split(',').map((v) => typed(v.trim()));
  if (values.length > 1) return { dimension, op: found.op === 'neq' ? 'not_in' : 'in', values };
  return { dimension, op: found.op, value: values[0] };
}

export function queryCommand(program: Command): void {
  engineOptions(program.command('query'))
    .description('answer metrics by dimensions 指标查询')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .requiredOption('--metrics <ids>', 'comma-separated metric ids (see `zhongtai catalog`)', list)
    .option('--by <dims>', 'comma-separated dimensions, e.g. store,month', list, [])
    .option(
      '--period <name>',
      `period counted back from the newest data when --from/--to are not given 周期: ${Object.entries(PERIODS)
        .map(([name, label]) => `${name} (${label.zh})`)
        .join(', ')}`,
      'last30',
    )
    .option('--from <date>', 'first day (YYYY-MM-DD), with --to instead of --period')
    .option('--to <date>', 'last day (YYYY-MM-DD)')
    .option('--grain <grain>', 'time grain: hour, day, week, month, quarter, year')
    .option('--filter <expr>', 'filter, repeatable: region=华南, format=便利店,超市, weekday>=6', collect, [])
    .option('--compare <mode>', 'yoy, mom, wow, previous, yoy_weekday, or FROM..TO')
    .option('--order <spec>', 'order, e.g. net_sales:desc (repeatable)', collect, [])
    .option('--limit <n>', 'maximum rows', integer('limit'))
    .option('--format <format>', 'table, csv or json', 'table')
    .option('--lang <lang>', 'labels: zh or en', zhFirst() ? 'zh' : 'en')
    .addHelpText(
      'after',
      `
Examples:
  zhongtai query --metrics net_sales,orders,atv --by store               # the last 30 days of data
  zhongtai query --metrics gross_margin --by region --period last_month --compare yoy
  zhongtai query --metrics net_sales --by month --period all
  zhongtai query --metrics net_sales,gross_margin --by region,format --from 2026-10-01 --to 2026-10-31 --compare yoy
  zhongtai query --metrics psd --by store --filter region=华南 --order psd:desc --limit 10 --format csv`,
    )
    .action(async (opts) => {
      if (!['table', 'csv', 'json'].includes(opts.format)) {
        throw new ZhongtaiError(
          'BAD_REQUEST',
          { en: `--format must be table, csv or json`, zh: `--format 须为 table、csv 或 json` },
          { field: 'format' },
        );
      }
      if (Boolean(opts.from) !== Boolean(opts.to)) {
        throw new ZhongtaiError(
          'BAD_TIME_RANGE',
          { en: 'Give both --from and --to', zh: '请同时给出 --from 与 --to' },
          { field: 'timeRange' },
        );
      }
      const compare =
        typeof opts.compare === 'string' && opts.compare.includes('..')
          ? { from: opts.compare.split('..')[0], to: opts.compare.split('..')[1] }
          : opts.compare;
      const input = {
        metrics: opts.metrics,
        dimensions: opts.by,
        filters: (opts.filter as string[]).map(parseFilter),
        ...(opts.from ? { timeRange: { from: opts.from, to: opts.to } } : {}),
        ...(opts.grain ? { grain: opts.grain } : {}),
        ...(compare ? { compare } : {}),
        order: (opts.order as string[]).map((spec) => ({
          by: spec.split(':')[0] ?? spec,
          desc: spec.endsWith(':desc'),
        })),
        ...(opts.limit ? { limit: opts.limit } : {}),
      };
      const engine = await openReadEngine(opts);
      try {
        if (!opts.from) {
          const data = await dataRange(engine);
          if (data) Object.assign(input, { timeRange: periodRange(opts.period, data) });
        }
        const result = await runQuery(engine, input);
        if (opts.format === 'json') console.log(JSON.stringify(result, null, 2));
        else if (opts.format === 'csv') console.log(formatCsv(result));
        else {
          console.log(formatTable(result, opts.lang === 'zh' ? 'zh' : 'en'));
          console.error(
            `${result.meta.rowCount} rows · ${result.meta.timeRange.from} … ${result.meta.timeRange.to} · ${result.meta.durationMs} ms`,
          );
        }
      } finally {
        await engine.close();
      }
    });
}

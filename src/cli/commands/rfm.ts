import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { lastSalesDay, memberRfm, movement, SEGMENTS, type SegmentId } from '../../insights/index.js';
import { addDays, csvLines } from '../../model/index.js';
import { textTable } from '../format.js';
import { openDb } from '../open.js';
import { DEFAULT_DB, integer } from '../options.js';

/** "7,30,90,180" → [7, 30, 90, 180] (checked by the scoring: four, ascending). */
const breaksOf = (value: string): number[] => value.split(/[,，]/).map((v) => Number(v.trim()));

export function rfmCommand(program: Command): void {
  program
    .command('rfm')
    .description('RFM scores and segments of members, and how they moved since a month before RFM 会员分层')
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .option('--date <date>', 'as of this day (default: the last day with sales)')
    .option('--window-days <n>', 'orders of the days before the date that count', integer('window days'), 365)
    .option(
      '--compare-days <n>',
      'compare with the segments this many days before',
      integer('compare days'),
      30,
    )
    .option(
      '--r-breaks <days>',
      'score recency by your breaks, e.g. 7,30,90,180 (within 7 days: 5) instead of quintiles',
      breaksOf,
    )
    .option('--f-breaks <orders>', 'score frequency by your breaks, e.g. 2,4,8,16 (16 or more: 5)', breaksOf)
    .option('--m-breaks <yuan>', 'score money by your breaks, e.g. 100,300,800,2000', breaksOf)
    .option('--out <file>', 'write member,recency_days,frequency,monetary,r,f,m,segment,segment_zh as CSV')
    .addHelpText(
      'after',
      `
R = days since the member's last completed order, F = orders, M = net spend, in the window before the date;
each scored 1–5 by quintiles (5 best), or by breaks you set (--r-breaks, --f-breaks, --m-breaks). Segments: R, F and M each better or worse than the members' average —
重要价值 (all three better), 重要发展 (recent, big, seldom), 重要保持 (big, often, not lately), 重要挽留 (big only),
一般价值, 一般发展, 一般保持, 一般挽留 (none better).

Examples:
  zhongtai rfm --db data/zhongtai.duckdb
  zhongtai rfm --db data/zhongtai.duckdb --date 2026-10-31 --window-days 180 --out rfm.csv`,
    )
    .action(async (opts) => {
      const warehouse = await openDb(opts.db, false, true);
      try {
        const date = opts.date ?? (await lastSalesDay(warehouse));
        const breaks = { r: opts.rBreaks, f: opts.fBreaks, m: opts.mBreaks };
        const members = await memberRfm(warehouse, date, opts.windowDays, { breaks });
        const earlier = addDays(date, -opts.compareDays);
        const before = await memberRfm(warehouse, earlier, opts.windowDays, { breaks });
        const moves = movement(before, members);
        const ids = Object.keys(SEGMENTS) as SegmentId[];
        const rows = ids.map((id) => {
          const in_ = members.filter((m) => m.segment === id);
          const spent = in_.reduce((s, m) => s + Math.round(m.monetary * 100), 0);
          const stayed = moves.get(`${id}>${id}`) ?? 0;
          const was = before.filter((m) => m.segment === id).length;
          return [
            `${SEGMENTS[id].zh} ${SEGMENTS[id].en}`,
            String(in_.length),
            `${((100 * in_.length) / Math.max(1, members.length)).toFixed(1)}%`,
            (spent / 100).toFixed(2),
            String(was),
            was ? `${((100 * stayed) / was).toFixed(1)}%` : '—',
          ];
        });
        console.log(
          `${members.length.toLocaleString('en')} members with orders in the ${opts.windowDays} days to ${date} 位会员; compared with ${earlier}`,
        );
        console.log(
          textTable(
            [
              'segment 分层',
              'members 人数',
              'share 占比',
              'spend 消费额',
              `on 当时 ${earlier}`,
              'stayed 留存于该层',
            ],
            rows,
            [false, true, true, true, true, true],
          ),
        );
        if (opts.out) {
          const header = [
            'member',
            'recency_days',
            'frequency',
            'monetary',
            'r',
            'f',
            'm',
            'segment',
            'segment_zh',
          ];
          const rows = members.map((m) => [
            m.member,
            m.recencyDays,
            m.frequency,
            m.monetary.toFixed(2),
            m.r,
            m.f,
            m.m,
            m.segment,
            SEGMENTS[m.segment].zh,
          ]);
          writeFileSync(opts.out, csvLines([header, ...rows], '\n'));
          console.log(`Written 已写入 ${opts.out}`);
        }
      } finally {
        await warehouse.close();
      }
    });
}

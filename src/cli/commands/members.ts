import type { Command } from 'commander';
import { scoreMembers } from '../../insights/index.js';
import { MemberCenter, reconcile, relayOutbox } from '../../members/index.js';
import { withAppStore } from '../access.js';
import { textTable } from '../format.js';
import { openDb } from '../open.js';
import { DEFAULT_DB } from '../options.js';
import { storeOptions } from './tokens.js';

/** The member center's chores on the machine: relay its outbox, reconcile, expire points. */
export function membersCommand(program: Command): void {
  const members = program
    .command('members')
    .description('member center: relay to the warehouse, reconcile, expire points 会员中心')
    .addHelpText(
      'after',
      `
Examples:
  zhongtai members reconcile         # relay what waits, then compare every wallet and points balance
  zhongtai members daily             # run daily: points lots and paid periods past their day
  zhongtai members score --db FILE   # RFM segments and lifetime values for the BI`,
    );
  storeOptions(
    members.command('relay').description('load the outbox into the warehouse 同步到数据仓库'),
  ).action(async (opts) =>
    withAppStore(opts, async (store) => {
      await MemberCenter.open(store);
      const warehouse = await openDb(opts.db, true);
      try {
        const done = await relayOutbox(store, warehouse);
        console.log(
          `Relayed ${done.relayed} changes: ${done.wallet} wallet entries, ${done.points} points entries. 已同步 ${done.relayed} 条变更。`,
        );
      } finally {
        await warehouse.close();
      }
    }),
  );
  storeOptions(
    members
      .command('reconcile')
      .description('compare the ledger with the warehouse, member by member 对账')
      .option('--no-relay', 'compare without relaying what waits first'),
  ).action(async (opts) =>
    withAppStore(opts, async (store) => {
      await MemberCenter.open(store);
      const warehouse = await openDb(opts.db, true);
      try {
        if (opts.relay) await relayOutbox(store, warehouse);
        const found = await reconcile(store, warehouse);
        const { totals } = found;
        const counts = (pair: { ledger: number | string; warehouse: number | string }) => [
          String(pair.ledger),
          String(pair.warehouse),
        ];
        console.log(
          textTable(
            ['', 'ledger 账本', 'warehouse 仓库'],
            [
              ['members 会员数', ...counts(found.members)],
              ['wallet 储值余额', totals.ledgerWallet, totals.warehouseWallet],
              ['points 积分', String(totals.ledgerPoints), String(totals.warehousePoints)],
              ['paid members today 今日付费会员', ...counts(found.paidMembers)],
              ['deferred fees 递延会费', ...counts(found.deferredRevenue)],
            ],
            [false, true, true],
          ),
        );
        const differences = [...found.wallet, ...found.points];
        const off = [
          found.paidMembers.ledger !== found.paidMembers.warehouse &&
            'Paid members differ. 付费会员数不一致。',
          found.deferredRevenue.ledger !== found.deferredRevenue.warehouse &&
            'Deferred membership fees differ. 递延会费不一致。',
          found.memberDifferences.length > 0 &&
            `Members on one side only 仅一侧存在的会员: ${found.memberDifferences.slice(0, 20).join(', ')}${found.memberDifferences.length > 20 ? ' …' : ''}`,
        ].filter((line): line is string => typeof line === 'string');
        if (found.waiting)
          console.log(`${found.waiting} changes wait to be relayed. ${found.waiting} 条变更待同步。`);
        for (const line of off) console.log(line);
        if (off.length) process.exitCode = 1;
        if (!differences.length) {
          if (off.length) return;
          console.log(
            `${found.members.ledger} members: no differences. ${found.members.ledger} 位会员：账实相符。`,
          );
          return;
        }
        console.log(`${differences.length} differences 处差异:`);
        console.log(
          textTable(
            ['member 会员', 'what', 'ledger 账本', 'warehouse 仓库'],
            [
              ...found.wallet.map((d) => [d.member, 'wallet 储值', d.ledger, d.warehouse]),
              ...found.points.map((d) => [d.member, 'points 积分', d.ledger, d.warehouse]),
            ],
            [false, false, true, true],
          ),
        );
        process.exitCode = 1;
      } finally {
        await warehouse.close();
      }
    }),
  );
  storeOptions(
    members
      .command('daily')
      .description(
        'expire points and paid periods past their day, review grades, lapse dormant bonus 每日结转（积分与付费会员到期、等级复核、赠送金过期）',
      ),
  ).action(async (opts) =>
    withAppStore(opts, async (store) => {
      const center = await MemberCenter.open(store);
      const { points, memberships, grades, bonus } = await center.daily();
      const revenue = await center.deferredRevenue();
      console.log(
        `Expired ${points.points} points of ${points.members} members; ${memberships.periods} paid periods ran out, ${memberships.members} members no longer paid; ${grades.reviewed} grades reviewed at their anniversary, ${grades.lowered} lowered; bonus of ${bonus.members} dormant wallets lapsed (${bonus.amount}). Membership revenue deferred ${revenue.deferred}, earned ${revenue.earned}.`,
      );
      console.log(
        `已过期 ${points.members} 位会员的 ${points.points} 积分；${memberships.periods} 个付费会员期到期，${memberships.members} 位会员不再是付费会员；${grades.reviewed} 位会员等级到期复核，${grades.lowered} 位降级；${bonus.members} 个久未使用的储值账户赠送金过期 ${bonus.amount} 元。付费会员递延收入 ${revenue.deferred} 元，已确认 ${revenue.earned} 元。`,
      );
    }),
  );
  members
    .command('score')
    .description(
      "members' RFM segments and lifetime values for the BI (rfm_segment, clv_band, member_clv) 会员评分（RFM 分层、终身价值）",
    )
    .option('--db <file>', 'DuckDB data file', DEFAULT_DB)
    .option('--date <date>', 'as of this day (default: the last day with sales)')
    .addHelpText(
      'after',
      `
Scores every member with orders: RFM over the year to the date (segments 重要价值 … 一般挽留) and, where a few hundred
members bought, the BG/NBD × Gamma-Gamma lifetime value over the next year, banded (top 20% 高价值, next 30% 中价值, rest
低价值). Replaces the previous scores; run it after each night's loads.

Example:
  zhongtai members score --db data/zhongtai.duckdb`,
    )
    .action(async (opts) => {
      const warehouse = await openDb(opts.db, false);
      try {
        const summary = await scoreMembers(warehouse, { date: opts.date });
        console.log(
          `Scored ${summary.members.toLocaleString('en')} members as of ${summary.asOf} (${summary.valued.toLocaleString('en')} with a lifetime value) in ${summary.seconds.toFixed(1)} s 已完成会员评分`,
        );
      } finally {
        await warehouse.close();
      }
    });
}

import type { Command } from 'commander';
import { AlertRules, Channels } from '../../alerts/index.js';
import { withAppStore } from '../access.js';
import { textTable } from '../format.js';
import { openDb } from '../open.js';
import { integer } from '../options.js';
import { storeOptions } from './tokens.js';

/** Alerts on the machine: list the rules, run one (or all that are due) now, send a channel a test. */
export function alertsCommand(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('alert rules and their channels 预警')
    .addHelpText(
      'after',
      `
Rules and channels are made in the web app or with POST /api/v1/alerts/rules and /api/v1/alerts/channels; the
server evaluates due rules and sends the queue every 30 s. These commands do the same by hand.

Examples:
  zhongtai alerts list
  zhongtai alerts run            # every rule whose schedule came round, then send
  zhongtai alerts run --rule 3   # one rule now
  zhongtai alerts test --channel 1`,
    );
  storeOptions(alerts.command('list').description('the rules with their state 规则列表')).action(
    async (opts) =>
      withAppStore(opts, async (store) => {
        const engine = await openDb(opts.db, false, true);
        try {
          const rules = await AlertRules.open(store, engine, await Channels.open(store));
          const list = await rules.list();
          const open = await store.query<{ rule_id: string; n: string }>(
            "SELECT rule_id, count(*) AS n FROM alert_state WHERE status = 'open' GROUP BY rule_id",
          );
          console.log(
            textTable(
              ['id', 'name 名称', 'metric 指标', 'schedule 计划', 'open 未恢复', 'last run 上次评估'],
              list.map((r) => [
                String(r.id),
                r.name,
                r.metric,
                `${r.schedule} (${r.timezone})`,
                open.find((o) => Number(o.rule_id) === r.id)?.n ?? '0',
                r.lastEvaluatedAt ?? '—',
              ]),
              [true, false, false, false, true, false],
            ),
          );
        } finally {
          await engine.close();
        }
      }),
  );
  storeOptions(
    alerts
      .command('run')
      .description('evaluate due rules (or one) now and send what they find 立即评估')
      .option('--rule <id>', 'this rule, due or not', integer('rule')),
  ).action(async (opts) =>
    withAppStore(opts, async (store) => {
      const engine = await openDb(opts.db, false, true);
      try {
        const channels = await Channels.open(store);
        const rules = await AlertRules.open(store, engine, channels);
        const results = opts.rule ? [await rules.evaluate(opts.rule)] : await rules.evaluateDue();
        for (const r of results)
          console.log(
            `rule ${r.rule}: ${r.opened} opened 新预警, ${r.stillOpen} still open 未恢复, ${r.recovered} recovered 已恢复, ${r.queued} queued${r.skipped.length ? `; skipped ${r.skipped.join('; ')}` : ''}`,
          );
        const sent = await channels.deliverDue();
        console.log(`Sent ${sent.sent}, failed ${sent.failed} (will retry), gave up ${sent.gaveUp} 已发送`);
      } finally {
        await engine.close();
      }
    }),
  );
  storeOptions(
    alerts
      .command('test')
      .description('send a channel a test message now 发送测试消息')
      .requiredOption('--channel <id>', 'the channel', integer('channel')),
  ).action(async (opts) =>
    withAppStore(opts, async (store) => {
      const channels = await Channels.open(store);
      const channel = await channels.get(opts.channel);
      await channels.enqueue(channel.id, `test:${channel.id}:${Date.now()}`, {
        title: '【测试】zhongtai 中台',
        text: '这是一条测试消息。 / A test message.',
      });
      await channels.deliverDue();
      const [delivery] = (await channels.deliveries(20)).filter((d) => d.channel === channel.name);
      console.log(
        delivery?.status === 'sent'
          ? `Sent to ${channel.name} 已发送`
          : `Not sent to ${channel.name}: ${delivery?.lastError ?? 'unknown'} 发送失败（稍后重试）`,
      );
      if (delivery?.status !== 'sent') process.exitCode = 1;
    }),
  );
}

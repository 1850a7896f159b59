import { CronExpressionParser } from 'cron-parser';
import { type AppStore, findUser } from '../appstore/index.js';
import { ZhongtaiError } from '../model/index.js';
import type { Channels } from './channels/index.js';

/** A field of a rule or a subscription refused, named. */
export const refuse = (field: string, en: string, zh: string) =>
  new ZhongtaiError('BAD_REQUEST', { en, zh }, { field });

/**
 * What a rule and a subscription share before they are kept: a schedule that parses in its time zone, and
 * recipients who exist, each by a channel that exists.
 */
export async function checkDelivery(
  store: AppStore,
  channels: Channels,
  given: { schedule: string; timezone: string; recipients: { username: string; channel: number }[] },
): Promise<void> {
  try {
    CronExpressionParser.parse(given.schedule, { tz: given.timezone });
  } catch (error) {
    throw refuse(
      'schedule',
      `schedule: not a cron expression (minute hour day month weekday): ${(error as Error).message}`,
      `schedule：不是有效的 cron 表达式（分 时 日 月 周）：${(error as Error).message}`,
    );
  }
  for (const r of given.recipients) {
    if (!(await findUser(store, r.username)))
      throw refuse('recipients', `recipients: no user ${r.username}`, `recipients：没有用户 ${r.username}`);
    await channels.get(r.channel);
  }
}

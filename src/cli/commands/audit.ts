import type { Command } from 'commander';
import { listAudit } from '../../appstore/index.js';
import { withAppStore as withStore } from '../access.js';
import { textTable } from '../format.js';
import { integer } from '../options.js';
import { storeOptions } from './tokens.js';

export function auditCommand(program: Command): void {
  storeOptions(
    program
      .command('audit')
      .description('the audit log: sign-ins, grants, tokens, exports, loads 审计日志')
      .option('--action <action>', 'an action or its family (login, user, token, export, ingest)')
      .option('--actor <user>', 'who')
      .option('--since <date>', 'from this day or time (ISO 8601)')
      .option('--limit <n>', 'newest entries to show', integer('limit'), 50)
      .option('--json', 'JSON lines instead of a table', false),
  ).action(async (opts) =>
    withStore(opts, async (store) => {
      const entries = await listAudit(store, {
        ...(opts.action ? { action: opts.action } : {}),
        ...(opts.actor ? { actor: opts.actor } : {}),
        ...(opts.since ? { since: opts.since } : {}),
        limit: opts.limit,
      });
      if (opts.json) {
        for (const e of entries) console.log(JSON.stringify(e));
        return;
      }
      const rows = entries.map((e) => [
        e.at.slice(0, 19).replace('T', ' '),
        e.actor ?? '',
        e.action,
        e.target ?? '',
        e.ip ?? '',
        JSON.stringify(e.detail) === '{}' ? '' : JSON.stringify(e.detail).slice(0, 80),
      ]);
      console.log(textTable(['when (UTC)', 'who', 'action', 'target', 'from', 'detail'], rows));
    }),
  );
}

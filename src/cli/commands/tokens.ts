import type { Command } from 'commander';
import { createToken, listTokens, PERMISSIONS, revokeToken } from '../../appstore/index.js';
import { auditCli, withAppStore as withStore } from '../access.js';
import { textTable } from '../format.js';
import { collect, DEFAULT_DB, integer } from '../options.js';

export const storeOptions = (cmd: Command) =>
  cmd
    .option('--db <file>', 'DuckDB data file (its application store is beside it)', DEFAULT_DB)
    .option('--app-db <url>', 'PostgreSQL URL of the application store', process.env.ZHONGTAI_APP_DB);

export function tokensCommand(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('API tokens for machines (POS push, report jobs) API 令牌')
    .addHelpText(
      'after',
      `
A token acts as its user, never with more: its permissions are the user's cut down to those named.
令牌以其用户身份访问，权限不超过该用户。

Examples:
  zhongtai tokens create --user admin --name pos-push --permission ingest.push --source pos --days 365
  zhongtai tokens list
  zhongtai tokens revoke 3f2a9c1b7d4e`,
    );
  storeOptions(tokens.command('create').description('make a token; shown once 创建令牌（仅显示一次）'))
    .requiredOption('--user <username>', 'the user it acts as')
    .requiredOption('--name <name>', 'what it is for')
    .option(
      '--permission <p>',
      `one of ${PERMISSIONS.join(', ')} (repeatable; default data.read)`,
      collect,
      [],
    )
    .option('--source <source>', 'only this ingest source may be pushed to')
    .option('--days <n>', 'days until it expires', integer('days'), 90)
    .action(async (opts) =>
      withStore(opts, async (store) => {
        const made = await createToken(store, {
          username: opts.user,
          name: opts.name,
          ...(opts.permission.length ? { permissions: opts.permission } : {}),
          ...(opts.source ? { source: opts.source } : {}),
          expiresInDays: opts.days,
        });
        await auditCli(store, 'token.create', made.info.id, {
          for: opts.user,
          permissions: made.info.permissions,
          source: made.info.source,
        });
        console.log(
          `Token ${made.info.id} for ${made.info.username}, until ${made.info.expiresAt.slice(0, 10)} 令牌已创建:\n\n  ${made.token}\n\n` +
            'Shown once: keep it in a secret store. Send it as: Authorization: Bearer <token>\n仅显示一次，请妥善保存。',
        );
      }),
    );
  storeOptions(tokens.command('list').description('list tokens (never their secrets) 列出令牌'))
    .option('--user <username>', 'only this user’s')
    .action(async (opts) =>
      withStore(opts, async (store) => {
        const rows = (await listTokens(store, opts.user)).map((t) => [
          t.id,
          t.username,
          t.name,
          t.permissions.join(' '),
          t.source ?? '',
          t.revokedAt ? 'revoked 已撤销' : t.expiresAt.slice(0, 10),
          t.lastUsedAt?.slice(0, 16).replace('T', ' ') ?? '—',
        ]);
        console.log(textTable(['id', 'user', 'name', 'permissions', 'source', 'expires', 'last used'], rows));
      }),
    );
  storeOptions(tokens.command('revoke <id>').description('revoke a token at once 撤销令牌')).action(
    async (id: string, opts) =>
      withStore(opts, async (store) => {
        const revoked = await revokeToken(store, id);
        await auditCli(store, 'token.revoke', id);
        console.log(`Token ${revoked.id} (${revoked.name}) revoked 已撤销`);
      }),
  );
}

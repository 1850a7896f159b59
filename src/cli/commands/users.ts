import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  addUser,
  generatePassword,
  grant,
  listRoles,
  listUsers,
  PERMISSIONS,
  revoke,
  saveRole,
  setDisabled,
  setPassword,
  type User,
} from '../../appstore/index.js';
import type { Grant } from '../../model/index.js';
import { auditCli, withAppStore as withStore } from '../access.js';
import { textTable } from '../format.js';
import { collect, DEFAULT_DB } from '../options.js';

const grantsText = (u: User) => u.grants.map((g) => `${g.kind}=${g.value}`).join(' ');

function printUser(user: User): void {
  console.log(
    `${user.username} (${user.displayName}) · ${user.role}${user.disabled ? ' · disabled 已停用' : ''}` +
      `\n  grants 数据权限: ${grantsText(user) || '(none 无)'}`,
  );
}

/** The grants named by --store/--region/--format/--supplier, each repeatable. */
function grantsOf(opts: {
  store: string[];
  region: string[];
  format: string[];
  supplier: string[];
}): Grant[] {
  return [
    ...opts.store.map((value) => ({ kind: 'store' as const, value })),
    ...opts.region.map((value) => ({ kind: 'region' as const, value })),
    ...opts.format.map((value) => ({ kind: 'format' as const, value })),
    ...opts.supplier.map((value) => ({ kind: 'supplier' as const, value })),
  ];
}

/** A password from standard input (never from the command line, where `ps` and the shell history see it). */
const passwordFromStdin = () => readFileSync(0, 'utf8').replace(/\r?\n$/, '');

export function usersCommand(program: Command): void {
  const users = program
    .command('users')
    .description('users, roles and data grants 用户、角色与数据权限')
    .addHelpText(
      'after',
      `
Roles 角色: admin, analyst (all data), region_manager, store_manager, supplier, viewer (their grants), and custom roles.
Grants 数据权限: --store CODE, --region NAME, --format CODE, --supplier CODE (each repeatable).

Examples:
  zhongtai users add wang --role store_manager --store S001     # prints a generated password once
  zhongtai users grant li --region 华东
  echo 'a-long-passphrase' | zhongtai users passwd wang --password-stdin
  zhongtai users disable wang`,
    );
  const common = (cmd: Command) =>
    cmd
      .option('--db <file>', 'DuckDB data file (its application store is beside it)', DEFAULT_DB)
      .option('--app-db <url>', 'PostgreSQL URL of the application store', process.env.ZHONGTAI_APP_DB);
  const scoped = (cmd: Command) =>
    common(cmd)
      .option('--store <code>', 'a store code', collect, [])
      .option('--region <name>', 'a region', collect, [])
      .option('--format <code>', 'a format (supermarket, convenience …)', collect, [])
      .option('--supplier <code>', 'a supplier code', collect, []);

  common(users.command('list').description('list users with their roles and grants 列出用户')).action(
    async (opts) =>
      withStore(opts, async (store) => {
        const rows = (await listUsers(store)).map((u) => [
          u.username,
          u.displayName,
          u.role,
          u.disabled ? 'disabled 停用' : 'active 启用',
          grantsText(u),
          u.lastLoginAt?.slice(0, 16).replace('T', ' ') ?? '—',
        ]);
        console.log(textTable(['user', 'name', 'role', 'status', 'grants', 'last sign-in'], rows));
      }),
  );

  scoped(users.command('add <username>').description('add a user 新增用户'))
    .requiredOption(
      '--role <role>',
      'admin | analyst | region_manager | store_manager | supplier | viewer | custom',
    )
    .option('--name <display>', 'display name 显示名')
    .option('--password-stdin', 'read the password from standard input (else one is generated)', false)
    .action(async (username: string, opts) =>
      withStore(opts, async (store) => {
        const made = await addUser(store, {
          username,
          role: opts.role,
          ...(opts.name ? { displayName: opts.name } : {}),
          ...(opts.passwordStdin ? { password: passwordFromStdin() } : {}),
        });
        const grants = grantsOf(opts);
        const user = grants.length ? await grant(store, username, grants) : made.user;
        await auditCli(store, 'user.add', username, { role: user.role, grants });
        printUser(user);
        if (made.password) console.log(`  password 密码: ${made.password}   (shown once 仅显示一次)`);
      }),
    );

  scoped(
    users.command('grant <username>').description('grant stores, regions, formats or suppliers 授予数据权限'),
  ).action(async (username: string, opts) =>
    withStore(opts, async (store) => {
      const grants = grantsOf(opts);
      const user = await grant(store, username, grants);
      await auditCli(store, 'user.grant', username, { grants });
      printUser(user);
    }),
  );

  scoped(users.command('revoke <username>').description('take grants back 收回数据权限')).action(
    async (username: string, opts) =>
      withStore(opts, async (store) => {
        const grants = grantsOf(opts);
        const user = await revoke(store, username, grants);
        await auditCli(store, 'user.revoke', username, { grants });
        printUser(user);
      }),
  );

  for (const [name, disabled, zh] of [
    ['disable', true, '停用用户（立即退出所有会话）'],
    ['enable', false, '启用用户'],
  ] as const) {
    common(users.command(`${name} <username>`).description(`${name} a user ${zh}`)).action(
      async (username: string, opts) =>
        withStore(opts, async (store) => {
          const user = await setDisabled(store, username, disabled);
          await auditCli(store, `user.${name}`, username);
          printUser(user);
        }),
    );
  }

  common(users.command('passwd <username>').description('set a new password 重置密码'))
    .option('--password-stdin', 'read the password from standard input (else one is generated)', false)
    .option(
      '--keep-tokens',
      "keep the user's API tokens (by default a reset revokes them) 保留 API 令牌",
      false,
    )
    .action(async (username: string, opts) =>
      withStore(opts, async (store) => {
        const password = opts.passwordStdin ? passwordFromStdin() : generatePassword();
        const done = await setPassword(store, username, password, { revokeTokens: !opts.keepTokens });
        await auditCli(store, 'user.password', username, done);
        if (done.revokedTokens)
          console.log(`${done.revokedTokens} API token(s) revoked 已吊销 ${done.revokedTokens} 个 API 令牌`);
        console.log(
          opts.passwordStdin
            ? `Password of ${username} changed; its sessions are closed. 密码已修改，原会话已失效。`
            : `New password of ${username} 新密码: ${password}   (shown once 仅显示一次)`,
        );
      }),
    );

  common(users.command('role <name>').description('define or change a custom role 自定义角色'))
    .requiredOption('--label <label>', 'the name people read, e.g. 采购')
    .option('--permission <p>', `one of ${PERMISSIONS.join(', ')} (repeatable)`, collect, [])
    .option('--all-data', 'reads every store and supplier, whatever its grants', false)
    .action(async (name: string, opts) =>
      withStore(opts, async (store) => {
        const role = await saveRole(store, {
          name,
          label: opts.label,
          permissions: opts.permission,
          allData: opts.allData,
        });
        await auditCli(store, 'role.save', role.name, {
          permissions: role.permissions,
          allData: role.allData,
        });
        console.log(
          `Role ${role.name} (${role.label.zh}): ${role.permissions.join(' ') || '(no permission)'}`,
        );
      }),
    );

  common(users.command('roles').description('list roles and what they may do 列出角色')).action(
    async (opts) =>
      withStore(opts, async (store) => {
        const rows = (await listRoles(store)).map((r) => [
          r.name,
          r.label.zh,
          r.allData ? 'all 全部' : 'grants 按授权',
          r.permissions.join(' '),
        ]);
        console.log(textTable(['role', '名称', 'data 数据', 'permissions 权限'], rows));
      }),
  );
}

import { grantSchema, type User, type UserInput, userInputSchema } from '../../contract/index.js';
import { type DataScope, type Grant, parseInput, ZhongtaiError } from '../../model/index.js';
import type { AppStore } from '../store.js';
import { accessChanged } from './changes.js';
import { checkPasswordStrength, generatePassword, hashPassword } from './passwords.js';
import { findRole, type Permission } from './roles.js';
import { clearSignInLocks, revokeTokensOf } from './sessions.js';
import { iso } from './time.js';

export {
  grantSchema,
  type User,
  type UserInput,
  userInputSchema,
  usernameSchema,
} from '../../contract/index.js';

/** Who is asking: a user's role and grants as every layer checks them. */
export interface Principal {
  userId: number;
  username: string;
  displayName: string;
  role: string;
  permissions: ReadonlySet<Permission>;
  scope: DataScope;
}

interface UserRow extends Record<string, unknown> {
  id: number;
  username: string;
  display_name: string;
  role: string;
  disabled: boolean;
  created_at: Date | string;
  last_login_at: Date | string | null;
}

async function grantsOf(store: AppStore, ids: number[]): Promise<Map<number, Grant[]>> {
  const rows = ids.length
    ? await store.query<{ user_id: number; kind: Grant['kind']; value: string }>(
        'SELECT user_id, kind, value FROM app_grant WHERE user_id = ANY($1::int[]) ORDER BY kind, value',
        [ids],
      )
    : [];
  const byUser = new Map<number, Grant[]>();
  for (const r of rows)
    byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), { kind: r.kind, value: r.value }]);
  return byUser;
}

const toUser = (row: UserRow, grants: Grant[]): User => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  role: row.role,
  disabled: row.disabled,
  grants,
  createdAt: iso(row.created_at),
  lastLoginAt: iso(row.last_login_at),
});

const COLUMNS = 'id, username, display_name, role, disabled, created_at, last_login_at';

export async function listUsers(store: AppStore): Promise<User[]> {
  const rows = await store.query<UserRow>(`SELECT ${COLUMNS} FROM app_user ORDER BY username`);
  const grants = await grantsOf(
    store,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toUser(r, grants.get(r.id) ?? []));
}

const noSuchUser = (who: string | number) =>
  new ZhongtaiError('NOT_FOUND', { en: `No user ${who}`, zh: `用户 ${who} 不存在` }, { field: 'username' });

export async function findUser(store: AppStore, who: string | number): Promise<User | undefined> {
  const [row] = await store.query<UserRow>(
    `SELECT ${COLUMNS} FROM app_user WHERE ${typeof who === 'number' ? 'id' : 'username'} = $1`,
    [who],
  );
  return row ? toUser(row, (await grantsOf(store, [row.id])).get(row.id) ?? []) : undefined;
}

export async function getUser(store: AppStore, who: string | number): Promise<User> {
  const user = await findUser(store, who);
  if (!user) throw noSuchUser(who);
  return user;
}

async function checkedRole(store: AppStore, name: string) {
  const role = await findRole(store, name);
  if (!role)
    throw new ZhongtaiError(
      'BAD_REQUEST',
      { en: `No role "${name}"`, zh: `角色「${name}」不存在` },
      { field: 'role' },
    );
  return role;
}

/** A new user; without a password one is generated and returned here only (it is kept hashed). */
export async function addUser(store: AppStore, input: UserInput): Promise<{ user: User; password?: string }> {
  const parsed = parseInput(userInputSchema, input);
  await checkedRole(store, parsed.role);
  const generated = parsed.password === undefined ? generatePassword() : undefined;
  const password = parsed.password ?? (generated as string);
  checkPasswordStrength(password, parsed.username);
  if (await findUser(store, parsed.username))
    throw new ZhongtaiError(
      'CONFLICT',
      { en: `User ${parsed.username} already exists`, zh: `用户 ${parsed.username} 已存在` },
      { field: 'username' },
    );
  await store.query(
    'INSERT INTO app_user (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4)',
    [parsed.username, parsed.displayName ?? parsed.username, parsed.role, await hashPassword(password)],
  );
  return { user: await getUser(store, parsed.username), ...(generated ? { password: generated } : {}) };
}

/**
 * An administrator's reset: every session opened with the old password ends, the sign-in locks lift, and by
 * default the user's API tokens are revoked too (a leaked password may have made them).
 */
export async function setPassword(
  store: AppStore,
  username: string,
  password: string,
  options: { revokeTokens?: boolean } = {},
): Promise<{ revokedTokens: number }> {
  const user = await getUser(store, username);
  checkPasswordStrength(password, user.username);
  await store.query(
    'UPDATE app_user SET password_hash = $2, failed_logins = 0, locked_until = NULL WHERE id = $1',
    [user.id, await hashPassword(password)],
  );
  await store.query('DELETE FROM app_session WHERE user_id = $1', [user.id]);
  await clearSignInLocks(store, user.username);
  const revokedTokens = (options.revokeTokens ?? true) ? await revokeTokensOf(store, user.id) : 0;
  accessChanged();
  return { revokedTokens };
}

export async function setRole(store: AppStore, username: string, role: string): Promise<User> {
  const user = await getUser(store, username);
  await checkedRole(store, role);
  await store.query('UPDATE app_user SET role = $2 WHERE id = $1', [user.id, role]);
  accessChanged();
  return getUser(store, user.id);
}

export async function grant(store: AppStore, username: string, grants: Grant[]): Promise<User> {
  const user = await getUser(store, username);
  for (const g of grants.map((x) => parseInput(grantSchema, x)))
    await store.query(
      'INSERT INTO app_grant (user_id, kind, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [user.id, g.kind, g.value],
    );
  accessChanged();
  return getUser(store, user.id);
}

export async function revoke(store: AppStore, username: string, grants: Grant[]): Promise<User> {
  const user = await getUser(store, username);
  for (const g of grants.map((x) => parseInput(grantSchema, x)))
    await store.query('DELETE FROM app_grant WHERE user_id = $1 AND kind = $2 AND value = $3', [
      user.id,
      g.kind,
      g.value,
    ]);
  accessChanged();
  return getUser(store, user.id);
}

/** A disabled user cannot sign in, and its sessions and tokens stop working at once. */
export async function setDisabled(store: AppStore, username: string, disabled: boolean): Promise<User> {
  const user = await getUser(store, username);
  await store.query('UPDATE app_user SET disabled = $2 WHERE id = $1', [user.id, disabled]);
  if (disabled) await store.query('DELETE FROM app_session WHERE user_id = $1', [user.id]);
  accessChanged();
  return getUser(store, user.id);
}

/** The principal of an enabled user, read fresh: a revoked grant or a disabled user takes effect at once. */
export async function principalOf(store: AppStore, userId: number): Promise<Principal | undefined> {
  const user = await findUser(store, userId);
  if (!user || user.disabled) return undefined;
  const role = await findRole(store, user.role);
  if (!role) return undefined;
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    role: role.name,
    permissions: new Set(role.permissions),
    scope: role.allData ? { all: true } : { all: false, grants: user.grants },
  };
}

export async function userCount(store: AppStore): Promise<number> {
  const [row] = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM app_user');
  return row?.n ?? 0;
}

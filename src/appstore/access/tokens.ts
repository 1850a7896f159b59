import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type ApiToken, type TokenInput, tokenInputSchema } from '../../contract/index.js';
import { parseInput, ZhongtaiError } from '../../model/index.js';
import type { AppStore } from '../store.js';
import { cachedPrincipal } from './cache.js';
import type { Permission } from './roles.js';
import { digest } from './sessions.js';
import { iso } from './time.js';
import { getUser, type Principal } from './users.js';

export { type ApiToken, type TokenInput, tokenInputSchema } from '../../contract/index.js';

/**
 * API tokens for machines (a POS pushing sales, a report job): `zt_<id>_<secret>`, shown once, kept as
 * the secret's digest. A token acts as its user, never with more: its permissions are the user's cut down
 * to those it names, and it can be limited to one ingest source. Expiring and revocable.
 */

interface TokenRow extends Record<string, unknown> {
  id: string;
  username: string;
  name: string;
  permissions: Permission[];
  source: string | null;
  created_at: Date | string;
  expires_at: Date | string;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
}

const toToken = (r: TokenRow): ApiToken => ({
  id: r.id,
  username: r.username,
  name: r.name,
  permissions: r.permissions,
  source: r.source,
  createdAt: iso(r.created_at),
  expiresAt: iso(r.expires_at),
  revokedAt: iso(r.revoked_at),
  lastUsedAt: iso(r.last_used_at),
});

const SELECT = `SELECT t.id, u.username, t.name, t.permissions, t.source, t.created_at, t.expires_at,
  t.revoked_at, t.last_used_at FROM api_token t JOIN app_user u ON u.id = t.user_id`;

export async function createToken(
  store: AppStore,
  input: TokenInput,
): Promise<{ token: string; info: ApiToken }> {
  const t = parseInput(tokenInputSchema, input);
  const user = await getUser(store, t.username);
  const principal = await cachedPrincipal(store, user.id);
  const beyond = t.permissions.filter((p) => !principal?.permissions.has(p));
  if (!principal || beyond.length)
    throw new ZhongtaiError(
      'FORBIDDEN',
      {
        en: `User ${t.username} does not hold ${beyond.join(', ') || 'any permission'}; a token cannot have more`,
        zh: `用户 ${t.username} 没有权限 ${beyond.join('、') || '（已停用）'}，令牌不能超出其用户的权限`,
      },
      { field: 'permissions' },
    );
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await store.query(
    `INSERT INTO api_token (id, user_id, name, secret_hash, permissions, source, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(days => $7::int))`,
    [id, user.id, t.name, digest(secret), JSON.stringify(t.permissions), t.source ?? null, t.expiresInDays],
  );
  const [row] = await store.query<TokenRow>(`${SELECT} WHERE t.id = $1`, [id]);
  return { token: `zt_${id}_${secret}`, info: toToken(row as TokenRow) };
}

export async function listTokens(store: AppStore, username?: string): Promise<ApiToken[]> {
  const rows = username
    ? await store.query<TokenRow>(`${SELECT} WHERE u.username = $1 ORDER BY t.created_at DESC`, [username])
    : await store.query<TokenRow>(`${SELECT} ORDER BY t.created_at DESC`);
  return rows.map(toToken);
}

export async function revokeToken(store: AppStore, id: string): Promise<ApiToken> {
  const [row] = await store.query<TokenRow>(
    `UPDATE api_token SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id`,
    [id],
  );
  if (!row)
    throw new ZhongtaiError('NOT_FOUND', { en: `No token ${id}`, zh: `令牌 ${id} 不存在` }, { field: 'id' });
  const [full] = await store.query<TokenRow>(`${SELECT} WHERE t.id = $1`, [id]);
  return toToken(full as TokenRow);
}

const lastNoted = new Map<string, number>();

/** The principal a live token acts as (its permissions cut down to the token's), or nothing. */
export async function tokenPrincipal(
  store: AppStore,
  token: string,
): Promise<{ principal: Principal; tokenId: string; source: string | null } | undefined> {
  const match = /^zt_([0-9a-f]{12})_([\w-]{20,64})$/.exec(token);
  if (!match) return undefined;
  const [, id, secret] = match as unknown as [string, string, string];
  const [row] = await store.query<{
    user_id: number;
    secret_hash: string;
    permissions: Permission[];
    source: string | null;
  }>(
    `SELECT user_id, secret_hash, permissions, source FROM api_token
     WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()`,
    [id],
  );
  if (!row) return undefined;
  const given = Buffer.from(digest(secret));
  const kept = Buffer.from(row.secret_hash);
  if (given.length !== kept.length || !timingSafeEqual(given, kept)) return undefined;
  const user = await cachedPrincipal(store, row.user_id);
  if (!user) return undefined;
  // Noted at most once a minute: a busy token sends no statement on every request (the WHERE covers other
  // processes using the same token).
  if ((lastNoted.get(id) ?? 0) < Date.now() - 60_000) {
    lastNoted.set(id, Date.now());
    await store.query(
      `UPDATE api_token SET last_used_at = now() WHERE id = $1
       AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }
  const permissions = new Set(row.permissions.filter((p) => user.permissions.has(p)));
  return { principal: { ...user, permissions }, tokenId: id, source: row.source };
}

import { createHash, randomBytes } from 'node:crypto';
import { ZhongtaiError } from '../../model/index.js';
import type { AppStore } from '../store.js';
import { recordAudit } from './audit.js';
import { cachedPrincipal } from './cache.js';
import { accessChanged } from './changes.js';
import { checkPasswordStrength, hashPassword, verifyPassword } from './passwords.js';
import { claimAttempt, releaseAttempts, type ThrottleRule } from './throttle.js';
import type { Principal } from './users.js';

export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MINUTES = 15;
export const SESSION_HOURS = 12;

export const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url');

export interface Session {
  /** The secret for the cookie: kept only as its digest. */
  id: string;
  csrf: string;
  expiresAt: string;
  principal: Principal;
}

const refused = () =>
  new ZhongtaiError('UNAUTHORIZED', {
    en: 'Wrong user name or password',
    zh: '用户名或密码错误',
  });

// Checked against when the user does not exist, so a wrong name costs as long as a wrong password.
let decoyHash: Promise<string> | undefined;

/** Guesses at one account from one address: five, then a 15-minute lock for that address only. */
const PER_ADDRESS: ThrottleRule = {
  max: MAX_FAILED_SIGN_INS,
  lockMinutes: LOCKOUT_MINUTES,
  windowMinutes: 15,
};
/**
 * Guesses at one account from addresses it never signed in from (many addresses guessing together): twenty an
 * hour, then such addresses wait; the owner's own addresses are spared, so strangers cannot lock them out.
 */
const FROM_NEW_ADDRESSES: ThrottleRule = { max: 20, lockMinutes: LOCKOUT_MINUTES, windowMinutes: 60 };
/** Wrong current passwords at a password change, per account. */
const PASSWORD_CHANGE: ThrottleRule = {
  max: MAX_FAILED_SIGN_INS,
  lockMinutes: LOCKOUT_MINUTES,
  windowMinutes: 15,
};

const tooMany = () =>
  new ZhongtaiError('TOO_MANY_REQUESTS', {
    en: `Too many failed sign-ins: wait up to ${LOCKOUT_MINUTES} minutes before trying again`,
    zh: `登录失败次数过多，已锁定，请最长等待 ${LOCKOUT_MINUTES} 分钟后再试`,
  });

async function knownAddress(store: AppStore, name: string, ip: string | null): Promise<boolean> {
  if (!ip) return false;
  const [row] = await store.query(
    "SELECT 1 FROM auth_known_address WHERE username = $1 AND ip = $2 AND last_ok > now() - interval '90 days'",
    [name, ip],
  );
  return Boolean(row);
}

/**
 * Signs a user in with a password. Attempts are counted per user name and address before the password is
 * checked (so parallel guesses count too): five failures lock that name from that address for 15 minutes,
 * whether or not the user exists, so the answers never tell which names exist; every attempt is audited.
 */
export async function signIn(
  store: AppStore,
  username: string,
  password: string,
  ip: string | null = null,
): Promise<Session> {
  const name = username.toLowerCase();
  const addressKey = `signin:${name}@${ip ?? '-'}`;
  const accountKey = `signin:${name}`;
  const known = await knownAddress(store, name, ip);
  const claim = await claimAttempt(store, addressKey, PER_ADDRESS);
  const wide = known ? { allowed: true } : await claimAttempt(store, accountKey, FROM_NEW_ADDRESSES);
  if (!claim.allowed || !wide.allowed) {
    await recordAudit(store, {
      actor: username,
      action: 'login.locked',
      detail: { attempt: claim.attempt },
      ip,
    });
    throw tooMany();
  }
  const [user] = await store.query<{ id: number; password_hash: string; disabled: boolean }>(
    'SELECT id, password_hash, disabled FROM app_user WHERE username = $1',
    [username],
  );
  decoyHash ??= hashPassword('not-a-user-password');
  const ok = await verifyPassword(password, user?.password_hash ?? (await decoyHash));
  if (!user || !ok || user.disabled) {
    await recordAudit(store, {
      actor: username,
      action: 'login.failed',
      detail: {
        reason: !user ? 'unknown user' : user.disabled ? 'disabled' : 'wrong password',
        failures: claim.attempt,
      },
      ip,
    });
    throw refused();
  }
  await releaseAttempts(store, addressKey);
  if (!known) await releaseAttempts(store, accountKey);
  if (ip)
    await store.query(
      `INSERT INTO auth_known_address (username, ip) VALUES ($1, $2)
       ON CONFLICT (username, ip) DO UPDATE SET last_ok = now()`,
      [name, ip],
    );
  await store.query('UPDATE app_user SET last_login_at = now() WHERE id = $1', [user.id]);
  const principal = await cachedPrincipal(store, user.id);
  if (!principal) throw refused();
  const id = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  const [row] = await store.query<{ expires_at: Date | string }>(
    `INSERT INTO app_session (id_hash, user_id, csrf, ip, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(hours => $5::int)) RETURNING expires_at`,
    [digest(id), user.id, csrf, ip, SESSION_HOURS],
  );
  await recordAudit(store, { actor: username, action: 'login.ok', ip });
  return { id, csrf, expiresAt: new Date(row?.expires_at ?? Date.now()).toISOString(), principal };
}

/** Lifts every sign-in lock of a user name (an administrator's reset). */
export async function clearSignInLocks(store: AppStore, username: string): Promise<void> {
  const name = username.toLowerCase();
  await store.query("DELETE FROM auth_throttle WHERE key = $1 OR key LIKE $2 ESCAPE '!'", [
    `signin:${name}`,
    `signin:${name.replace(/[!%_]/g, '!$&')}@%`,
  ]);
}

/** The principal and CSRF token of a live session, or nothing. */
export async function sessionOf(
  store: AppStore,
  id: string,
): Promise<{ principal: Principal; csrf: string } | undefined> {
  if (!id || id.length > 128) return undefined;
  const [row] = await store.query<{ user_id: number; csrf: string }>(
    'SELECT user_id, csrf FROM app_session WHERE id_hash = $1 AND expires_at > now()',
    [digest(id)],
  );
  if (!row) return undefined;
  const principal = await cachedPrincipal(store, row.user_id);
  return principal ? { principal, csrf: row.csrf } : undefined;
}

/**
 * A person changes their own password: the current one is checked first (a session left open is not enough),
 * every other session of theirs ends, and this one stays.
 */
export async function changeOwnPassword(
  store: AppStore,
  userId: number,
  current: string,
  next: string,
  keepSession: string | null,
  options: { revokeTokens?: boolean } = {},
): Promise<{ revokedTokens: number }> {
  const key = `password:${userId}`;
  const claim = await claimAttempt(store, key, PASSWORD_CHANGE);
  if (!claim.allowed)
    throw new ZhongtaiError('TOO_MANY_REQUESTS', {
      en: `Too many wrong current passwords: wait up to ${LOCKOUT_MINUTES} minutes`,
      zh: `当前密码输错次数过多，请最长等待 ${LOCKOUT_MINUTES} 分钟后再试`,
    });
  const [user] = await store.query<{ username: string; password_hash: string }>(
    'SELECT username, password_hash FROM app_user WHERE id = $1',
    [userId],
  );
  if (!user || !(await verifyPassword(current, user.password_hash)))
    throw new ZhongtaiError(
      'FORBIDDEN',
      { en: 'The current password is wrong', zh: '当前密码不正确' },
      { field: 'current' },
    );
  await releaseAttempts(store, key);
  checkPasswordStrength(next, user.username);
  await store.query('UPDATE app_user SET password_hash = $2 WHERE id = $1', [
    userId,
    await hashPassword(next),
  ]);
  await store.query('DELETE FROM app_session WHERE user_id = $1 AND id_hash <> $2', [
    userId,
    keepSession ? digest(keepSession) : '',
  ]);
  const revokedTokens = options.revokeTokens ? await revokeTokensOf(store, userId) : 0;
  accessChanged();
  return { revokedTokens };
}

/** Revokes every live API token of a user (with a password change or reset); how many. */
export async function revokeTokensOf(store: AppStore, userId: number): Promise<number> {
  const rows = await store.query(
    'UPDATE api_token SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id',
    [userId],
  );
  accessChanged();
  return rows.length;
}

export async function signOut(store: AppStore, id: string): Promise<void> {
  await store.query('DELETE FROM app_session WHERE id_hash = $1 OR expires_at < now()', [digest(id)]);
}

import { createHash, randomBytes } from 'node:crypto';
import { ZhongtaiError } from '../../model/index.js';
import type { AppStore } from '../store.js';
import { recordAudit } from './audit.js';
import { cachedPrincipal } from './cache.js';
import { checkPasswordStrength, hashPassword, verifyPassword } from './passwords.js';
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

/**
 * Signs a user in with a password. Five failures in a row lock the account for 15 minutes (the answer then
 * says so, and a right password does not help until then); every attempt is audited.
 */
export async function signIn(
  store: AppStore,
  username: string,
  password: string,
  ip: string | null = null,
): Promise<Session> {
  const [user] = await store.query<{
    id: number;
    password_hash: string;
    disabled: boolean;
    failed_logins: number;
    locked: boolean;
  }>(
    `SELECT id, password_hash, disabled, failed_logins, coalesce(locked_until > now(), false) AS locked
     FROM app_user WHERE username = $1`,
    [username],
  );
  if (!user) {
    decoyHash ??= hashPassword('not-a-user-password');
    await verifyPassword(password, await decoyHash);
    await recordAudit(store, {
      actor: username,
      action: 'login.failed',
      detail: { reason: 'unknown user' },
      ip,
    });
    throw refused();
  }
  if (user.locked) {
    await recordAudit(store, { actor: username, action: 'login.locked', ip });
    throw new ZhongtaiError('TOO_MANY_REQUESTS', {
      en: `Too many failed sign-ins: the account is locked for up to ${LOCKOUT_MINUTES} minutes`,
      zh: `登录失败次数过多，账号已锁定（最长 ${LOCKOUT_MINUTES} 分钟）`,
    });
  }
  const ok = await verifyPassword(password, user.password_hash);
  if (!ok || user.disabled) {
    const failures = user.failed_logins + 1;
    await store.query(
      `UPDATE app_user SET failed_logins = $2::int,
         locked_until = CASE WHEN $2::int >= $3::int THEN now() + make_interval(mins => $4::int) ELSE locked_until END
       WHERE id = $1`,
      [user.id, ok ? user.failed_logins : failures, MAX_FAILED_SIGN_INS, LOCKOUT_MINUTES],
    );
    await recordAudit(store, {
      actor: username,
      action: 'login.failed',
      detail: { reason: user.disabled ? 'disabled' : 'wrong password', failures },
      ip,
    });
    throw refused();
  }
  await store.query(
    'UPDATE app_user SET failed_logins = 0, locked_until = NULL, last_login_at = now() WHERE id = $1',
    [user.id],
  );
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
): Promise<void> {
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
  checkPasswordStrength(next, user.username);
  await store.query('UPDATE app_user SET password_hash = $2 WHERE id = $1', [
    userId,
    await hashPassword(next),
  ]);
  await store.query('DELETE FROM app_session WHERE user_id = $1 AND id_hash <> $2', [
    userId,
    keepSession ? digest(keepSession) : '',
  ]);
}

export async function signOut(store: AppStore, id: string): Promise<void> {
  await store.query('DELETE FROM app_session WHERE id_hash = $1 OR expires_at < now()', [digest(id)]);
}

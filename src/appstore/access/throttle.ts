import type { AppStore } from '../store.js';

/**
 * Counting failed attempts at a secret (a password at sign-in, the current password at a change) so that
 * guesses sent in parallel are counted one by one: an attempt is claimed — its failure counted — before the
 * secret is checked, in one atomic upsert, and a right answer releases the claim. Ten guesses at once thus
 * get five checks and five refusals, never ten checks.
 */
export interface ThrottleRule {
  /** Attempts allowed before the key is locked. */
  max: number;
  /** How long a lock lasts. */
  lockMinutes: number;
  /** Failures older than this are forgotten (a typo last week does not count today). */
  windowMinutes: number;
}

export interface Claim {
  /** False: over the limit or locked; the secret must not be checked. */
  allowed: boolean;
  /** This attempt's number within the window (1 for the first). */
  attempt: number;
}

export async function claimAttempt(store: AppStore, key: string, rule: ThrottleRule): Promise<Claim> {
  // A lock that has run out, or failures older than the window, start the count again.
  const [row] = await store.query<{ failures: number; locked: boolean }>(
    `INSERT INTO auth_throttle AS t (key, failures, updated_at) VALUES ($1, 1, now())
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE
         WHEN t.locked_until <= now() THEN 1
         WHEN t.locked_until IS NULL AND t.updated_at < now() - make_interval(mins => $2::int) THEN 1
         ELSE t.failures + 1 END,
       locked_until = CASE WHEN t.locked_until <= now() THEN NULL ELSE t.locked_until END,
       updated_at = now()
     RETURNING failures, coalesce(locked_until > now(), false) AS locked`,
    [key, rule.windowMinutes],
  );
  const attempt = Number(row?.failures ?? 1);
  // The last allowed attempt locks at once: if it fails the lock stands, if it succeeds `release` lifts it.
  if (attempt >= rule.max)
    await store.query(
      `UPDATE auth_throttle SET locked_until = coalesce(locked_until, now() + make_interval(mins => $2::int))
       WHERE key = $1`,
      [key, rule.lockMinutes],
    );
  return { allowed: !row?.locked && attempt <= rule.max, attempt };
}

/** The secret was right: the key's failures are forgotten. */
export async function releaseAttempts(store: AppStore, key: string): Promise<void> {
  await store.query('DELETE FROM auth_throttle WHERE key = $1', [key]);
}

/** Whether a key is locked now, without counting an attempt. */
export async function isLocked(store: AppStore, key: string): Promise<boolean> {
  const [row] = await store.query<{ locked: boolean }>(
    'SELECT coalesce(locked_until > now(), false) AS locked FROM auth_throttle WHERE key = $1',
    [key],
  );
  return Boolean(row?.locked);
}

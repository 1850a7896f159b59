import { createHash } from 'node:crypto';
import type { AppStore, Queryable } from '../appstore/index.js';
import { ZhongtaiError } from '../model/index.js';

/** What a write answered, and whether this is that answer again for a retried key. */
export interface Written<T> {
  status: number;
  answer: T;
  replayed: boolean;
}

/** A stable text of a request: the same fields in any order digest alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

export function checkKey(key: string | undefined): string {
  if (!key || !/^[\x21-\x7e]{1,128}$/.test(key))
    throw new ZhongtaiError(
      'BAD_REQUEST',
      {
        en: 'Idempotency-Key: every write to the member center needs one (1–128 visible ASCII characters), the same on a retry',
        zh: 'Idempotency-Key：会员中心的每次写入都需要幂等键（1–128 个可见 ASCII 字符），重试时保持不变',
      },
      { field: 'Idempotency-Key' },
    );
  return key;
}

/** What a key answered before, and the digest of the request it answered. */
export interface Kept<T> extends Record<string, unknown> {
  digest: string;
  status: number;
  answer: T;
}

/** The first answer again for the same request; the same key with another request is refused. */
function replay<T>(kept: Kept<T> | undefined, key: string, digest: string): Written<T> {
  if (!kept || kept.digest !== digest)
    throw new ZhongtaiError(
      'CONFLICT',
      {
        en: `Idempotency-Key ${key} was used before for another request; use a new key for a new write`,
        zh: `幂等键 ${key} 已用于另一请求；新的写入请使用新的幂等键`,
      },
      { field: 'Idempotency-Key' },
    );
  return { status: kept.status, answer: kept.answer, replayed: true };
}

const digestOf = (request: unknown) => createHash('sha256').update(canonical(request)).digest('base64');

/** A key's claim as a write's own statements make it (see onceInline). */
export interface Claim {
  scope: string;
  key: string;
  digest: string;
}

/**
 * `once` for the hottest writes (wallet payments and top-ups), in two statements fewer: the write's first
 * statement also reads whether the key was used, and its last claims the key with the answer. Two requests
 * racing on one key both do the work; the second's claim waits for the first to commit, fails on the key,
 * and its transaction rolls back whole — then it runs again and finds the first answer. Nothing doubles.
 */
export async function onceInline<T>(
  store: AppStore,
  scope: string,
  key: string,
  request: unknown,
  work: (tx: Queryable, claim: Claim) => Promise<{ status: number; answer: T } | { kept: Kept<T> }>,
  at?: Date,
  /** The center's table of keys, whose primary key a racing duplicate's claim fails on. */
  table = 'member_request',
): Promise<Written<T>> {
  const claim = { scope, key, digest: digestOf(request) };
  for (let attempt = 1; ; attempt++) {
    try {
      const done = await store.transaction(async (tx) => {
        if (at) await tx.query("SELECT set_config('zhongtai.now', $1, true)", [at.toISOString()]);
        return work(tx, claim);
      });
      if ('kept' in done) return replay(done.kept, key, claim.digest);
      return { ...done, replayed: false };
    } catch (error) {
      const e = error as { code?: string; constraint?: string };
      if (!(e.code === '23505' && e.constraint === `${table}_pkey` && attempt < 3)) throw error;
    }
  }
}

/**
 * A write taken once per key: the key is claimed in the write's own transaction, so the write and the
 * record of its answer commit together or not at all. A retry with the same key and request gets the first
 * answer again; the same key with another request is refused (409). A second request racing the first
 * waits on the key's row until the first commits, then reads its answer. A write that fails leaves the
 * key unused: nothing happened, and a retry tries again.
 */
export async function once<T>(
  store: AppStore,
  scope: string,
  key: string,
  request: unknown,
  work: (tx: Queryable) => Promise<{ status: number; answer: T }>,
  /** When the write happened, if not now (history written as of its days). */
  at?: Date,
  /** Where a center keeps its keys: each center its own table of (scope, key, digest, status, answer). */
  table = 'member_request',
): Promise<Written<T>> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`bad table name ${table}`);
  const digest = digestOf(request);
  return store.transaction(async (tx) => {
    if (at) await tx.query("SELECT set_config('zhongtai.now', $1, true)", [at.toISOString()]);
    const claimed = await tx.query(
      `INSERT INTO ${table} (scope, key, digest) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key`,
      [scope, key, digest],
    );
    if (!claimed.length) {
      const [kept] = await tx.query<Kept<T>>(
        `SELECT digest, status, answer FROM ${table} WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
      return replay(kept, key, digest);
    }
    const { status, answer } = await work(tx);
    await tx.query(`UPDATE ${table} SET status = $3, answer = $4 WHERE scope = $1 AND key = $2`, [
      scope,
      key,
      status,
      JSON.stringify(answer),
    ]);
    return { status, answer, replayed: false };
  });
}

/** Every change, in the transaction that made it, for the relay into the warehouse. */
export async function emit(tx: Queryable, topic: string, payload: Record<string, unknown>): Promise<void> {
  await tx.query('INSERT INTO member_outbox (topic, payload) VALUES ($1, $2)', [
    topic,
    JSON.stringify(payload),
  ]);
}

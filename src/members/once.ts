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
): Promise<Written<T>> {
  const digest = createHash('sha256').update(canonical(request)).digest('base64');
  return store.transaction(async (tx) => {
    if (at) await tx.query("SELECT set_config('zhongtai.now', $1, true)", [at.toISOString()]);
    const claimed = await tx.query(
      'INSERT INTO member_request (scope, key, digest) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key',
      [scope, key, digest],
    );
    if (!claimed.length) {
      const [kept] = await tx.query<{ digest: string; status: number; answer: T }>(
        'SELECT digest, status, answer FROM member_request WHERE scope = $1 AND key = $2',
        [scope, key],
      );
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
    const { status, answer } = await work(tx);
    await tx.query('UPDATE member_request SET status = $3, answer = $4 WHERE scope = $1 AND key = $2', [
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

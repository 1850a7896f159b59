import { Redis } from 'ioredis';

/**
 * The flash sale's hot counters in Redis: a gate in front of PostgreSQL, not the record. A burst of requests for
 * a sale's last units mostly ends in "sold out" or "limit reached"; the gate answers those from memory (one Lua
 * script: the member's count and the units left, checked and taken at once), so only requests that can succeed
 * reach the sale's row in PostgreSQL — which still takes the stock and the limit under its WHERE and CHECKs, so
 * whatever the gate says, nothing is oversold.
 *
 * Recovery: the counters are loaded from PostgreSQL when missing (a Redis that restarted, a sale changed), and
 * dropped for every sale when a server starts, so units the gate took for requests a crashed server never
 * wrote are back on sale. A request the gate let through and PostgreSQL refused gives its units back.
 */
export type GateAnswer = 'ok' | 'limit' | 'sold_out' | 'seen';

export interface GateCounts {
  left: number;
  members: [string, number][];
  /** Request keys (scope and key) that have orders, so their retries reach PostgreSQL for the first answer. */
  keys: string[];
}

const TAKE = `
local left = redis.call('GET', KEYS[1])
if not left then return -1 end
if redis.call('SISMEMBER', KEYS[3], ARGV[4]) == 1 then return -4 end
local q = tonumber(ARGV[2])
local had = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if had + q > tonumber(ARGV[3]) then return -2 end
if tonumber(left) < q then return -3 end
redis.call('DECRBY', KEYS[1], q)
redis.call('HINCRBY', KEYS[2], ARGV[1], q)
redis.call('SADD', KEYS[3], ARGV[4])
return 1`;

/**
 * Loads counters only if none are there (two servers loading at once keep the first): units left, then the
 * number of members, members and quantities, then the request keys that reached PostgreSQL.
 */
const LOAD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
local n = tonumber(ARGV[2])
for i = 3, 2 + 2 * n, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
for i = 3 + 2 * n, #ARGV do redis.call('SADD', KEYS[3], ARGV[i]) end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

/** Gives units back, unless the counters are gone (the next load reads them from PostgreSQL). */
const GIVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('INCRBY', KEYS[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], ARGV[1], -tonumber(ARGV[2]))
return 1`;

export class FlashGate {
  private readonly loading = new Map<string, Promise<void>>();

  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Connects to Redis (`redis://127.0.0.1:6379/0`); fails loudly when it cannot be reached. */
  static async connect(url: string, prefix = 'zhongtai:flash:'): Promise<FlashGate> {
    // No queue while disconnected, and a short command timeout: a Redis away sends orders to PostgreSQL at once.
    const redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 1_000,
    });
    redis.on('error', () => {
      // Reconnects by itself; a call made meanwhile fails and the order goes to PostgreSQL alone.
    });
    await redis.connect();
    redis.defineCommand('flashTake', { numberOfKeys: 3, lua: TAKE });
    redis.defineCommand('flashLoad', { numberOfKeys: 3, lua: LOAD });
    redis.defineCommand('flashGive', { numberOfKeys: 3, lua: GIVE });
    return new FlashGate(redis, prefix);
  }

  private keys(sale: string): [string, string, string] {
    return [`${this.prefix}${sale}:left`, `${this.prefix}${sale}:members`, `${this.prefix}${sale}:keys`];
  }

  private call(name: string, sale: string, ...args: (string | number)[]): Promise<number> {
    const command = (this.redis as unknown as Record<string, (...a: unknown[]) => Promise<number>>)[name];
    return (command as (...a: unknown[]) => Promise<number>).call(this.redis, ...this.keys(sale), ...args);
  }

  /**
   * Takes units for a member, or says why not; `seen` when the request's key came this way before (a retry:
   * PostgreSQL has its first answer). Reads the counters from `load` when Redis has none.
   */
  async take(
    sale: string,
    request: { member: string; qty: number; key: string },
    limit: number,
    load: () => Promise<GateCounts>,
  ): Promise<GateAnswer> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await this.call('flashTake', sale, request.member, request.qty, limit, request.key);
      if (answer === 1) return 'ok';
      if (answer === -2) return 'limit';
      if (answer === -3) return 'sold_out';
      if (answer === -4) return 'seen';
      // One load per sale at a time: a burst that finds no counters waits for one read of PostgreSQL, not
      // one read per request.
      let loading = this.loading.get(sale);
      if (!loading) {
        loading = load()
          .then((counts) =>
            this.call(
              'flashLoad',
              sale,
              counts.left,
              counts.members.length,
              ...counts.members.flat(),
              ...counts.keys,
            ),
          )
          .then(() => undefined)
          .finally(() => this.loading.delete(sale));
        this.loading.set(sale, loading);
      }
      await loading;
    }
    throw new Error(`flash gate: counters of ${sale} would not load`);
  }

  /** Units back to the sale and the member (an order refused by PostgreSQL, or released unpaid). */
  async giveBack(sale: string, member: string, qty: number): Promise<void> {
    await this.call('flashGive', sale, member, qty);
  }

  /** Drops a sale's counters: they load again from PostgreSQL on the next request. */
  async forget(sales: string[]): Promise<void> {
    if (sales.length) await this.redis.del(...sales.flatMap((s) => this.keys(s)));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

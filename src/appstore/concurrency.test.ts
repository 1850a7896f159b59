import fc from 'fast-check';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { tempAppStore } from '../../test/support/server.js';
import {
  type AppStore,
  addUser,
  changeOwnPassword,
  createToken,
  dashboards,
  listAudit,
  openAppStore,
  SYSTEM_ACTOR,
  signIn,
  tokenPrincipal,
} from './index.js';

/**
 * Every counter and unique check of the application store under many clients at once, on both stores it
 * runs on: the embedded PGlite and the machine's PostgreSQL server (a database made fresh for the run). A
 * store that cannot be reached fails the run: no quiet skip.
 */
const opened: AppStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
});

async function serverStore(): Promise<AppStore> {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS zhongtai_concurrency_test');
  await admin.query('CREATE DATABASE zhongtai_concurrency_test');
  await admin.end();
  return openAppStore({ url: 'postgres://postgres@127.0.0.1:5432/zhongtai_concurrency_test' });
}

const STORES: [string, () => Promise<AppStore>][] = [
  ['embedded PGlite', tempAppStore],
  ['PostgreSQL server', serverStore],
];

let made = 0;
const fresh = async (store: AppStore, role = 'analyst') => {
  made += 1;
  const username = `c${made}-${process.pid}`;
  const password = `passphrase-${made}-long`;
  const { user } = await addUser(store, { username, role, password });
  return { username, password, id: user.id };
};

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? 'error',
  );

describe.each(STORES)('the application store under concurrency (%s)', (_name, open) => {
  let store: AppStore;
  it('opens', async () => {
    store = await open();
    opened.push(store);
  }, 60_000);

  it('checks at most five passwords of any burst of wrong guesses at one user from one address', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 16 }), fc.boolean(), async (burst, rightOneLast) => {
        const user = await fresh(store);
        const ip = `10.50.${made % 250}.1`;
        const wrong = Array.from({ length: burst }, (_, i) =>
          outcome(signIn(store, user.username, `x${i}`, ip)),
        );
        const answers = await Promise.all(wrong);
        const checked = answers.filter((a) => a === 'UNAUTHORIZED').length;
        expect(checked).toBe(Math.min(burst, 5));
        expect(answers.filter((a) => a === 'TOO_MANY_REQUESTS').length).toBe(Math.max(0, burst - 5));
        const failures = (await listAudit(store, { actor: user.username, action: 'login.failed' }))
          .map((e) => Number(e.detail.failures))
          .sort((a, b) => a - b);
        expect(failures).toEqual(Array.from({ length: checked }, (_, i) => i + 1));
        if (rightOneLast) {
          const right = await outcome(signIn(store, user.username, user.password, ip));
          expect(right).toBe(burst >= 5 ? 'TOO_MANY_REQUESTS' : 'ok');
        }
      }),
      { numRuns: 6 },
    );
  }, 120_000);

  it('checks at most five current passwords of a burst at a password change', async () => {
    const user = await fresh(store);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        outcome(changeOwnPassword(store, user.id, `nope-${i}`, 'next passphrase 1', null)),
      ),
    );
    expect(answers.filter((a) => a === 'FORBIDDEN')).toHaveLength(5);
    expect(answers.filter((a) => a === 'TOO_MANY_REQUESTS')).toHaveLength(7);
  }, 60_000);

  it('gives every edit of a dashboard made at once its own version, and one edit per starting version', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 2, max: 10 }),
        async (blind, racing) => {
          const board = await dashboards.create(store, { name: '并发', tiles: [] }, SYSTEM_ACTOR);
          const saved = await Promise.all(
            Array.from({ length: blind }, (_, i) =>
              dashboards.replace(store, board.id, { name: `b${i}`, tiles: [] }, SYSTEM_ACTOR),
            ),
          );
          expect(saved.map((d) => d.version).sort((a, b) => a - b)).toEqual(
            Array.from({ length: blind }, (_, i) => i + 2),
          );
          const start = blind + 1;
          const answers = await Promise.all(
            Array.from({ length: racing }, (_, i) =>
              outcome(
                dashboards.replace(
                  store,
                  board.id,
                  { name: `r${i}`, tiles: [], version: start },
                  SYSTEM_ACTOR,
                ),
              ),
            ),
          );
          expect(answers.filter((a) => a === 'ok')).toHaveLength(1);
          expect(answers.filter((a) => a === 'CONFLICT')).toHaveLength(racing - 1);
          const versions = await dashboards.versions(store, board.id, SYSTEM_ACTOR);
          expect(versions.map((v) => v.version)).toEqual(
            Array.from({ length: start + 1 }, (_, i) => start + 1 - i),
          );
        },
      ),
      { numRuns: 5 },
    );
  }, 120_000);

  it('serves one token to many requests at once, and stops it for all at once when revoked', async () => {
    const user = await fresh(store);
    const { token } = await createToken(store, { username: user.username, name: 'burst' });
    const seen = await Promise.all(Array.from({ length: 40 }, () => tokenPrincipal(store, token)));
    expect(seen.every((p) => p?.principal.username === user.username)).toBe(true);
    const id = token.split('_')[1];
    await store.query('UPDATE api_token SET revoked_at = now() WHERE id = $1', [id]);
    const after = await Promise.all(Array.from({ length: 40 }, () => tokenPrincipal(store, token)));
    expect(after.every((p) => p === undefined)).toBe(true);
  }, 60_000);
});

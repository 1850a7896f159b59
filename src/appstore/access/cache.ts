import type { AppStore } from '../store.js';
import { accessVersion } from './changes.js';
import { type Principal, principalOf } from './users.js';

/**
 * Principals kept for a few seconds, so a burst of tile queries costs one look-up; any change to users,
 * roles or grants made through this process forgets them all at once, and one made by another process
 * (the CLI beside a running server) shows within `TTL_MS`.
 */
const TTL_MS = 3_000;
const kept = new WeakMap<
  AppStore,
  Map<number, { at: number; version: number; principal: Principal | undefined }>
>();

export async function cachedPrincipal(store: AppStore, userId: number): Promise<Principal | undefined> {
  let byUser = kept.get(store);
  if (!byUser) {
    byUser = new Map();
    kept.set(store, byUser);
  }
  const entry = byUser.get(userId);
  if (entry && entry.version === accessVersion() && Date.now() - entry.at < TTL_MS) return entry.principal;
  const seen = accessVersion();
  const principal = await principalOf(store, userId);
  if (byUser.size > 10_000) byUser.clear();
  byUser.set(userId, { at: Date.now(), version: seen, principal });
  return principal;
}

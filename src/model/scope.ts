/**
 * What part of the chain's data a caller may read (row-level security). Grants name stores by code,
 * regions and formats by their values in the store table, suppliers by code. A store-like grant (store,
 * region, format) limits the stores; a supplier grant limits the products. A scoped caller without any
 * grant sees nothing: access is refused by default, never granted by default.
 */
import type { Grant } from '../contract/index.js';

export { GRANT_KINDS, type Grant, type GrantKind } from '../contract/index.js';

export type DataScope = { all: true } | { all: false; grants: Grant[] };

export const ALL_DATA: DataScope = { all: true };

/** A stable text of a scope, equal for equal grants in any order (cache keys, audit). */
export function scopeKey(scope: DataScope): string {
  if (scope.all) return 'all';
  return JSON.stringify(
    [...scope.grants].map((g) => `${g.kind}:${g.value}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

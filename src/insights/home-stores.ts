/**
 * The condition keeping members of the granted stores, as SQL over a home-store column: every store for null (a
 * caller of the whole chain), none for an empty grant. Store ids are checked to be integers, so the list is safe to
 * write into the SQL — the member analyses', the audiences' and the routes' one way of narrowing to a grant.
 */
export function homeStoreCondition(stores: number[] | null | undefined, column: string): string {
  if (!stores) return 'TRUE';
  if (!stores.length) return 'FALSE';
  if (!stores.every(Number.isInteger)) throw new Error('store ids must be integers');
  return `${column} IN (${stores.join(', ')})`;
}

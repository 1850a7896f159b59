/** A timestamp from the store (a Date from PGlite and pg, text elsewhere) as ISO 8601; null stays null. */
export function iso(value: Date | string): string;
export function iso(value: Date | string | null): string | null;
export function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

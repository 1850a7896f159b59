import type { Label } from './dimensions.js';

/** Edits (insert, delete, replace) between two short texts. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(
        (row[j] as number) + 1,
        (next[j - 1] as number) + 1,
        (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    row = next;
  }
  return row[b.length] as number;
}

/**
 * The catalogue entries a mistyped id most likely meant: an id within a few edits (gross_marign → gross_margin),
 * or one whose Chinese or English name was typed (毛利率, "gross margin"), best first.
 */
export function suggestions(asked: string, entries: readonly { id: string; label: Label }[]): string[] {
  const text = asked.trim().toLowerCase();
  const named = entries.filter(
    (e) => e.label.zh === asked.trim() || e.label.en.toLowerCase() === text.replace(/_/g, ' '),
  );
  if (named.length) return named.map((e) => e.id);
  const near = entries
    .map((e) => ({ id: e.id, d: distance(text, e.id) }))
    .filter((e) => e.d <= Math.max(2, Math.floor(e.id.length / 4)))
    .sort((a, b) => a.d - b.d);
  const contained = entries.filter((e) => text.length >= 3 && (e.id.includes(text) || text.includes(e.id)));
  return [...new Set([...near.map((e) => e.id), ...contained.map((e) => e.id)])].slice(0, 3);
}

import { findDimension, type QueryResult } from '../metrics/index.js';
import { csvLines } from '../model/index.js';

/** Renders a query result for a terminal: labels in the chosen language, numbers grouped and rounded. */
export function formatTable(result: QueryResult, lang: 'zh' | 'en'): string {
  const header = result.columns.map((c) => c.label[lang]);
  const body = result.rows.map((row) =>
    result.columns.map((c) => {
      const value = row[c.id] ?? null;
      if (c.kind === 'dimension')
        return value === null ? '—' : (findDimension(c.id)?.values?.[String(value)]?.[lang] ?? String(value));
      if (typeof value !== 'number') return '—';
      if (c.unit === 'percent') return `${(value * 100).toFixed(2)}%`;
      const digits = c.unit === 'count' && Number.isInteger(value) ? 0 : 2;
      return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    }),
  );
  return textTable(
    header,
    body,
    result.columns.map((c) => c.kind !== 'dimension'),
  );
}

/** Columns padded for a terminal; CJK characters count two cells wide. Right-aligned where `numeric`. */
export function textTable(header: string[], body: string[][], numeric: boolean[] = []): string {
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  const widths = header.map((h, i) => Math.max(width(h), ...body.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - width(cell));
        return numeric[i] ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function formatCsv(result: QueryResult): string {
  const ids = result.columns.map((c) => c.id);
  // Without the last line end: the command prints it with console.log.
  return csvLines([ids, ...result.rows.map((row) => ids.map((id) => row[id] ?? null))], '\n').trimEnd();
}

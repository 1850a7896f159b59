import type { Catalog, QueryResult } from './api';
import { valueLabel } from './explore/chart';
import type { Lang } from './format';

const cell = (v: unknown) => {
  const text = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** An answer as CSV with the column labels people read (UTF-8 with a BOM, so Excel opens Chinese right). */
export function csvOf(result: QueryResult, catalog: Catalog, lang: Lang): string {
  const header = result.columns.map((c) => cell(c.label[lang])).join(',');
  const lines = result.rows.map((row) =>
    result.columns
      .map((c) => cell(c.kind === 'dimension' ? valueLabel(catalog, c.id, row[c.id], lang) : row[c.id]))
      .join(','),
  );
  return `\uFEFF${[header, ...lines].join('\r\n')}\r\n`;
}

export function download(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

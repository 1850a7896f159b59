import { csvLines } from '../../src/model/csv';
import type { Catalog, QueryResult } from './api';
import { valueLabel } from './explore/chart';
import type { Lang } from './format';

/**
 * An answer as CSV with the column labels people read (UTF-8 with a BOM, so Excel opens Chinese right),
 * written by the same cell rule as the server's exports: a name like =HYPERLINK(…) stays text.
 */
export function csvOf(result: QueryResult, catalog: Catalog, lang: Lang): string {
  const header = result.columns.map((c) => c.label[lang]);
  const lines = result.rows.map((row) =>
    result.columns.map((c) =>
      c.kind === 'dimension' ? valueLabel(catalog, c.id, row[c.id], lang) : row[c.id],
    ),
  );
  return `\uFEFF${csvLines([header, ...lines])}`;
}

export function download(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  downloadBlob(name, new Blob([text], { type }));
}

/** The same answer as an Excel workbook: labels in the first row, numbers as numbers. */
export async function xlsxOf(result: QueryResult, catalog: Catalog, lang: Lang): Promise<Blob> {
  // Loaded on first use: most people never export, and the page stays lighter without it.
  const { default: writeExcelFile } = await import('write-excel-file/universal');
  const header = result.columns.map((c) => c.label[lang]);
  const rows = result.rows.map((row) =>
    result.columns.map((c) => {
      const v = row[c.id] ?? null;
      return c.kind === 'dimension' ? valueLabel(catalog, c.id, v, lang) : typeof v === 'number' ? v : null;
    }),
  );
  return writeExcelFile([header, ...rows]).toBlob();
}

export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/**
 * One CSV cell, as every CSV zhongtai writes (CLI, API export, web download) quotes it. Text that a
 * spreadsheet would run as a formula — starting with = + - @, a tab or a carriage return, and not a number —
 * is prefixed with ' (CSV injection: a product named `=HYPERLINK(…)` must open as text). Numbers, negative
 * ones included, stay numbers. Pure, with no imports: the web app bundles it too.
 */
export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Lines of cells as CSV text: CRLF line ends for files (RFC 4180, Excel), `\n` for a terminal's pipes. */
export const csvLines = (lines: readonly (readonly unknown[])[], end: '\r\n' | '\n' = '\r\n'): string =>
  `${lines.map((cells) => cells.map(csvCell).join(',')).join(end)}${end}`;

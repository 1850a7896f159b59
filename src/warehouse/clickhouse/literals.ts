import type { Expr } from '../query-tree.js';

/**
 * The server Debian ships (ClickHouse 18.16) has no server-side query parameters, so values are bound here,
 * the way its JDBC driver does: every value is checked against its type and printed as a literal, strings
 * quoted with each backslash and quote escaped. Nothing else of a user's text ever reaches the SQL.
 */
export function literal(e: Extract<Expr, { kind: 'param' }>): string {
  const { value, type } = e;
  switch (type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new Error('a number parameter must be finite');
      return `toFloat64(${value})`;
    case 'bool':
      return value === true ? '1' : '0';
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value))
        throw new Error('bad date parameter');
      return `toDate('${value}')`;
    case 'timestamp':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$/.test(value))
        throw new Error('bad timestamp parameter');
      return `toDateTime('${value.replace('T', ' ')}')`;
    case 'string':
      return quoteString(String(value));
  }
}

/** A ClickHouse string literal: backslashes and single quotes escaped, control characters as escapes. */
export function quoteString(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\0/g, '\\0');
  return `'${escaped}'`;
}

export const quoteName = (name: string): string => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier ${JSON.stringify(name)}`);
  return `\`${name}\``;
};

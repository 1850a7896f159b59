import type { Cell, Rendered } from '../engine.js';
import type { Expr, Select, Source, TimeGrain } from '../query-tree.js';

/** Prints the query tree as DuckDB SQL with positional `$n` parameters. */
export function renderDuckDb(select: Select): Rendered {
  const params: Cell[] = [];
  const sql = printSelect(select, params);
  return { sql, params };
}

export const quoteIdentifier = (name: string): string => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier ${JSON.stringify(name)}`);
  return `"${name}"`;
};

const TRUNC: Record<Exclude<TimeGrain, 'day'>, string> = {
  hour: 'hour',
  week: 'week',
  month: 'month',
  quarter: 'quarter',
  year: 'year',
};

function printExpr(e: Expr, params: Cell[]): string {
  const p = (x: Expr) => printExpr(x, params);
  switch (e.kind) {
    case 'column':
      return e.table ? `${quoteIdentifier(e.table)}.${quoteIdentifier(e.name)}` : quoteIdentifier(e.name);
    case 'param': {
      params.push(e.value);
      const ref = `$${params.length}`;
      if (e.type === 'date') return `CAST(${ref} AS DATE)`;
      if (e.type === 'timestamp') return `CAST(${ref} AS TIMESTAMP)`;
      if (e.type === 'number') return `CAST(${ref} AS DOUBLE)`;
      return ref;
    }
    case 'number':
      if (!Number.isFinite(e.value)) throw new Error('non-finite literal');
      return String(e.value);
    case 'null':
      return 'NULL';
    case 'agg':
      if (e.fn === 'count' && !e.arg) return 'count(*)';
      if (e.fn === 'count_distinct') return `count(DISTINCT ${p(required(e.arg))})`;
      return `${e.fn}(${p(required(e.arg))})`;
    case 'arg_max':
      return `arg_max(${p(e.value)}, ${p(e.by)})`;
    case 'binary':
      return `(${p(e.left)} ${e.op.toUpperCase()} ${p(e.right)})`;
    case 'divide':
      return `(CAST(${p(e.numerator)} AS DOUBLE) / NULLIF(CAST(${p(e.denominator)} AS DOUBLE), 0))`;
    case 'in':
      if (e.values.length === 0) return e.negate ? 'TRUE' : 'FALSE';
      return `(${p(e.expr)} ${e.negate ? 'NOT IN' : 'IN'} (${e.values.map(p).join(', ')}))`;
    case 'is_null':
      return `(${p(e.expr)} IS ${e.negate ? 'NOT ' : ''}NULL)`;
    case 'contains':
      return `(strpos(lower(CAST(${p(e.expr)} AS VARCHAR)), lower(${p(e.needle)})) > 0)`;
    case 'case':
      return `(CASE WHEN ${p(e.when)} THEN ${p(e.value)} ELSE ${p(e.otherwise)} END)`;
    case 'coalesce':
      return `coalesce(${e.args.map(p).join(', ')})`;
    case 'time_bucket':
      if (e.grain === 'day') return `CAST(${p(e.expr)} AS DATE)`;
      if (e.grain === 'hour') return `date_trunc('hour', ${p(e.expr)})`;
      return `CAST(date_trunc('${TRUNC[e.grain]}', ${p(e.expr)}) AS DATE)`;
    case 'hour_of':
      return `CAST(hour(${p(e.expr)}) AS INTEGER)`;
    case 'date_hour':
      return `(CAST(${p(e.date)} AS TIMESTAMP) + to_hours(CAST(${p(e.hour)} AS BIGINT)))`;
    case 'weekday_of':
      return `CAST(isodow(${p(e.expr)}) AS INTEGER)`;
    case 'hours_between':
      return `(date_diff('second', ${p(e.from)}, ${p(e.to)}) / 3600.0)`;
  }
}

function required(e: Expr | undefined): Expr {
  if (!e) throw new Error('aggregate needs an argument');
  return e;
}

function printSource(s: Source, params: Cell[]): string {
  switch (s.kind) {
    case 'table':
    case 'cte':
      return `${quoteIdentifier(s.name)} AS ${quoteIdentifier(s.alias)}`;
    case 'subquery':
      return `(${printSelect(s.select, params)}) AS ${quoteIdentifier(s.alias)}`;
    case 'union':
      return `(${s.selects.map((sel) => printSelect(sel, params)).join(' UNION ')}) AS ${quoteIdentifier(s.alias)}`;
  }
}

function printSelect(s: Select, params: Cell[]): string {
  const parts: string[] = [];
  if (s.ctes?.length) {
    parts.push(
      `WITH ${s.ctes.map((c) => `${quoteIdentifier(c.name)} AS (${printSelect(c.select, params)})`).join(', ')}`,
    );
  }
  parts.push(
    `SELECT ${s.columns.map((c) => `${printExpr(c.expr, params)} AS ${quoteIdentifier(c.alias)}`).join(', ')}`,
  );
  parts.push(`FROM ${printSource(s.from, params)}`);
  for (const j of s.joins ?? []) {
    parts.push(
      `${j.type === 'left' ? 'LEFT' : 'INNER'} JOIN ${printSource(j.source, params)} ON ${printExpr(j.on, params)}`,
    );
  }
  if (s.where?.length) parts.push(`WHERE ${s.where.map((w) => printExpr(w, params)).join(' AND ')}`);
  if (s.groupBy?.length) parts.push(`GROUP BY ${s.groupBy.map((g) => printExpr(g, params)).join(', ')}`);
  if (s.orderBy?.length) {
    parts.push(
      `ORDER BY ${s.orderBy.map((o) => `${printExpr(o.expr, params)} ${o.desc ? 'DESC' : 'ASC'} NULLS LAST`).join(', ')}`,
    );
  }
  if (s.limit !== undefined) parts.push(`LIMIT ${Math.trunc(s.limit)}`);
  return parts.join(' ');
}

/** A DuckDB string literal, for the few values that cannot be bound (file paths in table functions). */
export function duckDbString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

import type { Rendered } from '../engine.js';
import type { Expr, Join, Select, Source } from '../query-tree.js';
import { literal, quoteName as q } from './literals.js';

/**
 * Prints the query tree for ClickHouse as old as Debian's 18.16: no WITH subqueries (CTEs are inlined), one
 * JOIN per SELECT, and only equalities in a join's condition. A SELECT with joins becomes a chain of nested
 * selects, one join each (`ALL … JOIN … USING`), with every column renamed `alias__name` so the levels never
 * clash; what else a join's condition says (a store version's validity) moves to the WHERE above it. Values
 * are bound as checked literals (see literals.ts): there are no server-side parameters to bind them to.
 */
export function renderClickHouse(select: Select): Rendered {
  return { sql: printSelect(select, new Map()), params: [] };
}

type Ref = (table: string | undefined, name: string) => string;
type Ctes = ReadonlyMap<string, Select>;

const flat = (table: string, name: string) => `${table}__${name}`;
const qualified: Ref = (table, name) => (table ? `${q(table)}.${q(name)}` : q(name));
const flatRef: Ref = (table, name) => q(table ? flat(table, name) : name);

const BUCKET = {
  hour: 'toStartOfHour',
  week: 'toMonday',
  month: 'toStartOfMonth',
  quarter: 'toStartOfQuarter',
  year: 'toStartOfYear',
} as const;

function printExpr(e: Expr, ref: Ref): string {
  const p = (x: Expr) => printExpr(x, ref);
  switch (e.kind) {
    case 'column':
      return ref(e.table, e.name);
    case 'param':
      return literal(e);
    case 'number':
      if (!Number.isFinite(e.value)) throw new Error('non-finite literal');
      return String(e.value);
    case 'null':
      return 'NULL';
    case 'agg':
      if (e.fn === 'count' && !e.arg) return 'count()';
      if (e.fn === 'count_distinct') return `uniqExact(${p(required(e.arg))})`;
      return `${e.fn}(${p(required(e.arg))})`;
    case 'arg_max':
      return `argMax(${p(e.value)}, ${p(e.by)})`;
    case 'binary':
      return `(${p(e.left)} ${e.op.toUpperCase()} ${p(e.right)})`;
    case 'divide':
      return `(toFloat64(${p(e.numerator)}) / nullIf(toFloat64(${p(e.denominator)}), 0))`;
    case 'in':
      if (e.values.length === 0) return e.negate ? '1' : '0';
      return `(${p(e.expr)} ${e.negate ? 'NOT IN' : 'IN'} (${e.values.map(p).join(', ')}))`;
    case 'is_null':
      return `${e.negate ? 'isNotNull' : 'isNull'}(${p(e.expr)})`;
    case 'contains':
      return `(positionCaseInsensitiveUTF8(toString(${p(e.expr)}), ${p(e.needle)}) > 0)`;
    case 'case':
      return `(CASE WHEN ${p(e.when)} THEN ${p(e.value)} ELSE ${p(e.otherwise)} END)`;
    case 'coalesce':
      return `coalesce(${e.args.map(p).join(', ')})`;
    case 'time_bucket':
      if (e.grain === 'day') return `toDate(${p(e.expr)})`;
      if (e.grain === 'hour') return `toStartOfHour(toDateTime(${p(e.expr)}))`;
      return `${BUCKET[e.grain]}(toDate(${p(e.expr)}))`;
    case 'hour_of':
      return `toInt32(toHour(${p(e.expr)}))`;
    case 'date_hour':
      return `(toDateTime(${p(e.date)}) + toInt64(${p(e.hour)}) * 3600)`;
    case 'weekday_of':
      return `toInt32(toDayOfWeek(${p(e.expr)}))`;
    case 'hours_between':
      return `((toUInt32(toDateTime(${p(e.to)})) - toUInt32(toDateTime(${p(e.from)}))) / 3600)`;
  }
}

function required(e: Expr | undefined): Expr {
  if (!e) throw new Error('aggregate needs an argument');
  return e;
}

/** Every (table, column) an expression reads. */
function columnsOf(
  e: Expr | undefined,
  out: [string | undefined, string][] = [],
): [string | undefined, string][] {
  if (!e) return out;
  switch (e.kind) {
    case 'column':
      out.push([e.table, e.name]);
      break;
    case 'agg':
      columnsOf(e.arg, out);
      break;
    case 'arg_max':
      columnsOf(e.value, out);
      columnsOf(e.by, out);
      break;
    case 'binary':
      columnsOf(e.left, out);
      columnsOf(e.right, out);
      break;
    case 'divide':
      columnsOf(e.numerator, out);
      columnsOf(e.denominator, out);
      break;
    case 'in':
      columnsOf(e.expr, out);
      for (const v of e.values) columnsOf(v, out);
      break;
    case 'is_null':
    case 'time_bucket':
    case 'hour_of':
    case 'weekday_of':
      columnsOf(e.expr, out);
      break;
    case 'contains':
      columnsOf(e.expr, out);
      columnsOf(e.needle, out);
      break;
    case 'hours_between':
      columnsOf(e.from, out);
      columnsOf(e.to, out);
      break;
    case 'case':
      columnsOf(e.when, out);
      columnsOf(e.value, out);
      columnsOf(e.otherwise, out);
      break;
    case 'coalesce':
      for (const a of e.args) columnsOf(a, out);
      break;
    case 'date_hour':
      columnsOf(e.date, out);
      columnsOf(e.hour, out);
      break;
    default:
      break;
  }
  return out;
}

const andTerms = (e: Expr): Expr[] =>
  e.kind === 'binary' && e.op === 'and' ? [...andTerms(e.left), ...andTerms(e.right)] : [e];

function sourceSql(s: Source, ctes: Ctes): string {
  switch (s.kind) {
    case 'table':
      return q(s.name);
    case 'cte': {
      const select = ctes.get(s.name);
      if (!select) throw new Error(`no CTE ${s.name}`);
      return `(${printSelect(select, ctes)})`;
    }
    case 'subquery':
      return `(${printSelect(s.select, ctes)})`;
    case 'union':
      // Only UNION ALL here: the distinct rows are taken above it.
      return `(SELECT DISTINCT * FROM (${s.selects.map((x) => printSelect(x, ctes)).join(' UNION ALL ')}))`;
  }
}

function tail(s: Select, ref: Ref): string {
  const parts: string[] = [];
  if (s.groupBy?.length) parts.push(`GROUP BY ${s.groupBy.map((g) => printExpr(g, ref)).join(', ')}`);
  if (s.orderBy?.length)
    parts.push(
      `ORDER BY ${s.orderBy.map((o) => `${printExpr(o.expr, ref)} ${o.desc ? 'DESC' : 'ASC'} NULLS LAST`).join(', ')}`,
    );
  if (s.limit !== undefined) parts.push(`LIMIT ${Math.trunc(s.limit)}`);
  return parts.length ? ` ${parts.join(' ')}` : '';
}

function printSelect(s: Select, outer: Ctes): string {
  const ctes = s.ctes?.length
    ? new Map([...outer, ...s.ctes.map((c) => [c.name, c.select] as const)])
    : outer;
  const columns = (ref: Ref) => s.columns.map((c) => `${printExpr(c.expr, ref)} AS ${q(c.alias)}`).join(', ');
  if (!s.joins?.length) {
    const where = s.where?.length
      ? ` WHERE ${s.where.map((w) => printExpr(w, qualified)).join(' AND ')}`
      : '';
    return `SELECT ${columns(qualified)} FROM ${sourceSql(s.from, ctes)} AS ${q(s.from.alias)}${where}${tail(s, qualified)}`;
  }
  return printJoined(s, ctes, columns);
}

/** A SELECT with joins as nested selects, one join each. */
function printJoined(s: Select, ctes: Ctes, columns: (ref: Ref) => string): string {
  const joins = s.joins as Join[];
  const base = s.from.alias;
  const needed = new Map<string, Set<string>>();
  const expressions = [
    ...s.columns.map((c) => c.expr),
    ...(s.where ?? []),
    ...(s.groupBy ?? []),
    ...(s.orderBy ?? []).map((o) => o.expr),
    ...joins.map((j) => j.on),
  ];
  for (const e of expressions)
    for (const [table, name] of columnsOf(e)) {
      if (!table) continue;
      if (!needed.has(table)) needed.set(table, new Set());
      needed.get(table)?.add(name);
    }
  // The base's own conditions are applied before any join: the engine reads fewer rows.
  const onlyBase = (e: Expr) => columnsOf(e).every(([t]) => t === base);
  const pushed = (s.where ?? []).filter(onlyBase);
  const above: string[] = (s.where ?? []).filter((w) => !onlyBase(w)).map((w) => printExpr(w, flatRef));
  const baseColumns = [...(needed.get(base) ?? [])];
  let names = baseColumns.map((n) => flat(base, n));
  let sql =
    `SELECT ${baseColumns.map((n) => `${qualified(base, n)} AS ${q(flat(base, n))}`).join(', ') || '1 AS `__base`'} ` +
    `FROM ${sourceSql(s.from, ctes)} AS ${q(base)}` +
    (pushed.length ? ` WHERE ${pushed.map((w) => printExpr(w, qualified)).join(' AND ')}` : '');
  if (!baseColumns.length) names = ['__base'];
  const seen = new Set([base]);
  joins.forEach((join, i) => {
    const alias = join.source.alias;
    const keys: { left: Expr; right: string }[] = [];
    const residual: Expr[] = [];
    for (const term of andTerms(join.on)) {
      const pair =
        term.kind === 'binary' && term.op === '='
          ? [
              [term.left, term.right],
              [term.right, term.left],
            ].find(
              ([r, l]) =>
                r?.kind === 'column' &&
                r.table === alias &&
                columnsOf(l).every(([t]) => t !== undefined && seen.has(t)) &&
                columnsOf(l).length > 0,
            )
          : undefined;
      if (pair) keys.push({ left: pair[1] as Expr, right: (pair[0] as { name: string }).name });
      else residual.push(term);
    }
    // Left-hand keys that are expressions (a day computed from a timestamp) become columns first.
    const leftNames = keys.map((k, j) =>
      k.left.kind === 'column' && k.left.table ? flat(k.left.table, k.left.name) : `__k${i}_${j}`,
    );
    const computed = keys
      .map((k, j) =>
        k.left.kind === 'column' && k.left.table
          ? ''
          : `${printExpr(k.left, flatRef)} AS ${q(`__k${i}_${j}`)}`,
      )
      .filter(Boolean);
    if (!keys.length) computed.push(`1 AS ${q(`__one${i}`)}`);
    const using = keys.length ? leftNames : [`__one${i}`];
    if (computed.length) {
      sql = `SELECT ${[...names.map(q), ...computed].join(', ')} FROM (${sql})`;
      names = [...names, ...computed.map((c) => /AS `(\w+)`$/.exec(c)?.[1] as string)];
    }
    const rightColumns = [...(needed.get(alias) ?? [])];
    const marker = `__m${i}`;
    const right = [
      ...keys.map((k, j) => `${q(k.right)} AS ${q(leftNames[j] as string)}`),
      ...(keys.length ? [] : [`1 AS ${q(`__one${i}`)}`]),
      ...rightColumns.map((n) => `${q(n)} AS ${q(flat(alias, n))}`),
      `1 AS ${q(marker)}`,
    ];
    const kind = join.type === 'left' ? 'LEFT' : 'INNER';
    const kept = [...names, ...rightColumns.map((n) => flat(alias, n)), marker];
    sql =
      `SELECT ${kept.map(q).join(', ')} FROM (${sql}) ALL ${kind} JOIN ` +
      `(SELECT ${right.join(', ')} FROM ${sourceSql(join.source, ctes)}) USING (${using.map(q).join(', ')})`;
    names = kept;
    // What the condition says beyond equal keys holds above the join; a left join keeps its unmatched rows.
    for (const r of residual) {
      const printed = printExpr(r, flatRef);
      above.push(join.type === 'left' ? `(${printed} OR isNull(${q(marker)}))` : printed);
    }
    seen.add(alias);
  });
  const where = above.length ? ` WHERE ${above.join(' AND ')}` : '';
  return `SELECT ${columns(flatRef)} FROM (${sql})${where}${tail(s, flatRef)}`;
}

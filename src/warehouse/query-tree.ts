/**
 * A small, engine-neutral query tree. The metric compiler builds it; each dialect prints it. Nothing
 * in it is free SQL text: values travel as parameters and names come from the catalogue.
 */
export type ParamType = 'string' | 'number' | 'date' | 'timestamp' | 'bool';
export type TimeGrain = 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

export type Expr =
  | { kind: 'column'; table?: string; name: string }
  | { kind: 'param'; value: string | number | boolean; type: ParamType }
  | { kind: 'number'; value: number }
  | { kind: 'null' }
  | { kind: 'agg'; fn: 'sum' | 'count' | 'count_distinct' | 'min' | 'max' | 'avg'; arg?: Expr }
  | { kind: 'arg_max'; value: Expr; by: Expr }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'divide'; numerator: Expr; denominator: Expr }
  | { kind: 'in'; expr: Expr; values: Expr[]; negate: boolean }
  | { kind: 'is_null'; expr: Expr; negate: boolean }
  | { kind: 'contains'; expr: Expr; needle: Expr }
  | { kind: 'case'; when: Expr; value: Expr; otherwise: Expr }
  | { kind: 'coalesce'; args: Expr[] }
  | { kind: 'time_bucket'; grain: TimeGrain; expr: Expr }
  | { kind: 'hour_of'; expr: Expr }
  /** The hour starting at `hour` o'clock of `date` (sources that count per hour, without a timestamp). */
  | { kind: 'date_hour'; date: Expr; hour: Expr }
  | { kind: 'weekday_of'; expr: Expr }
  /** Hours from one timestamp to another (a shift's length), fractional. */
  | { kind: 'hours_between'; from: Expr; to: Expr };

export type BinaryOp = '+' | '-' | '*' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

export type Source =
  | { kind: 'table'; name: string; alias: string }
  | { kind: 'subquery'; select: Select; alias: string }
  | { kind: 'cte'; name: string; alias: string }
  | { kind: 'union'; selects: Select[]; alias: string };

export interface Join {
  type: 'left' | 'inner';
  source: Source;
  on: Expr;
}

export interface Select {
  ctes?: { name: string; select: Select }[];
  columns: { expr: Expr; alias: string }[];
  from: Source;
  joins?: Join[];
  where?: Expr[];
  groupBy?: Expr[];
  orderBy?: { expr: Expr; desc: boolean }[];
  limit?: number;
}

export const col = (name: string, table?: string): Expr =>
  table ? { kind: 'column', table, name } : { kind: 'column', name };
export const param = (value: string | number | boolean, type: ParamType): Expr => ({
  kind: 'param',
  value,
  type,
});
export const num = (value: number): Expr => ({ kind: 'number', value });
export const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right });
export const and = (...parts: Expr[]): Expr => parts.reduce((acc, part) => bin('and', acc, part));

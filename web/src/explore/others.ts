import type { QueryBody, QueryResult } from '../api';
import { type Exploration, queryOf, TIME_DIMS } from './state';

/** Bars drawn before the rest become one "others" bar: 500 stores stay legible. */
export const TOP_N = 30;
export const OTHERS = '\u0000others';

/** The values shown one by one, when a bar chart of one dimension has more than TOP_N of them. */
export function topValues(e: Exploration, kind: string, result: QueryResult | null): string[] | null {
  const [dim, split] = e.dimensions;
  if (!result || kind !== 'bar' || !dim || split || TIME_DIMS.includes(dim) || result.rows.length <= TOP_N)
    return null;
  return result.rows.slice(0, TOP_N).map((r) => String(r[dim] ?? ''));
}

/**
 * The question for "others": every value but the top ones, as one row. Asked of the API, so a ratio (a
 * margin, a conversion rate) of the others comes from their summed parts, not from adding rows up.
 */
export function othersQuery(e: Exploration, top: string[]): QueryBody {
  const base = queryOf(e);
  const dim = e.dimensions[0] as string;
  return {
    ...base,
    dimensions: [],
    filters: [...(base.filters ?? []), { dimension: dim, op: 'not_in', values: top }],
    limit: 1,
  };
}

/** The top rows and one row for the rest, in the shape of the answer. */
export function withOthers(
  result: QueryResult,
  e: Exploration,
  others: QueryResult,
  top: string[],
): QueryResult {
  const dim = e.dimensions[0] as string;
  const kept = result.rows.filter((r) => top.includes(String(r[dim] ?? '')));
  const rest = others.rows[0];
  return { ...result, rows: rest ? [...kept, { ...rest, [dim]: OTHERS }] : kept };
}

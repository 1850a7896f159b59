import { addDays, daysBetween, isoDate, mondayOf, parseIsoDate, ZhongtaiError } from '../../model/index.js';
import type { TimeGrain } from '../../warehouse/index.js';
import type { Query, TimeRange } from '../query.js';

export { addDays, daysBetween } from '../../model/index.js';

export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return isoDate(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d, lastDay)));
}

/** The start of the bucket of `grain` holding `date` (ISO weeks start on Monday). */
export function truncate(grain: TimeGrain, date: string): string {
  const day = date.slice(0, 10);
  const [y, m] = day.split('-').map(Number) as [number, number];
  switch (grain) {
    case 'hour':
      return date;
    case 'day':
      return day;
    case 'week':
      return mondayOf(day);
    case 'month':
      return `${day.slice(0, 7)}-01`;
    case 'quarter':
      return `${y}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
    case 'year':
      return `${y}-01-01`;
  }
}

export function checkRange(range: TimeRange, field = 'timeRange'): void {
  if (range.from > range.to) {
    throw new ZhongtaiError(
      'BAD_TIME_RANGE',
      {
        en: `Time range is reversed: from ${range.from} is after to ${range.to}`,
        zh: `时间范围颠倒：开始 ${range.from} 晚于结束 ${range.to}`,
      },
      { field },
    );
  }
}

/** The comparison period, and how to move one of its dates onto the matching current date. */
export interface Comparison {
  range: TimeRange;
  forward: (date: string) => string;
}

export function comparisonFor(compare: NonNullable<Query['compare']>, range: TimeRange): Comparison {
  if (typeof compare === 'object') {
    checkRange(compare, 'compare');
    const offset = daysBetween(compare.from, range.from);
    return { range: compare, forward: (d) => addDays(d, offset) };
  }
  switch (compare) {
    case 'yoy':
      return {
        range: { from: addMonths(range.from, -12), to: addMonths(range.to, -12) },
        forward: (d) => addMonths(d, 12),
      };
    case 'mom':
      return {
        range: { from: addMonths(range.from, -1), to: addMonths(range.to, -1) },
        forward: (d) => addMonths(d, 1),
      };
    case 'wow':
      return {
        range: { from: addDays(range.from, -7), to: addDays(range.to, -7) },
        forward: (d) => addDays(d, 7),
      };
    case 'yoy_weekday':
      // 52 weeks back: the same weekday last year, so a Saturday is compared with a Saturday.
      return {
        range: { from: addDays(range.from, -364), to: addDays(range.to, -364) },
        forward: (d) => addDays(d, 364),
      };
    case 'previous': {
      const length = daysBetween(range.from, range.to) + 1;
      return {
        range: { from: addDays(range.from, -length), to: addDays(range.from, -1) },
        forward: (d) => addDays(d, length),
      };
    }
  }
}

/** Moves a bucket key of the comparison period onto the current period's bucket key. */
export function forwardKey(grain: TimeGrain, key: string, comparison: Comparison): string {
  if (grain === 'hour') return `${comparison.forward(key.slice(0, 10))}${key.slice(10)}`;
  return truncate(grain, comparison.forward(key));
}

import { lastMonth, lastWeek, ZhongtaiError } from '../model/index.js';
import { addDays } from './compiler/time.js';
import type { TimeRange } from './query.js';

/**
 * Named periods, counted back from the newest day with data (not from today: a chain loaded last week
 * still has a "last 30 days"). The same presets the web app offers.
 */
export const PERIODS = {
  last1: { zh: '最新一天', en: 'the newest day' },
  last7: { zh: '近7天', en: 'last 7 days' },
  last14: { zh: '近14天', en: 'last 14 days' },
  last30: { zh: '近30天', en: 'last 30 days' },
  last90: { zh: '近90天', en: 'last 90 days' },
  last365: { zh: '近一年', en: 'last 365 days' },
  last_week: { zh: '上周（周一至周日）', en: 'last whole week, Monday to Sunday' },
  last_month: { zh: '上月', en: 'last whole calendar month' },
  mtd: { zh: '本月至今', en: 'month to date' },
  ytd: { zh: '今年至今', en: 'year to date' },
  all: { zh: '全部数据', en: 'all data' },
} as const;
export type PeriodName = keyof typeof PERIODS;

export function periodRange(name: string, data: TimeRange): TimeRange {
  const end = data.to;
  const lastDays = (n: number) => ({ from: maxDate(addDays(end, 1 - n), data.from), to: end });
  switch (name) {
    case 'last1':
      return lastDays(1);
    case 'last7':
      return lastDays(7);
    case 'last14':
      return lastDays(14);
    case 'last30':
      return lastDays(30);
    case 'last90':
      return lastDays(90);
    case 'last365':
      return lastDays(365);
    case 'last_week':
      return lastWeek(end);
    case 'last_month':
      return lastMonth(end);
    case 'mtd':
      return { from: `${end.slice(0, 7)}-01`, to: end };
    case 'ytd':
      return { from: `${end.slice(0, 4)}-01-01`, to: end };
    case 'all':
      return data;
    default:
      throw new ZhongtaiError(
        'BAD_TIME_RANGE',
        {
          en: `Unknown period "${name}"; use one of ${Object.keys(PERIODS).join(', ')}`,
          zh: `未知周期「${name}」；可用：${Object.keys(PERIODS).join('、')}`,
        },
        { field: 'period' },
      );
  }
}

const maxDate = (a: string, b: string) => (a > b ? a : b);

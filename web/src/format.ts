import type { Cell } from './api';

export type Lang = 'zh' | 'en';

/** Numbers as Chinese readers expect them (万/亿) or in English (K/M/B). */
export function formatNumber(value: Cell, unit: string | undefined, lang: Lang): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  if (unit === 'percent') return `${(value * 100).toFixed(1)}%`;
  if (unit === 'pp')
    return `${value > 0 ? '+' : ''}${value.toFixed(1)}${lang === 'zh' ? ' 个百分点' : ' pp'}`;
  // Chinese finance writes the sign before the currency: -¥37.5万, not ¥-37.5万.
  if (unit === 'CNY' && value < 0) return `-${formatNumber(-value, unit, lang)}`;
  const abs = Math.abs(value);
  let text: string;
  if (lang === 'zh') {
    if (abs >= 1e8) text = `${(value / 1e8).toFixed(2)}亿`;
    else if (abs >= 1e4) text = `${(value / 1e4).toFixed(abs >= 1e6 ? 0 : 1)}万`;
    else text = value.toLocaleString('zh-CN', smallDigits(abs, unit));
  } else {
    if (abs >= 1e9) text = `${(value / 1e9).toFixed(2)}B`;
    else if (abs >= 1e6) text = `${(value / 1e6).toFixed(2)}M`;
    else if (abs >= 1e4) text = `${(value / 1e3).toFixed(1)}K`;
    else text = value.toLocaleString('en-US', smallDigits(abs, unit));
  }
  return unit === 'CNY' ? `¥${text}` : text;
}

/** Money under 1万 always with its fen (¥298.00 beside ¥50.72, one column one way); counts as they are. */
const smallDigits = (abs: number, unit: string | undefined) =>
  unit === 'CNY'
    ? { minimumFractionDigits: 2, maximumFractionDigits: 2 }
    : { maximumFractionDigits: abs < 100 ? 2 : 0 };

/**
 * Tick labels of one axis in one scale and one number of decimals (万 throughout, not "8,000" beside
 * "1.0万"), chosen from the largest value the axis shows.
 */
export function axisFormatter(largest: number, unit: string | undefined, lang: Lang): (v: number) => string {
  const top = Math.abs(largest);
  if (unit === 'percent') {
    const digits = top < 0.1 ? 1 : 0;
    return (v) => `${(v * 100).toFixed(digits)}%`;
  }
  const scales =
    lang === 'zh'
      ? [
          [1e8, '亿'],
          [1e4, '万'],
        ]
      : [
          [1e9, 'B'],
          [1e6, 'M'],
          [1e3, 'K'],
        ];
  const [size, suffix] = (scales.find(([s]) => top >= (s as number)) ?? [1, '']) as [number, string];
  // Two significant digits at the top of the axis: 0.5万 … 1.5万, 20万 … 120万.
  const digits = top / size < 10 ? 1 : 0;
  return (v) => (v === 0 ? '0' : `${(v / size).toFixed(size === 1 && top >= 10 ? 0 : digits)}${suffix}`);
}

const CHANGE_NAMES: Record<string, Record<Lang, string>> = {
  yoy: { zh: '同比', en: 'YoY' },
  yoy_weekday: { zh: '同比', en: 'YoY' },
  mom: { zh: '环比', en: 'MoM' },
  wow: { zh: '周环比', en: 'WoW' },
  previous: { zh: '环比', en: 'vs previous' },
  custom: { zh: '对比', en: 'vs' },
};

/** A ratio's change in percentage points, named by what it compares with: 同比 -6.4 个百分点. */
export function formatPointChange(points: Cell, lang: Lang, compare = 'yoy'): string {
  const name = (CHANGE_NAMES[compare] ?? CHANGE_NAMES.custom)?.[lang] ?? '';
  if (typeof points !== 'number' || !Number.isFinite(points)) return `${name} —`;
  return `${name} ${formatNumber(points, 'pp', lang)}`;
}

/** The comparison period's coverage, when some of its days hold no data: 去年同期仅 12/31 天有数据. */
export function coverageNote(
  coverage: { days: number; daysWithData: number; partial: boolean } | undefined,
  lang: Lang,
  compare = 'yoy',
): string | null {
  if (!coverage?.partial) return null;
  const period = (COVERAGE_NAMES[compare] ?? COVERAGE_NAMES.custom)?.[lang] ?? '';
  return lang === 'zh'
    ? `${period}仅 ${coverage.daysWithData}/${coverage.days} 天有数据`
    : `${period} has data on only ${coverage.daysWithData} of ${coverage.days} days`;
}

const COVERAGE_NAMES: Record<string, Record<Lang, string>> = {
  current: { zh: '所选期间', en: 'The period' },
  yoy: { zh: '去年同期', en: 'Last year' },
  yoy_weekday: { zh: '去年同期', en: 'Last year' },
  mom: { zh: '上月同期', en: 'Last month' },
  wow: { zh: '上周同期', en: 'Last week' },
  previous: { zh: '上一期', en: 'The previous period' },
  custom: { zh: '对比期', en: 'The comparison period' },
};

/**
 * A moment as one format everywhere in the app — 2026-11-30 18:05, in the reader's own time — like the
 * dates (2026-11-30) beside it.
 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A % change named by what it compares with (同比, 环比, 周环比 …). */
export function formatChange(pct: Cell, lang: Lang, compare = 'yoy'): string {
  const name = (CHANGE_NAMES[compare] ?? CHANGE_NAMES.custom)?.[lang] ?? '';
  if (typeof pct !== 'number' || !Number.isFinite(pct)) return `${name} —`;
  const sign = pct > 0 ? '+' : '';
  return `${name} ${sign}${(pct * 100).toFixed(1)}%`;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

import type { Cell } from './api';

export type Lang = 'zh' | 'en';

/** Numbers as Chinese readers expect them (万/亿) or in English (K/M/B). */
export function formatNumber(value: Cell, unit: string | undefined, lang: Lang): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  if (unit === 'percent') return `${(value * 100).toFixed(1)}%`;
  const abs = Math.abs(value);
  let text: string;
  if (lang === 'zh') {
    if (abs >= 1e8) text = `${(value / 1e8).toFixed(2)}亿`;
    else if (abs >= 1e4) text = `${(value / 1e4).toFixed(abs >= 1e6 ? 0 : 1)}万`;
    else text = value.toLocaleString('zh-CN', { maximumFractionDigits: abs < 100 ? 2 : 0 });
  } else {
    if (abs >= 1e9) text = `${(value / 1e9).toFixed(2)}B`;
    else if (abs >= 1e6) text = `${(value / 1e6).toFixed(2)}M`;
    else if (abs >= 1e4) text = `${(value / 1e3).toFixed(1)}K`;
    else text = value.toLocaleString('en-US', { maximumFractionDigits: abs < 100 ? 2 : 0 });
  }
  return unit === 'CNY' ? `¥${text}` : text;
}

export function formatChange(pct: Cell, lang: Lang): string {
  if (typeof pct !== 'number' || !Number.isFinite(pct)) return lang === 'zh' ? '同比 —' : 'YoY —';
  const sign = pct > 0 ? '+' : '';
  return `${lang === 'zh' ? '同比' : 'YoY'} ${sign}${(pct * 100).toFixed(1)}%`;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

import { describe, expect, it } from 'vitest';
import { addDays, axisFormatter, formatChange, formatNumber } from './format';

describe('numbers as Chinese and English readers expect them', () => {
  it('counts in 万 and 亿 for zh-CN, K/M/B for English, CNY with ¥, percentages with one decimal', () => {
    expect(formatNumber(1_234_567, 'CNY', 'zh')).toBe('¥123万');
    expect(formatNumber(45_678, 'CNY', 'zh')).toBe('¥4.6万');
    expect(formatNumber(2.5e8, undefined, 'zh')).toBe('2.50亿');
    expect(formatNumber(1_234_567, 'CNY', 'en')).toBe('¥1.23M');
    expect(formatNumber(45_678, undefined, 'en')).toBe('45.7K');
    expect(formatNumber(3.2e9, undefined, 'en')).toBe('3.20B');
    expect(formatNumber(0.2987, 'percent', 'zh')).toBe('29.9%');
    expect(formatNumber(12.345, 'CNY', 'zh')).toBe('¥12.35');
  });

  it('writes money under 1万 with its fen, so a column reads one way', () => {
    expect(formatNumber(298, 'CNY', 'zh')).toBe('¥298.00');
    expect(formatNumber(50.72, 'CNY', 'zh')).toBe('¥50.72');
    expect(formatNumber(8000, 'CNY', 'en')).toBe('¥8,000.00');
    expect(formatNumber(298, 'count', 'zh')).toBe('298');
  });

  it('labels one axis in one scale and one number of decimals', () => {
    const zh = axisFormatter(12_000, undefined, 'zh');
    expect([0, 4000, 8000, 12_000].map(zh)).toEqual(['0', '0.4万', '0.8万', '1.2万']);
    const big = axisFormatter(1_200_000, 'CNY', 'zh');
    expect([300_000, 900_000, 1_200_000].map(big)).toEqual(['30万', '90万', '120万']);
    expect([0.05, 0.3].map(axisFormatter(0.3, 'percent', 'zh'))).toEqual(['5%', '30%']);
    expect([2.5, 7.5].map(axisFormatter(8, undefined, 'en'))).toEqual(['2.5', '7.5']);
  });

  it('shows a missing number as a dash, never NaN', () => {
    expect(formatNumber(null, 'CNY', 'zh')).toBe('—');
    expect(formatNumber(Number.NaN, undefined, 'en')).toBe('—');
  });

  it('signs changes and names them 同比 / YoY', () => {
    expect(formatChange(0.178, 'zh')).toBe('同比 +17.8%');
    expect(formatChange(-0.05, 'en')).toBe('YoY -5.0%');
    expect(formatChange(null, 'zh')).toBe('同比 —');
    expect(formatChange(0.05, 'zh', 'mom')).toBe('环比 +5.0%');
    expect(formatChange(0.05, 'en', 'wow')).toBe('WoW +5.0%');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });
});

describe('上周 and 上月', () => {
  it('are the last whole week and month before the newest data', async () => {
    const { lastMonth, lastWeek } = await import('./explore/state');
    // 2026-11-15 is a Sunday: its week began on Monday the 9th, so 上周 is 2–8 November.
    expect(lastWeek('2026-11-15')).toEqual({ from: '2026-11-02', to: '2026-11-08' });
    expect(lastWeek('2026-11-16')).toEqual({ from: '2026-11-09', to: '2026-11-15' });
    expect(lastMonth('2026-11-15')).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(lastMonth('2026-03-01')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
  });
});

describe('changes and signs as Chinese finance writes them', () => {
  it('puts the sign before the currency, and writes a ratio change in 个百分点 / pp', () => {
    expect(formatNumber(-375_000, 'CNY', 'zh')).toBe('-¥37.5万');
    expect(formatNumber(-37.5, 'CNY', 'en')).toBe('-¥37.50');
    expect(formatNumber(-6.4, 'pp', 'zh')).toBe('-6.4 个百分点');
    expect(formatNumber(1.25, 'pp', 'en')).toBe('+1.3 pp');
  });
});

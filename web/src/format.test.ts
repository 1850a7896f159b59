import { describe, expect, it } from 'vitest';
import { addDays, formatChange, formatNumber } from './format';

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

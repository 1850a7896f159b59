import type { Cohort, FunnelMonth } from '../api';
import type { Lang } from '../format';

/** 12.3% (or — where there is nothing to divide). */
export const percent = (share: number | null | undefined, digits = 1): string =>
  share === null || share === undefined || !Number.isFinite(share)
    ? '—'
    : `${(100 * share).toFixed(digits)}%`;

/** ¥1,234.56, with a sign when asked (a lift); — for nothing. */
export function yuan(value: number | null | undefined, signed = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const sign = value < 0 ? '−' : signed && value > 0 ? '+' : '';
  return `${sign}¥${Math.abs(value).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Members at each stage by month end (bars) and the upgrade rates (lines, right axis). */
export function funnelChart(months: FunnelMonth[], lang: Lang) {
  const zh = lang === 'zh';
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 64, right: 56, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: months.map((m) => m.month) },
    yAxis: [
      { type: 'value', name: zh ? '人数' : 'members' },
      {
        type: 'value',
        name: zh ? '转化率' : 'rate',
        axisLabel: { formatter: (v: number) => `${(100 * v).toFixed(1)}%` },
      },
    ],
    series: [
      {
        type: 'bar',
        name: zh ? '注册' : 'Registered',
        data: months.map((m) => m.registered - m.wallet),
        stack: 'stage',
      },
      {
        type: 'bar',
        name: zh ? '储值' : 'Wallet',
        data: months.map((m) => m.wallet - m.paid),
        stack: 'stage',
      },
      { type: 'bar', name: zh ? '付费' : 'Paid', data: months.map((m) => m.paid), stack: 'stage' },
      {
        type: 'line',
        name: zh ? '储值转化率' : 'Wallet rate',
        yAxisIndex: 1,
        data: months.map((m) => m.walletRate),
      },
      {
        type: 'line',
        name: zh ? '付费转化率' : 'Paid rate',
        yAxisIndex: 1,
        data: months.map((m) => m.paidRate),
      },
    ],
  };
}

/** Cohorts down, months since up to 12 across; colour = retention, tooltip with spend per member. */
export function cohortHeatmap(cohorts: Cohort[], lang: Lang) {
  const zh = lang === 'zh';
  const width = Math.min(13, Math.max(...cohorts.map((c) => c.active.length)));
  const cells: [number, number, number, number, number][] = [];
  cohorts.forEach((c, row) => {
    for (let k = 0; k < Math.min(width, c.active.length); k++)
      cells.push([
        k,
        row,
        c.members ? (c.active[k] ?? 0) / c.members : 0,
        c.active[k] ?? 0,
        c.members ? (c.spend[k] ?? 0) / c.members : 0,
      ]);
  });
  return {
    tooltip: {
      formatter: (p: { data: [number, number, number, number, number] }) => {
        const [k, row, share, active, spend] = p.data;
        const c = cohorts[row] as Cohort;
        return zh
          ? `${c.month} 同期群（${c.members} 人）<br/>第 ${k} 月：${active} 人消费，留存 ${(100 * share).toFixed(1)}%<br/>人均消费 ¥${spend.toFixed(2)}`
          : `${c.month} cohort (${c.members})<br/>Month ${k}: ${active} bought, ${(100 * share).toFixed(1)}% retained<br/>¥${spend.toFixed(2)} per member`;
      },
    },
    grid: { left: 72, right: 24, top: 16, bottom: 64 },
    xAxis: {
      type: 'category',
      data: Array.from({ length: width }, (_, k) => `M${k}`),
      splitArea: { show: true },
    },
    yAxis: { type: 'category', data: cohorts.map((c) => c.month), inverse: true, splitArea: { show: true } },
    visualMap: {
      min: 0,
      max: 1,
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      formatter: (v: number) => `${Math.round(100 * v)}%`,
      inRange: { color: ['#f7fbff', '#6baed6', '#08306b'] },
    },
    series: [
      {
        type: 'heatmap',
        data: cells,
        label: {
          show: width <= 13,
          formatter: (p: { data: number[] }) => `${Math.round(100 * (p.data[2] ?? 0))}`,
        },
      },
    ],
  };
}

/** Members by expected value, in twenty bins up to the 98th percentile (the few above in the last). */
export function histogram(values: number[], lang: Lang) {
  const sorted = [...values].sort((a, b) => a - b);
  const top = sorted[Math.floor(0.98 * (sorted.length - 1))] ?? 0;
  const bins = 20;
  const width = Math.max(1, Math.ceil(top / bins));
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(v / width)));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 56, right: 16, top: 16, bottom: 40 },
    xAxis: {
      type: 'category',
      name: lang === 'zh' ? '预期消费 ¥' : 'expected ¥',
      nameLocation: 'middle',
      nameGap: 26,
      data: counts.map((_, i) => (i === bins - 1 ? `≥${i * width}` : `${i * width}`)),
    },
    yAxis: { type: 'value', name: lang === 'zh' ? '会员数' : 'members' },
    series: [{ type: 'bar', name: lang === 'zh' ? '会员数' : 'Members', data: counts, barCategoryGap: '5%' }],
  };
}

import type {
  Attribution,
  CompareMode,
  Contribution,
  Filter,
  Part,
  TimeRange,
} from '../../contract/index.js';

import { findDimension, findMetric, METRICS, type MetricDef, runQuery } from '../../metrics/index.js';
import type { DataScope } from '../../model/index.js';
import type { Engine, Row } from '../../warehouse/index.js';

/**
 * Why a KPI moved (归因): its change between two periods split over the members of a few dimensions, largest
 * first, and for a ratio whether its numerator or its denominator moved. The parts add up to the change exactly:
 * an amount's members by their own differences; a ratio's by each member's gap from the old ratio,
 * (N₁ᶜ − r₀·D₁ᶜ)/D₁ − (N₀ᶜ − r₀·D₀ᶜ)/D₀, whose sum over the members is r₁ − r₀ (so a category that sells more at a
 * margin below the store's lowers the margin, and says so, even when its own margin held). Every figure is read
 * with the caller's grants.
 */
export interface AttributionRequest {
  metric: string;
  filters?: Filter[];
  period: TimeRange;
  /** The period compared with: a comparison mode or its own days. */
  baseline: CompareMode | TimeRange;
  /** Candidate dimensions; the ones the metric cannot be cut by, or that hold one member here, are passed over. */
  dimensions?: string[];
  scope?: DataScope;
  /** Members kept per dimension. */
  top?: number;
}

export const DEFAULT_ATTRIBUTION_DIMENSIONS = ['region', 'store', 'category_l1', 'channel'];

interface RatioParts {
  /** The denominator's catalogue metric (every ratio the scan and alerts read has one). */
  denominator: MetricDef;
  /** The numerator's, when the catalogue has it; else the numerator is read as ratio × denominator. */
  numerator: MetricDef | undefined;
  /** The numerator's measure, named when no metric is (转化率's in-store orders). */
  numeratorMeasure: string | undefined;
  scale: number;
}

/** Names of numerators the catalogue keeps as measures only. */
const MEASURE_LABELS: Record<string, { zh: string; en: string }> = {
  instore_orders: { zh: '门店订单量', en: 'In-store orders' },
};

function ratioParts(metric: MetricDef): RatioParts | undefined {
  const f = metric.formula;
  if (!('ratio' in f)) return undefined;
  const [num, den] = f.ratio;
  const plain = (part: typeof num) =>
    'measure' in part
      ? METRICS.find((m) => 'measure' in m.formula && m.formula.measure === part.measure && !m.special)
      : undefined;
  const denominator = plain(den);
  return denominator
    ? {
        denominator,
        numerator: plain(num),
        numeratorMeasure: 'measure' in num ? num.measure : undefined,
        scale: f.scale ?? 1,
      }
    : undefined;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export async function attribute(engine: Engine, request: AttributionRequest): Promise<Attribution> {
  const metric = findMetric(request.metric);
  if (!metric) throw new Error(`no metric ${request.metric}`);
  const parts = ratioParts(metric);
  const additive = 'measure' in metric.formula && !metric.special;
  const metrics = [metric.id, ...(parts ? [parts.denominator.id] : [])];
  if (parts?.numerator) metrics.push(parts.numerator.id);
  const ask = (dimensions: string[]) =>
    runQuery(
      engine,
      {
        metrics,
        dimensions,
        filters: request.filters ?? [],
        timeRange: request.period,
        compare: request.baseline,
        limit: 500,
      },
      { scope: request.scope },
    );
  const total = await ask([]);
  const row = total.rows[0] ?? {};
  const value = num(row[metric.id]);
  const baseline = num(row[`${metric.id}_prev`]);
  const change = value !== null && baseline !== null ? value - baseline : null;
  const numeratorOf = (r: Row, prev: boolean): number | null => {
    if (!parts) return null;
    const suffix = prev ? '_prev' : '';
    if (parts.numerator) return num(r[`${parts.numerator.id}${suffix}`]);
    const ratio = num(r[`${metric.id}${suffix}`]);
    const den = num(r[`${parts.denominator.id}${suffix}`]);
    return den === null ? null : den === 0 ? 0 : ratio === null ? null : (ratio * den) / parts.scale;
  };
  const denominatorOf = (r: Row, prev: boolean) =>
    parts ? num(r[`${parts.denominator.id}${prev ? '_prev' : ''}`]) : null;

  let ratio: Attribution['ratio'];
  if (parts) {
    const part = (id: string, v: number | null, b: number | null): Part => ({
      metric: id,
      value: v,
      baseline: b,
      change: v !== null && b !== null && b !== 0 ? (v - b) / Math.abs(b) : null,
    });
    const numerator = part(
      parts.numerator?.id ?? parts.numeratorMeasure ?? `${metric.id}_numerator`,
      numeratorOf(row, false),
      numeratorOf(row, true),
    );
    const denominator = part(parts.denominator.id, denominatorOf(row, false), denominatorOf(row, true));
    const n = Math.abs(numerator.change ?? 0);
    const d = Math.abs(denominator.change ?? 0);
    ratio = {
      numerator,
      denominator,
      moved: n > 2 * d ? 'numerator' : d > 2 * n ? 'denominator' : 'both',
    };
  }

  const filtered = new Set((request.filters ?? []).filter((f) => f.op === 'eq').map((f) => f.dimension));
  const dimensions: Attribution['dimensions'] = [];
  if (change !== null && (additive || parts)) {
    const D1 = denominatorOf(row, false) ?? 0;
    const D0 = denominatorOf(row, true) ?? 0;
    const r0 = baseline ?? 0;
    for (const dimension of request.dimensions ?? DEFAULT_ATTRIBUTION_DIMENSIONS) {
      if (filtered.has(dimension) || !findDimension(dimension)) continue;
      // A dimension the metric cannot be cut by (visitors have no category) is passed over, not an error.
      const answer = await ask([dimension]).catch(() => null);
      if (!answer || answer.rows.length < 2) continue;
      const contributors = answer.rows.map((r): Contribution => {
        let contribution: number;
        if (additive) contribution = (num(r[metric.id]) ?? 0) - (num(r[`${metric.id}_prev`]) ?? 0);
        else {
          const scale = parts?.scale ?? 1;
          const share = (n: number | null, d: number | null, total: number) =>
            total > 0 ? ((n ?? 0) * scale - r0 * (d ?? 0)) / total : 0;
          contribution =
            share(numeratorOf(r, false), denominatorOf(r, false), D1) -
            share(numeratorOf(r, true), denominatorOf(r, true), D0);
        }
        return {
          member: String(r[dimension] ?? '—'),
          value: num(r[metric.id]),
          baseline: num(r[`${metric.id}_prev`]),
          contribution,
          share: change !== 0 ? contribution / change : null,
        };
      });
      contributors.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
      dimensions.push({ dimension, contributors: contributors.slice(0, request.top ?? 5) });
    }
    const lead = (d: (typeof dimensions)[number]) => Math.abs(d.contributors[0]?.share ?? 0);
    dimensions.sort((a, b) => lead(b) - lead(a));
  }
  return {
    metric: metric.id,
    period: request.period,
    baselinePeriod: total.meta.compareRange ?? null,
    value,
    baseline,
    change,
    ...(ratio ? { ratio } : {}),
    dimensions,
    summary: summarise(metric, value, baseline, change, ratio, dimensions),
  };
}

function summarise(
  metric: MetricDef,
  value: number | null,
  baseline: number | null,
  change: number | null,
  ratio: Attribution['ratio'],
  dimensions: Attribution['dimensions'],
): { zh: string; en: string } {
  if (change === null || value === null || baseline === null)
    return { zh: '对比期无数据，无法归因', en: 'No data in the compared period to explain the change' };
  const zh: string[] = [];
  const en: string[] = [];
  zh.push(`${metric.label.zh}${formatChange(metric, change, baseline, 'zh')}`);
  en.push(`${metric.label.en}${formatChange(metric, change, baseline, 'en')}`);
  if (ratio) {
    const label = (id: string) =>
      findMetric(id)?.label ?? MEASURE_LABELS[id] ?? { zh: '分子', en: 'numerator' };
    const pct = (p: Part) =>
      p.change === null ? '—' : `${p.change >= 0 ? '+' : '−'}${Math.abs(p.change * 100).toFixed(1)}%`;
    const n = label(ratio.numerator.metric);
    const d = label(ratio.denominator.metric);
    const carried = { numerator: n, denominator: d, both: { zh: '分子与分母', en: 'both' } }[ratio.moved];
    zh.push(
      `${n.zh} ${pct(ratio.numerator)}，${d.zh} ${pct(ratio.denominator)}：主要由${carried.zh}变动引起`,
    );
    en.push(`${n.en} ${pct(ratio.numerator)}, ${d.en} ${pct(ratio.denominator)}: carried by ${carried.en}`);
  }
  const best = dimensions[0];
  const top = best?.contributors[0];
  if (best && top) {
    const dim = findDimension(best.dimension)?.label ?? { zh: best.dimension, en: best.dimension };
    const share = top.share === null ? '' : `（占 ${(top.share * 100).toFixed(0)}%）`;
    const shareEn = top.share === null ? '' : ` (${(top.share * 100).toFixed(0)}% of it)`;
    zh.push(`按${dim.zh}：${top.member}${formatChange(metric, top.contribution, null, 'zh')}${share}`);
    en.push(`by ${dim.en}: ${top.member}${formatChange(metric, top.contribution, null, 'en')}${shareEn}`);
  }
  return { zh: zh.join('；'), en: en.join('; ') };
}

function formatChange(metric: MetricDef, change: number, baseline: number | null, lang: 'zh' | 'en'): string {
  const sign = change >= 0 ? '+' : '−';
  const abs = Math.abs(change);
  if (metric.unit === 'percent')
    return ` ${sign}${(abs * 100).toFixed(1)}${lang === 'zh' ? ' 个百分点' : ' pp'}`;
  const amount = metric.unit === 'CNY' ? `¥${abs.toFixed(2)}` : `${Math.round(abs * 100) / 100}`;
  const pct = baseline ? `${sign}${((abs / Math.abs(baseline)) * 100).toFixed(1)}%` : '';
  return ` ${sign}${amount}${pct ? (lang === 'zh' ? `（${pct}）` : ` (${pct})`) : ''}`;
}

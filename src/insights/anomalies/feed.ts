import type { AnomalyDay, Attribution, Insight } from '../../contract/index.js';
import { addDays } from '../../metrics/index.js';
import type { DataScope } from '../../model/index.js';
import type { Engine } from '../../warehouse/index.js';
import { attribute } from '../attribution/index.js';

/**
 * The insights feed (智能洞察): the scan's flagged days gathered per store into episodes (a store's run of days with
 * something out of range, a day apart at most), each led by the KPI whose gap cost most, largest money first, and
 * the leading ones explained — by category and channel, against the same weekday a week before.
 */
export function episodes(found: AnomalyDay[]): Insight[] {
  const byStore = new Map<string, AnomalyDay[]>();
  for (const day of found) byStore.set(day.storeCode, [...(byStore.get(day.storeCode) ?? []), day]);
  const out: Insight[] = [];
  for (const days of byStore.values()) {
    const dates = [...new Set(days.map((d) => d.date))].sort();
    let run: string[] = [];
    const close = () => {
      if (!run.length) return;
      const inRun = days.filter((d) => run.includes(d.date)).sort((a, b) => b.impact - a.impact);
      const lead = inRun[0] as AnomalyDay;
      out.push({
        store: lead.store,
        storeCode: lead.storeCode,
        region: lead.region,
        format: lead.format,
        from: run[0] as string,
        to: run.at(-1) as string,
        days: inRun,
        lead,
        // Per day the largest gap only: a lost order is in orders, sales and conversion alike, counted once.
        impact: run.reduce(
          (sum, date) => sum + Math.max(...inRun.filter((d) => d.date === date).map((d) => d.impact)),
          0,
        ),
      });
      run = [];
    };
    for (const date of dates) {
      if (run.length && addDays(run.at(-1) as string, 2) < date) close();
      run.push(date);
    }
    close();
  }
  return out.sort((a, b) => b.impact - a.impact);
}

/** Why the lead KPI of an episode moved, on the episode's days against the same days a week before. */
export function explain(engine: Engine, insight: Insight, scope?: DataScope): Promise<Attribution> {
  return attribute(engine, {
    metric: insight.lead.kpi,
    filters: [{ dimension: 'store', op: 'eq', value: insight.store }],
    period: { from: insight.from, to: insight.to },
    baseline: { from: addDays(insight.from, -7), to: addDays(insight.to, -7) },
    dimensions: ['category_l1', 'channel'],
    ...(scope ? { scope } : {}),
  });
}

import { availableParallelism } from 'node:os';
import { ZhongtaiError } from '../model/index.js';
import type { DimensionDef } from './catalog/index.js';
import type { TimeRange } from './query.js';

/**
 * What one query may cost the server that answers many: how long it runs, how many cells it returns, and how
 * many heavy ones run at once. The CLI, on a file of its own, runs without them.
 */
export interface QueryLimits {
  /** A query still running after this long is stopped. */
  timeoutMs: number;
  /** Rows × columns of one answer (a comparison's columns included). */
  maxCells: number;
  /** Heavy queries (a fine cut over many groups) that run at once; more wait their turn. */
  heavySlots: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  timeoutMs: 30_000,
  maxCells: 2_000_000,
  // One core stays free for everyone else's tiles.
  heavySlots: Math.max(1, Math.floor(availableParallelism() / 2)),
};

/** Groups a query cuts into beyond which it counts as heavy: a fine cut, not a dashboard tile. */
const HEAVY_GROUPS = 200_000;

const DAYS: Record<string, number> = { day: 1, week: 7, month: 30, quarter: 91, year: 365 };
const GROUPS: Record<string, number> = { store: 300, product: 20_000, member: 200_000 };

const daysIn = (range: TimeRange) =>
  Math.max(1, Math.round((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000) + 1);

/** A rough count of the groups a cut makes (a chain's usual sizes: hundreds of stores, many SKUs). */
export function estimatedGroups(dimensions: readonly DimensionDef[], range: TimeRange): number {
  let groups = 1;
  for (const d of dimensions) {
    if (d.grain === 'hour') groups *= daysIn(range) * 24;
    else if (d.grain) groups *= Math.ceil(daysIn(range) / (DAYS[d.grain] ?? 1));
    else if (d.id === 'hour_of_day') groups *= 24;
    else if (d.id === 'sku' || d.id === 'store' || d.id === 'store_code' || d.group === 'member')
      groups *= GROUPS[d.group] ?? 20;
    else groups *= 30;
  }
  return groups;
}

export const isHeavy = (dimensions: readonly DimensionDef[], range: TimeRange) =>
  estimatedGroups(dimensions, range) > HEAVY_GROUPS;

const narrower = {
  en: 'narrow the cut: fewer dimensions or metrics, a shorter period, a filter, or a smaller limit',
  zh: '请缩小查询范围：减少维度或指标、缩短期间、增加筛选或减小 limit',
};

export const tooManyCells = (rows: number, columns: number, max: number) =>
  new ZhongtaiError('QUERY_LIMIT', {
    en: `The answer would hold more than ${max.toLocaleString('en')} cells (over ${rows.toLocaleString('en')} rows × ${columns} columns); ${narrower.en}`,
    zh: `结果超过 ${max.toLocaleString('en')} 个单元格（超过 ${rows.toLocaleString('en')} 行 × ${columns} 列），${narrower.zh}`,
  });

/** Limits with the gate that holds heavy queries to their places: one per server. */
export interface QueryBudget extends QueryLimits {
  gate: Gate;
}

export function queryBudget(limits: Partial<QueryLimits> = {}): QueryBudget {
  const all = { ...DEFAULT_LIMITS, ...limits };
  return { ...all, gate: new Gate(() => all.heavySlots) };
}

/** Waits for one of `slots` places, for at most `waitMs`; the place is given back when `work` ends. */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly slots: () => number) {}

  async run<T>(waitMs: number, work: () => Promise<T>): Promise<T> {
    if (this.running >= this.slots()) {
      let admit = () => {};
      const admitted = new Promise<void>((resolve) => {
        admit = resolve;
      });
      this.waiting.push(admit);
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), waitMs);
      });
      const outcome = await Promise.race([admitted, gaveUp]);
      clearTimeout(timer);
      if (outcome === 'late') {
        const at = this.waiting.indexOf(admit);
        if (at >= 0) this.waiting.splice(at, 1);
        // Admitted at the very moment it gave up: the place it was handed is passed on.
        else this.release();
        throw new ZhongtaiError('BUSY', {
          en: `The server is busy with other large queries; try again shortly, or ${narrower.en}`,
          zh: `服务器正忙于其他大型查询，请稍后重试，或${narrower.zh}`,
        });
      }
    } else this.running++;
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** Hands the place to the first in line, or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

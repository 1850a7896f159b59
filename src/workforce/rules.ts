import { z } from 'zod';

/**
 * Working-time law as data. A pack holds what a statute fixes; a chain's own settings (opening hours, shift
 * lengths, breaks, weights) sit beside it in the rules file. The solver and the roster checker read the same pack
 * but share no code beyond it, so a checker run is an independent proof that a roster is legal.
 */
export interface RulePack {
  id: string;
  label: { zh: string; en: string };
  /** Paid hours in one day for a full-time contract (planned, not overtime). */
  maxDailyHours: number;
  /** Paid hours a week, or the average over `averageWeeks` weeks. */
  maxWeeklyHours: number;
  /** 1: every week on its own; more: hours averaged over that many weeks (综合计算工时, the EU's reference period). */
  averageWeeks: number;
  /** Days without work in each calendar week (Monday to Sunday). */
  minRestDaysPerWeek: number;
  /** Hours between the end of one shift and the start of the next; 0 when the law sets none. */
  minDailyRestHours: number;
  /** 非全日制用工 and other part-time contracts. */
  partTime: { maxAverageDailyHours: number; maxWeeklyHours: number };
  /** Overtime the law allows beyond planned hours, for attendance accruals. */
  overtime: { maxDailyHours: number; maxMonthlyHours: number };
}

export const RULE_PACKS: Record<string, RulePack> = {
  'cn-standard': {
    id: 'cn-standard',
    label: {
      zh: '标准工时制（劳动法第三十六、三十八、四十一条）',
      en: 'Mainland China standard working hours',
    },
    maxDailyHours: 8,
    maxWeeklyHours: 40,
    averageWeeks: 1,
    minRestDaysPerWeek: 1,
    minDailyRestHours: 0,
    partTime: { maxAverageDailyHours: 4, maxWeeklyHours: 24 },
    overtime: { maxDailyHours: 3, maxMonthlyHours: 36 },
  },
  'cn-comprehensive': {
    id: 'cn-comprehensive',
    label: {
      zh: '综合计算工时制（周期内平均每周 40 小时）',
      en: 'Mainland China comprehensive working hours',
    },
    maxDailyHours: 11,
    maxWeeklyHours: 40,
    averageWeeks: 4,
    minRestDaysPerWeek: 1,
    minDailyRestHours: 0,
    partTime: { maxAverageDailyHours: 4, maxWeeklyHours: 24 },
    overtime: { maxDailyHours: 3, maxMonthlyHours: 36 },
  },
  'eu-wtd': {
    id: 'eu-wtd',
    label: { zh: '欧盟工作时间指令（每日休息 11 小时，平均每周 48 小时）', en: 'EU Working Time Directive' },
    maxDailyHours: 13,
    maxWeeklyHours: 48,
    averageWeeks: 17,
    minRestDaysPerWeek: 1,
    minDailyRestHours: 11,
    partTime: { maxAverageDailyHours: 13, maxWeeklyHours: 48 },
    overtime: { maxDailyHours: 0, maxMonthlyHours: 0 },
  },
};

const clock = z
  .string()
  .regex(/^([01]?\d|2[0-9]|3[0-5]):[0-5]\d$/, 'a time of day as HH:MM (up to 35:59 for after midnight)');

const hoursOfDay = z.object({ open: clock, close: clock });

/** The rules file (`rules.yaml`): a pack by name, the chain's settings, and what the pack's numbers become. */
export const rulesFileSchema = z
  .object({
    pack: z.enum(Object.keys(RULE_PACKS) as [string, ...string[]]).default('cn-standard'),
    /** The pack's numbers a chain tightens (never loosens: the checker keeps the stricter of the two). */
    overrides: z
      .object({
        maxDailyHours: z.number().positive(),
        maxWeeklyHours: z.number().positive(),
        minDailyRestHours: z.number().min(0),
        minRestDaysPerWeek: z.number().int().min(0).max(7),
      })
      .partial()
      .default({}),
    /** When shifts may start and end; per weekday (1 = Monday … 7 = Sunday) or one for all. Default: the demand's. */
    opening: z.union([hoursOfDay, z.record(z.string().regex(/^[1-7]$/), hoursOfDay)]).optional(),
    shift: z
      .object({
        minHours: z.number().positive().default(4),
        maxHours: z.number().positive().default(9),
        /** Minutes between possible start times (and lengths): 60 = on the hour. */
        startEvery: z.number().int().positive().default(60),
        maxPerDay: z.literal(1).default(1),
      })
      .default({ minHours: 4, maxHours: 9, startEvery: 60, maxPerDay: 1 }),
    /** An unpaid break in the middle of a shift longer than `afterHours`; nobody covers during it. */
    break: z.object({ afterHours: z.number().positive(), minutes: z.number().int().positive() }).optional(),
    maxConsecutiveDays: z.number().int().min(1).max(13).default(6),
    weights: z
      .object({
        /** Per staff-hour of demand left uncovered. */
        under: z.number().min(0).default(100),
        /** Per staff-hour scheduled beyond the demand. */
        over: z.number().min(0).default(2),
        /** Per yuan of wages. */
        cost: z.number().min(0).default(0.01),
        /** Per hour an employee falls short of the contract's minimum. */
        contractShortfall: z.number().min(0).default(20),
        /** Per weekend or late shift the most-loaded employee works above the rest. */
        fairness: z.number().min(0).default(1),
        /** Per shift on a day the employee asked to have off. */
        preference: z.number().min(0).default(5),
      })
      .default({ under: 100, over: 2, cost: 0.01, contractShortfall: 20, fairness: 1, preference: 5 }),
    /** A shift ending after this time of day counts as late, for fairness. */
    lateAfter: clock.default('20:00'),
    timeLimitSeconds: z.number().positive().default(8),
  })
  .strict();

export type RulesFile = z.infer<typeof rulesFileSchema>;

/** The pack a rules file names, with the file's overrides applied. */
export function packOf(rules: RulesFile): RulePack {
  const base = RULE_PACKS[rules.pack];
  if (!base) throw new Error(`unknown rule pack ${rules.pack}`);
  const o = rules.overrides;
  return {
    ...base,
    maxDailyHours: Math.min(base.maxDailyHours, o.maxDailyHours ?? Number.POSITIVE_INFINITY),
    maxWeeklyHours: Math.min(base.maxWeeklyHours, o.maxWeeklyHours ?? Number.POSITIVE_INFINITY),
    minDailyRestHours: Math.max(base.minDailyRestHours, o.minDailyRestHours ?? 0),
    minRestDaysPerWeek: Math.max(base.minRestDaysPerWeek, o.minRestDaysPerWeek ?? 0),
  };
}

/** Minutes after midnight of "HH:MM" (35:59 at most: a shift's end on the next morning). */
export const minutesOf = (time: string): number => {
  const [h, m] = time.split(':').map(Number);
  return (h as number) * 60 + (m as number);
};

export const timeOf = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Opening hours of a date's weekday in minutes after its midnight, or undefined when the file sets none. */
export function openingOf(rules: RulesFile, weekday: number): { open: number; close: number } | undefined {
  const o = rules.opening;
  if (!o) return undefined;
  const day =
    'open' in o
      ? (o as { open: string; close: string })
      : (o as Record<string, { open: string; close: string }>)[String(weekday)];
  return day ? { open: minutesOf(day.open), close: minutesOf(day.close) } : undefined;
}

/** Paid minutes of a shift of `length` minutes: its break, when long enough to have one, is unpaid. */
export const paidMinutes = (rules: RulesFile, length: number): number =>
  rules.break && length > rules.break.afterHours * 60 ? length - rules.break.minutes : length;

import { z } from 'zod';

/** The workforce center's API: a store-week's plan, its roster's versions, clock events and attendance. */

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const store = z.coerce.number().int().positive().max(2_147_483_647);

export const weekQuerySchema = z.object({ store, week: day }).strict();

export const shiftSchema = z
  .object({
    store: z.string().min(1).max(32),
    employee: z.string().min(1).max(64),
    date: day,
    /** Minutes after the date's midnight; `end` past 1440 runs into the next morning. */
    start: z.number().int().min(0).max(1440),
    end: z.number().int().min(1).max(2880),
    role: z.string().min(1).max(64),
  })
  .strict()
  .refine((s) => s.end > s.start, { message: 'a shift ends after it starts', path: ['end'] });

export const rosterCheckSchema = z
  .object({ store, week: day, shifts: z.array(shiftSchema).max(5_000) })
  .strict();

export const rosterSaveSchema = z
  .object({
    store,
    week: day,
    shifts: z.array(shiftSchema).max(5_000),
    /** The version the editor started from (0 before any). */
    basedOn: z.number().int().min(0),
    note: z.string().max(500).optional(),
  })
  .strict();

export const rosterSolveSchema = z
  .object({ store, week: day, timeLimitSeconds: z.number().min(1).max(120).default(8) })
  .strict();

export const rosterPublishSchema = z.object({ store, week: day, version: z.number().int().min(1) }).strict();

export const clockBatchSchema = z
  .object({
    device: z.string().min(1).max(64),
    events: z
      .array(
        z
          .object({
            employee: z.string().min(1).max(64),
            at: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'local time YYYY-MM-DDTHH:MM[:SS]'),
            kind: z.enum(['in', 'out']).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(10_000),
  })
  .strict();

export const attendanceQuerySchema = z.object({ store, from: day, to: day }).strict();

export type WorkforceShift = z.output<typeof shiftSchema>;

export interface WorkforceViolation {
  rule: string;
  employee: string;
  date?: string;
  zh: string;
  en: string;
}

/** How a set of shifts meets the week's demand. */
export interface RosterScore {
  demandHours: number;
  coveredHours: number;
  overHours: number;
  /** Wages, yuan, exact. */
  wages: string;
  violations: WorkforceViolation[];
  /** Staff needed and scheduled per role and hour of the week (index = day × 24 + hour). */
  byRole: { role: string; required: number[]; scheduled: number[] }[];
}

export interface RosterVersionView {
  version: number;
  status: 'draft' | 'published' | 'replaced';
  madeBy: string;
  madeAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
  note: string | null;
}

export interface WeekPlan {
  store: number;
  storeName: string;
  week: string;
  dates: string[];
  pack: string;
  staff: { id: string; name: string; role: string; skills: string[]; minHours: number; maxHours: number }[];
  /** The newest version (draft or published), or none yet. */
  roster: (RosterVersionView & { shifts: WorkforceShift[] }) | null;
  versions: RosterVersionView[];
  score: RosterScore;
  /** The last solve's summary, when this answer comes from one. */
  solve?: {
    status: 'optimal' | 'time_limit' | 'no_solution';
    /** Proven objective gap; null when none was proved in time. */
    gap: number | null;
    /** No legal roster covers more; null when the bound could not be computed in time. */
    coverageBoundHours: number | null;
    seconds: number;
    gaps: { zh: string; en: string }[];
  };
}

export interface AttendanceView {
  store: number;
  from: string;
  to: string;
  records: {
    employee: string;
    name: string;
    date: string;
    shift: { start: number; end: number; role: string } | null;
    clockIn: string | null;
    clockOut: string | null;
    status: string;
    lateMinutes: number;
    earlyLeaveMinutes: number;
    paidHours: number;
    overtimeHours: number;
    zh: string;
    en: string;
  }[];
  accruals: {
    employee: string;
    name: string;
    paidHours: number;
    regularHours: number;
    overtime: { workday: number; restDay: number; holiday: number };
    pay: string;
    breaches: string[];
  }[];
}

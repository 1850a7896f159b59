import { z } from 'zod';
import { isoWeekday, parseInput, ZhongtaiError } from '../model/index.js';
import { minutesOf } from './rules.js';
import type { Requirement } from './types.js';

/**
 * Labour standards 劳动标准: how many people a role needs in an interval, as data per store format. A role is
 * driven by tickets (cashiers: one per so many tickets in the interval), by visitors (floor staff), or fixed
 * (a butcher while the counter is open); tasks at set times add to it (opening, closing, deliveries, fresh
 * preparation); a minimum holds while the store is open.
 */
const clock = z.string().regex(/^([01]?\d|2\d|3[0-5]):[0-5]\d$/, 'a time of day as HH:MM');

const roleStandard = z
  .object({
    role: z.string().min(1),
    /** tickets: at the tills (pos); online_orders: mini-program and delivery orders to pick; visitors: footfall. */
    driver: z.enum(['tickets', 'online_orders', 'visitors', 'fixed']),
    /** One person per this many tickets or visitors in an hour (scaled to the interval). */
    perHour: z.number().positive().optional(),
    /** Staff while open, at least (and for a fixed role, exactly, before tasks). */
    minimum: z.number().int().min(0).default(0),
    maximum: z.number().int().positive().optional(),
    /** Work at set times, added to the driven need: weekdays 1 = Monday … 7 = Sunday (default every day). */
    tasks: z
      .array(
        z.object({
          name: z.string(),
          start: clock,
          end: clock,
          staff: z.number().int().positive(),
          weekdays: z.array(z.number().int().min(1).max(7)).optional(),
        }),
      )
      .default([]),
  })
  .refine((r) => r.driver === 'fixed' || r.perHour !== undefined, {
    message: 'a role driven by tickets or visitors needs perHour',
    path: ['perHour'],
  });

const hoursOfDay = z.object({ open: clock, close: clock });

export const standardsSchema = z
  .object({
    /** Per store format (supermarket, convenience, …), or `default` for any format not named. */
    formats: z.record(z.string(), z.array(roleStandard).min(1)),
    /** Trading hours per format (default: the hours the history shows trade in). */
    opening: z.record(z.string(), hoursOfDay).default({}),
  })
  .strict();

export type LabourStandards = z.infer<typeof standardsSchema>;

/** What drives the work in one interval of one store. */
export interface DriverInterval {
  store: string;
  format?: string;
  date: string;
  /** Minutes after the date's midnight. */
  start: number;
  end: number;
  tickets?: number;
  onlineOrders?: number;
  visitors?: number;
  /** Whether the store is open then (the minimum applies only when it is). */
  open: boolean;
}

export const parseStandards = (raw: unknown, file = 'standards'): LabourStandards =>
  parseInput(standardsSchema, raw, file);

/** The staffing requirement: per interval and role, the standard applied to the interval's drivers. */
export function requirementsFrom(
  intervals: readonly DriverInterval[],
  standards: LabourStandards,
): Requirement[] {
  const out: Requirement[] = [];
  for (const i of intervals) {
    const roles = standards.formats[i.format ?? 'default'] ?? standards.formats.default;
    if (!roles)
      throw new ZhongtaiError('BAD_REQUEST', {
        en: `No labour standard for format ${i.format} (and no default)`,
        zh: `业态 ${i.format} 没有劳动标准（也没有 default）`,
      });
    const hours = (i.end - i.start) / 60;
    for (const role of roles) {
      let need = 0;
      if (i.open) {
        const volume =
          role.driver === 'tickets'
            ? i.tickets
            : role.driver === 'online_orders'
              ? i.onlineOrders
              : i.visitors;
        need =
          role.driver === 'fixed'
            ? role.minimum
            : Math.max(role.minimum, Math.ceil((volume ?? 0) / ((role.perHour as number) * hours) - 1e-9));
        if (role.maximum !== undefined) need = Math.min(need, role.maximum);
      }
      for (const task of role.tasks) {
        if (task.weekdays && !task.weekdays.includes(isoWeekday(i.date))) continue;
        if (minutesOf(task.start) < i.end && minutesOf(task.end) > i.start) need += task.staff;
      }
      out.push({
        store: i.store,
        date: i.date,
        start: i.start,
        end: i.end,
        required: need,
        skill: role.role,
      });
    }
  }
  return out;
}

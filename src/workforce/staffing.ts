import { addDays, fenOf, ZhongtaiError } from '../model/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { forecastIntervals, INTERVAL_FORECAST, type IntervalHistory } from './interval-forecast.js';
import { minutesOf } from './rules.js';
import { type DriverInterval, type LabourStandards, parseStandards, requirementsFrom } from './standards.js';
import type { Requirement, StaffMember } from './types.js';

/**
 * The staffing requirement of a store for coming dates, from its own history in the warehouse: footfall
 * (traffic), tickets at the tills and online orders to pick, each forecast per hour (interval-forecast.ts),
 * then the format's labour standard applied hour by hour.
 */
export interface StaffingPlan {
  store: string;
  format: string;
  /** The last day of history the forecast stands on. */
  origin: string;
  intervals: DriverInterval[];
  requirements: Requirement[];
}

/**
 * The demo chain's standards, per format: cashiers by till tickets (a supermarket's lanes are busier than a
 * convenience store's one till), floor staff by footfall, fixed roles and the morning's tasks (opening the shop,
 * preparing fresh produce). A chain writes its own (`--standards`, see examples/footfall-melbourne).
 */
export const DEMO_STANDARDS: LabourStandards = parseStandards({
  formats: {
    convenience: [
      { role: 'cashier', driver: 'tickets', perHour: 32, minimum: 1 },
      {
        role: 'clerk',
        driver: 'visitors',
        perHour: 150,
        minimum: 0,
        tasks: [{ name: '到货理货 delivery', start: '07:00', end: '09:00', staff: 1 }],
      },
    ],
    fresh: [
      { role: 'cashier', driver: 'tickets', perHour: 32, minimum: 1 },
      {
        role: 'fresh_clerk',
        driver: 'fixed',
        minimum: 1,
        tasks: [{ name: '生鲜加工 fresh preparation', start: '07:00', end: '09:00', staff: 1 }],
      },
      { role: 'clerk', driver: 'online_orders', perHour: 12, minimum: 0 },
    ],
    supermarket: [
      { role: 'supervisor', driver: 'fixed', minimum: 1 },
      { role: 'cashier', driver: 'tickets', perHour: 20, minimum: 2 },
      {
        role: 'clerk',
        driver: 'visitors',
        perHour: 40,
        minimum: 3,
        tasks: [{ name: '开店理货 opening', start: '07:00', end: '09:00', staff: 2 }],
      },
    ],
    default: [
      { role: 'supervisor', driver: 'fixed', minimum: 2 },
      { role: 'cashier', driver: 'tickets', perHour: 15, minimum: 3 },
      { role: 'clerk', driver: 'visitors', perHour: 25, minimum: 6 },
    ],
  },
});

const HISTORY_WEEKS = INTERVAL_FORECAST.weeks;

export async function staffingPlan(
  engine: Warehouse,
  options: { store: number; from: string; to: string; standards?: LabourStandards },
): Promise<StaffingPlan> {
  const standards = options.standards ?? DEMO_STANDARDS;
  const [store] = await engine.query('SELECT store_id, format FROM store WHERE store_id = $1', [
    options.store,
  ]);
  if (!store)
    throw new ZhongtaiError(
      'NOT_FOUND',
      { en: `No store ${options.store}`, zh: `没有门店 ${options.store}` },
      { field: 'store' },
    );
  const format = String(store.format ?? 'default');
  const [last] = await engine.query(
    `SELECT CAST(max(d) AS VARCHAR) AS d FROM (
       SELECT max(date) AS d FROM traffic WHERE store_id = $1 UNION ALL SELECT max(date) FROM orders WHERE store_id = $1)`,
    [options.store],
  );
  if (!last?.d)
    throw new ZhongtaiError('BAD_REQUEST', {
      en: `Store ${options.store} has no traffic or orders to forecast its staffing from`,
      zh: `门店 ${options.store} 没有客流或订单数据，无法测算排班需求`,
    });
  const dayBefore = addDays(options.from, -1);
  // ISO dates sort as text: the earlier of the last day with data and the day before the plan.
  const origin = [String(last.d), dayBefore].sort()[0] as string;
  const since = addDays(origin, -7 * HISTORY_WEEKS + 1);
  const hourly = async (sql: string): Promise<IntervalHistory> => {
    const out: IntervalHistory = new Map();
    for (const r of await engine.query(sql, [options.store, since, origin])) {
      const date = String(r.date);
      const row = out.get(date) ?? new Array(24).fill(0);
      row[Number(r.hour)] = Number(r.n);
      out.set(date, row);
    }
    return out;
  };
  // Footfall: the store's main counter (the source with the most hours), never two counters added up.
  const visitors = await hourly(
    `WITH main AS (SELECT source FROM traffic WHERE store_id = $1 GROUP BY source ORDER BY count(*) DESC LIMIT 1)
     SELECT CAST(date AS VARCHAR) AS date, hour, sum(visitors_in) AS n FROM traffic
     WHERE store_id = $1 AND date BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE) AND source = (SELECT source FROM main)
     GROUP BY ALL`,
  );
  const orders = (channels: string) =>
    hourly(
      `SELECT CAST(date AS VARCHAR) AS date, hour(ts) AS hour, count(*) AS n FROM orders
       WHERE store_id = $1 AND date BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE) AND status <> 'cancelled' AND channel ${channels}
       GROUP BY ALL`,
    );
  const tickets = await orders("= 'pos'");
  const online = await orders("IN ('mini_program', 'delivery')");
  const dates: string[] = [];
  for (let d = options.from; d <= options.to; d = addDays(d, 1)) dates.push(d);
  const forecast = (history: IntervalHistory) =>
    history.size > 0 ? forecastIntervals(history, origin, dates) : undefined;
  const visitorsAhead = forecast(visitors);
  const ticketsAhead = forecast(tickets);
  const onlineAhead = forecast(online);
  const hours = standards.opening[format] ?? standards.opening.default;
  const open = tradingHours(hours ? undefined : tickets.size > 0 ? tickets : visitors, hours);
  const intervals: DriverInterval[] = dates.flatMap((date) =>
    Array.from({ length: 24 }, (_, h) => ({
      store: String(options.store),
      format,
      date,
      start: h * 60,
      end: h * 60 + 60,
      ...(visitorsAhead ? { visitors: visitorsAhead.get(date)?.[h] ?? 0 } : {}),
      ...(ticketsAhead ? { tickets: ticketsAhead.get(date)?.[h] ?? 0 } : {}),
      ...(onlineAhead ? { onlineOrders: onlineAhead.get(date)?.[h] ?? 0 } : {}),
      open: open(date, h),
    })),
  );
  const requirements = requirementsFrom(intervals, standards).filter((r) => r.required > 0);
  return { store: String(options.store), format, origin, intervals, requirements };
}

/**
 * Whether the store trades in an hour of a date: the standards' hours, or else the hours of that weekday that
 * saw at least 5% of the day's busiest hour on average (a counter still counts passers-by at 3 a.m.).
 */
function tradingHours(
  history: IntervalHistory | undefined,
  hours: { open: string; close: string } | undefined,
) {
  if (hours) {
    const open = minutesOf(hours.open) / 60;
    const close = minutesOf(hours.close) / 60;
    return (_: string, h: number) => h >= open && h < close;
  }
  const byWeekday = Array.from({ length: 7 }, () => new Array(24).fill(0));
  for (const [date, values] of history ?? new Map<string, number[]>()) {
    const row = byWeekday[new Date(`${date}T00:00:00Z`).getUTCDay()] as number[];
    values.forEach((v, h) => {
      row[h] = (row[h] as number) + (Number.isFinite(v) ? v : 0);
    });
  }
  return (date: string, h: number) => {
    const row = byWeekday[new Date(`${date}T00:00:00Z`).getUTCDay()] as number[];
    return (row[h] as number) > 0.05 * Math.max(...row);
  };
}

/** Roles a person of each role can also work (a supervisor runs a till at the rush; a clerk relieves a cashier). */
const ALSO: Record<string, string[]> = {
  supervisor: ['supervisor', 'cashier', 'clerk'],
  clerk: ['clerk', 'cashier'],
  fresh_clerk: ['fresh_clerk', 'clerk'],
  cashier: ['cashier'],
};

/**
 * The stores' employees as the scheduler sees them: the warehouse holds role and hourly cost, not contracts,
 * so each may work up to a full-time week (40 h) with no minimum promised; store managers plan, they are not
 * planned. A chain with contracts gives them as a staff file (`zhongtai schedule --staff`).
 */
export async function staffFromWarehouse(engine: Warehouse, stores: number[]): Promise<StaffMember[]> {
  const rows = await engine.query(
    `SELECT employee_id, store_id, role, CAST(hourly_cost AS VARCHAR) AS wage FROM employee
     WHERE store_id IN (SELECT unnest(CAST($1 AS INTEGER[]))) AND role <> 'store_manager' ORDER BY employee_id`,
    [`[${stores.map(Number).join(',')}]`],
  );
  return rows.map((r) => ({
    store: String(r.store_id),
    id: String(r.employee_id),
    contract: 'full_time' as const,
    minHours: 0,
    maxHours: 40,
    skills: ALSO[String(r.role)] ?? [String(r.role)],
    unavailable: new Set<string>(),
    preferredOff: new Set<string>(),
    wageFen: fenOf(String(r.wage)),
  }));
}

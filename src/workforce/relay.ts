import { runEvery } from '../appstore/index.js';
import { pushBatch, specOf } from '../ingest/index.js';
import { addDays, fenOf, yuan } from '../model/index.js';
import type { Warehouse } from '../warehouse/index.js';
import { attendance } from './attendance.js';
import type { WorkforceCenter } from './center.js';
import type { RulesFile } from './rules.js';
import type { Shift } from './types.js';

/**
 * The workforce center's outbox into the warehouse, exactly once: a published week's shifts into `shift`, and
 * the attendance measured from the clock events against them into `attendance` (paid hours and their cost at the
 * employee's hourly cost; a shift not clocked in and out is a row of no hours), each a whole store-day
 * replaced — a later publish or a late punch re-measures the day. Loaded through the ingest path, then marked relayed; a crash between the two loads the same days again,
 * to the same rows.
 */
const SHIFT = specOf('workforce_shift', {
  source: 'workforce_shift',
  files: [
    {
      match: 'push-workforce_shift.jsonl',
      format: 'jsonl',
      targets: [
        {
          table: 'shift',
          replace: ['store_id', 'date'],
          columns: {
            employee_id: { from: 'employee', type: 'int' },
            store_id: { from: 'store', type: 'int' },
            date: { from: 'date', type: 'date' },
            start_ts: { from: 'start', type: 'timestamp' },
            end_ts: { from: 'end', type: 'timestamp' },
            role: { from: 'role' },
          },
        },
      ],
    },
  ],
});

const ATTENDANCE = specOf('workforce_attendance', {
  source: 'workforce_attendance',
  files: [
    {
      match: 'push-workforce_attendance.jsonl',
      format: 'jsonl',
      targets: [
        {
          table: 'attendance',
          replace: ['store_id', 'date'],
          columns: {
            employee_id: { from: 'employee', type: 'int' },
            store_id: { from: 'store', type: 'int' },
            date: { from: 'date', type: 'date' },
            clock_in: { from: 'in', type: 'timestamp' },
            clock_out: { from: 'out', type: 'timestamp' },
            role: { from: 'role' },
            hours: { from: 'hours', type: 'number' },
            labour_cost: { from: 'cost', type: 'number' },
          },
        },
      ],
    },
  ],
});

const stamp = (date: string, minutes: number) =>
  `${addDays(date, Math.floor(minutes / 1440))} ${String(Math.floor((minutes % 1440) / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;

type Row = {
  id: string;
  topic: string;
  payload: { store?: string; week?: string; shifts?: Shift[]; days?: string[] };
};

export async function relayWorkforce(
  center: WorkforceCenter,
  warehouse: Warehouse,
  rules: RulesFile,
): Promise<number> {
  const rows = await center.store.query<Row>(
    'SELECT id, topic, payload FROM wf_outbox WHERE relayed_at IS NULL ORDER BY id LIMIT 500',
  );
  if (rows.length === 0) return 0;
  const key = `workforce:${rows[0]?.id}-${rows.at(-1)?.id}`;
  const shiftLines = rows
    .filter((r) => r.topic === 'roster')
    .flatMap((r) =>
      (r.payload.shifts ?? []).map((s) => ({
        employee: s.employee,
        store: s.store,
        date: s.date,
        start: stamp(s.date, s.start),
        end: stamp(s.date, s.end),
        role: s.role,
      })),
    );
  if (shiftLines.length > 0)
    await pushBatch(warehouse, SHIFT, shiftLines.map((l) => JSON.stringify(l)).join('\n'), `${key}:shift`);
  // Days to measure: those clocked, and the days of the weeks just published.
  const days = new Set<string>();
  for (const r of rows) {
    for (const d of r.payload.days ?? []) days.add(d);
    if (r.topic === 'roster' && r.payload.week)
      for (let k = 0; k < 7; k += 1) days.add(addDays(r.payload.week, k));
  }
  const lines = await attendanceLines(center, warehouse, rules, [...days].sort());
  if (lines.length > 0)
    await pushBatch(
      warehouse,
      ATTENDANCE,
      lines.map((l) => JSON.stringify(l)).join('\n'),
      `${key}:attendance`,
    );
  await center.store.query('UPDATE wf_outbox SET relayed_at = now() WHERE id = ANY($1::bigint[])', [
    rows.map((r) => r.id),
  ]);
  return rows.length;
}

/** Attendance rows of every store with published shifts on these days (a shift's day: the day it starts). */
async function attendanceLines(
  center: WorkforceCenter,
  warehouse: Warehouse,
  rules: RulesFile,
  days: string[],
) {
  if (days.length === 0) return [];
  const from = days[0] as string;
  const to = days.at(-1) as string;
  const stores = await center.store.query<{ store: string }>(
    "SELECT DISTINCT store FROM wf_roster WHERE status = 'published' AND week BETWEEN $1::date - 6 AND $2::date",
    [from, to],
  );
  const wages = new Map(
    (
      await warehouse.query(
        'SELECT CAST(employee_id AS VARCHAR) AS id, CAST(hourly_cost AS VARCHAR) AS wage FROM employee',
      )
    ).map((r) => [String(r.id), fenOf(String(r.wage))]),
  );
  const wanted = new Set(days);
  const out: Record<string, unknown>[] = [];
  for (const { store } of stores) {
    const shifts = (await center.publishedShifts(store, addDays(from, -1), to)).filter((s) =>
      wanted.has(s.date),
    );
    if (shifts.length === 0) continue;
    const people = [...new Set(shifts.map((s) => s.employee))];
    const events = await center.clockEvents(people, addDays(from, -1), to);
    for (const r of attendance(shifts, events, rules)) {
      if (!r.shift) continue;
      // A shift not clocked in and out (absent, or the clock-out still to come) is a row of no hours at the
      // time known, so that its day is replaced whole and a late punch measures it again.
      const start = stamp(r.shift.date, r.shift.start).replace(' ', 'T').slice(0, 16);
      const clockIn = r.clockIn ?? r.clockOut ?? start;
      const hours = r.clockIn && r.clockOut ? r.paidMinutes / 60 : 0;
      const fen = Math.round((wages.get(r.employee) ?? 0) * hours);
      out.push({
        employee: r.employee,
        store,
        date: r.date,
        in: clockIn.replace('T', ' '),
        out: (r.clockIn && r.clockOut ? r.clockOut : clockIn).replace('T', ' '),
        role: r.shift.role,
        hours,
        cost: yuan(fen),
      });
    }
  }
  return out;
}

/** Relays in the background every `everyMs` (the server). */
export const startWorkforceRelay = (
  center: WorkforceCenter,
  warehouse: Warehouse,
  rules: RulesFile,
  everyMs: number,
) => runEvery('workforce outbox relay', everyMs, () => relayWorkforce(center, warehouse, rules));

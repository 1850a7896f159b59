import { type AppStore, migrate } from '../appstore/index.js';
import { addDays, ZhongtaiError } from '../model/index.js';
import type { ClockEvent } from './attendance.js';
import { WORKFORCE_SCHEMA } from './schema.js';
import type { Shift } from './types.js';

export interface RosterVersion {
  store: string;
  week: string;
  version: number;
  status: 'draft' | 'published' | 'replaced';
  shifts: Shift[];
  note: string | null;
  madeBy: string;
  madeAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
}

const isoOf = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
const dayOf = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

const versionOf = (r: Record<string, unknown>): RosterVersion => ({
  store: String(r.store),
  week: dayOf(r.week),
  version: Number(r.version),
  status: r.status as RosterVersion['status'],
  shifts: (typeof r.shifts === 'string' ? JSON.parse(r.shifts) : r.shifts) as Shift[],
  note: (r.note as string | null) ?? null,
  madeBy: String(r.made_by),
  madeAt: isoOf(r.made_at),
  publishedBy: (r.published_by as string | null) ?? null,
  publishedAt: r.published_at ? isoOf(r.published_at) : null,
});

/**
 * The workforce center: rosters a store manager drafts, edits and publishes, and the clock events the store's
 * time clocks send. A save never overwrites: it is the next version, refused when someone else saved since the
 * version it was based on; publishing a version replaces the week's earlier published one and tells the
 * warehouse in the same transaction (the outbox).
 */
export class WorkforceCenter {
  private constructor(readonly store: AppStore) {}

  static async open(store: AppStore): Promise<WorkforceCenter> {
    await migrate(store, 'workforce_schema_meta', WORKFORCE_SCHEMA);
    return new WorkforceCenter(store);
  }

  /** The newest version of a store-week's roster, or a given version; undefined before any save. */
  async roster(store: string, week: string, version?: number): Promise<RosterVersion | undefined> {
    const [row] = await this.store.query<Record<string, unknown>>(
      `SELECT * FROM wf_roster WHERE store = $1 AND week = $2 ${version ? 'AND version = $3' : ''}
       ORDER BY version DESC LIMIT 1`,
      version ? [store, week, version] : [store, week],
    );
    return row ? versionOf(row) : undefined;
  }

  /** Every version of a store-week, newest first, without their shifts. */
  async versions(store: string, week: string): Promise<Omit<RosterVersion, 'shifts'>[]> {
    const rows = await this.store.query<Record<string, unknown>>(
      `SELECT store, week, version, status, '[]'::jsonb AS shifts, note, made_by, made_at, published_by, published_at
       FROM wf_roster WHERE store = $1 AND week = $2 ORDER BY version DESC`,
      [store, week],
    );
    return rows.map((r) => {
      const { shifts: _, ...rest } = versionOf(r);
      return rest;
    });
  }

  /** Saves the next version; `basedOn` is the version the editor started from (0: none yet). */
  async save(
    store: string,
    week: string,
    shifts: Shift[],
    by: string,
    basedOn: number,
    note?: string,
  ): Promise<RosterVersion> {
    const outside = shifts.find((s) => s.store !== store || s.date < week || s.date > addDays(week, 6));
    if (outside)
      throw new ZhongtaiError('BAD_REQUEST', {
        en: `A shift of ${outside.employee} on ${outside.date} is not in store ${store}'s week of ${week}`,
        zh: `${outside.employee} 在 ${outside.date} 的班次不属于门店 ${store} 的 ${week} 这一周`,
      });
    return this.store.transaction(async (tx) => {
      // The week's newest row, locked: two editors saving at once are served one after the other.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`wf_roster ${store} ${week}`]);
      const [last] = await tx.query<{ version: number }>(
        'SELECT max(version) AS version FROM wf_roster WHERE store = $1 AND week = $2',
        [store, week],
      );
      const current = Number(last?.version ?? 0);
      if (current !== basedOn)
        throw new ZhongtaiError('CONFLICT', {
          en: `The roster was saved again (version ${current}) since version ${basedOn} you edited; reload it`,
          zh: `排班已被他人保存（版本 ${current}），您编辑的是版本 ${basedOn}，请刷新后再改`,
        });
      const [row] = await tx.query<Record<string, unknown>>(
        `INSERT INTO wf_roster (store, week, version, status, shifts, note, made_by)
         VALUES ($1, $2, $3, 'draft', $4, $5, $6) RETURNING *`,
        [store, week, current + 1, JSON.stringify(shifts), note ?? null, by],
      );
      return versionOf(row as Record<string, unknown>);
    });
  }

  /** Publishes a version: the week's roster from now on, sent to the warehouse's shift table. */
  async publish(store: string, week: string, version: number, by: string): Promise<RosterVersion> {
    return this.store.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`wf_roster ${store} ${week}`]);
      const [row] = await tx.query<Record<string, unknown>>(
        'SELECT * FROM wf_roster WHERE store = $1 AND week = $2 AND version = $3',
        [store, week, version],
      );
      if (!row)
        throw new ZhongtaiError('NOT_FOUND', {
          en: `No version ${version} of store ${store}'s roster for ${week}`,
          zh: `门店 ${store} 在 ${week} 这一周没有版本 ${version} 的排班`,
        });
      if (row.status === 'published') return versionOf(row);
      await tx.query(
        "UPDATE wf_roster SET status = 'replaced' WHERE store = $1 AND week = $2 AND status = 'published'",
        [store, week],
      );
      const [done] = await tx.query<Record<string, unknown>>(
        `UPDATE wf_roster SET status = 'published', published_by = $4, published_at = now()
         WHERE store = $1 AND week = $2 AND version = $3 RETURNING *`,
        [store, week, version, by],
      );
      const published = versionOf(done as Record<string, unknown>);
      await tx.query("INSERT INTO wf_outbox (topic, payload) VALUES ('roster', $1)", [
        JSON.stringify({ store, week, version, shifts: published.shifts }),
      ]);
      return published;
    });
  }

  /** The published shifts of a store's dates (any week they fall in). */
  async publishedShifts(store: string, from: string, to: string): Promise<Shift[]> {
    const rows = await this.store.query<Record<string, unknown>>(
      `SELECT shifts FROM wf_roster WHERE store = $1 AND status = 'published' AND week BETWEEN $2 AND $3`,
      [store, addDays(from, -6), to],
    );
    return rows
      .flatMap((r) => (typeof r.shifts === 'string' ? JSON.parse(r.shifts) : r.shifts) as Shift[])
      .filter((s) => s.date >= from && s.date <= to);
  }

  /** Clock events as a device sent them; the same punch again changes nothing. Returns how many were new. */
  async recordClock(device: string, events: readonly ClockEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const rows = await this.store.query(
      `INSERT INTO wf_clock (device, employee, at, kind)
       SELECT $1, e.employee, e.at, e.kind FROM jsonb_to_recordset($2::jsonb) AS e(employee TEXT, at TIMESTAMP, kind TEXT)
       ON CONFLICT DO NOTHING RETURNING employee`,
      [device, JSON.stringify(events.map((e) => ({ employee: e.employee, at: e.at, kind: e.kind ?? null })))],
    );
    if (rows.length > 0)
      await this.store.query("INSERT INTO wf_outbox (topic, payload) VALUES ('clock', $1)", [
        JSON.stringify({ days: [...new Set(events.map((e) => e.at.slice(0, 10)))] }),
      ]);
    return rows.length;
  }

  /** Clock events of these people from `from` to `to` (dates, inclusive, plus the next morning). */
  async clockEvents(employees: readonly string[], from: string, to: string): Promise<ClockEvent[]> {
    const rows = await this.store.query<Record<string, unknown>>(
      `SELECT DISTINCT employee, to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS') AS at, kind FROM wf_clock
       WHERE employee = ANY($1) AND at >= $2::date AND at < $3::date + 2 ORDER BY 2`,
      [employees as string[], from, to],
    );
    return rows.map((r) => ({
      employee: String(r.employee),
      at: String(r.at),
      ...(r.kind ? { kind: r.kind as 'in' | 'out' } : {}),
    }));
  }
}

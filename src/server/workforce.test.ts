import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_DEMO } from '../../test/support/paths.js';
import { adminServer, bearer, userWithToken } from '../../test/support/server.js';
import type { WeekPlan, WorkforceShift } from '../contract/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';

let engine: Warehouse;
let server: Awaited<ReturnType<typeof adminServer>>;
beforeAll(async () => {
  // A copy of the small demo chain: publishing writes shifts and attendance into the warehouse.
  const path = join(mkdtempSync(join(tmpdir(), 'zhongtai-workforce-api-')), 'demo.duckdb');
  copyFileSync(SMALL_DEMO, path);
  engine = await openWarehouse({ path });
  server = await adminServer({ engine, relayEveryMs: 200 });
});
afterAll(async () => {
  await server.close();
  await engine.close();
});

const WEEK = '2026-11-16';

describe('the workforce API', () => {
  it('plans a week from the forecast, solves it, refuses an illegal edit, keeps versions and publishes into the warehouse', async () => {
    const first = (await server.inject(`/api/v1/workforce/week?store=1&week=${WEEK}`)).json() as WeekPlan;
    expect(first).toMatchObject({ store: 1, week: WEEK, roster: null, pack: 'cn-standard' });
    expect(first.dates).toHaveLength(7);
    expect(first.staff.length).toBeGreaterThan(0);
    const required = first.score.byRole.flatMap((r) => r.required).reduce((a, b) => a + b, 0);
    expect(required).toBeGreaterThan(0);
    expect(first.score.coveredHours).toBe(0);

    const solved = await server.inject({
      method: 'POST',
      url: '/api/v1/workforce/week/solve',
      payload: { store: 1, week: WEEK, timeLimitSeconds: 2 },
    });
    expect(solved.statusCode, solved.body).toBe(200);
    const plan = solved.json() as WeekPlan;
    expect(plan.roster).toMatchObject({ version: 1, status: 'draft' });
    expect(plan.score.violations).toEqual([]);
    expect(plan.score.coveredHours).toBeGreaterThan(0);
    expect(plan.solve?.status).toMatch(/optimal|time_limit/);
    const shifts = plan.roster?.shifts as WorkforceShift[];
    expect(shifts.length).toBeGreaterThan(0);

    // A 12-hour shift: the check names the rules, the save is refused.
    const [one, ...rest] = shifts as [WorkforceShift, ...WorkforceShift[]];
    const long = [{ ...one, start: 7 * 60, end: 19 * 60 }, ...rest];
    const checked = (
      await server.inject({
        method: 'POST',
        url: '/api/v1/workforce/week/check',
        payload: { store: 1, week: WEEK, shifts: long },
      })
    ).json();
    expect(checked.violations.map((v: { rule: string }) => v.rule)).toContain('shift_length');
    const refused = await server.inject({
      method: 'PUT',
      url: '/api/v1/workforce/week',
      payload: { store: 1, week: WEEK, shifts: long, basedOn: 1 },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('shift_length');

    // A legal edit: one shift an hour shorter, saved as version 2; a save based on version 1 again is a conflict.
    const edited = [{ ...one, end: one.end - 60 }, ...rest];
    const saved = await server.inject({
      method: 'PUT',
      url: '/api/v1/workforce/week',
      payload: { store: 1, week: WEEK, shifts: edited, basedOn: 1, note: '缩短一小时' },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((saved.json() as WeekPlan).roster).toMatchObject({ version: 2, note: '缩短一小时' });
    const stale = await server.inject({
      method: 'PUT',
      url: '/api/v1/workforce/week',
      payload: { store: 1, week: WEEK, shifts: edited, basedOn: 1 },
    });
    expect(stale.statusCode).toBe(409);

    const published = await server.inject({
      method: 'POST',
      url: '/api/v1/workforce/week/publish',
      payload: { store: 1, week: WEEK, version: 2 },
    });
    expect(published.statusCode, published.body).toBe(200);
    expect((published.json() as WeekPlan).versions.map((v) => [v.version, v.status])).toEqual([
      [2, 'published'],
      [1, 'draft'],
    ]);
    // The relay puts the published shifts into the warehouse: the week's shift rows are exactly the roster's.
    await expect
      .poll(
        async () =>
          Number(
            (
              await engine.query(
                "SELECT count(*) AS n FROM shift WHERE store_id = 1 AND date BETWEEN DATE '2026-11-16' AND DATE '2026-11-22'",
              )
            )[0]?.n,
          ),
        { timeout: 10_000 },
      )
      .toBe(edited.length);
  }, 60_000);

  it('lets a store manager plan only her stores, and a time clock punch only its store’s people; attendance shows the exceptions', async () => {
    const manager = await userWithToken(server.appStore, 'store_manager', [
      { kind: 'store', value: 'S0002' },
    ]);
    const asManager = (url: string) => server.app.inject({ url, headers: bearer(manager.token) });
    expect((await asManager(`/api/v1/workforce/week?store=1&week=${WEEK}`)).statusCode).toBe(403);
    expect((await asManager(`/api/v1/workforce/week?store=2&week=${WEEK}`)).statusCode).toBe(200);
    const [own] = await engine.query(
      "SELECT CAST(employee_id AS VARCHAR) AS id FROM employee WHERE store_id = 1 AND role <> 'store_manager' LIMIT 1",
    );
    const [other] = await engine.query(
      "SELECT CAST(employee_id AS VARCHAR) AS id FROM employee WHERE store_id = 2 AND role <> 'store_manager' LIMIT 1",
    );
    const clock = await userWithToken(server.appStore, 'time_clock', [{ kind: 'store', value: 'S0001' }]);
    const punch = (events: unknown[]) =>
      server.app.inject({
        method: 'POST',
        url: '/api/v1/workforce/clock',
        headers: bearer(clock.token),
        payload: { device: 'door-1', events },
      });
    const week = (await server.inject(`/api/v1/workforce/week?store=1&week=${WEEK}`)).json() as WeekPlan;
    const shift = week.roster?.shifts.find((s) => s.employee === String(own?.id)) as WorkforceShift;
    const at = (minutes: number) =>
      `${shift.date}T${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    const events = [
      { employee: String(own?.id), at: at(shift.start + 17), kind: 'in' },
      { employee: String(own?.id), at: at(shift.end), kind: 'out' },
    ];
    expect((await punch(events)).json()).toEqual({ accepted: 2, duplicates: 0 });
    expect((await punch(events)).json()).toEqual({ accepted: 0, duplicates: 2 });
    expect((await punch([{ employee: String(other?.id), at: at(shift.start) }])).statusCode).toBe(403);
    const seen = (
      await server.inject(`/api/v1/workforce/attendance?store=1&from=${WEEK}&to=2026-11-22`)
    ).json();
    const late = seen.records.find((r: { date: string; status: string }) => r.date === shift.date);
    expect(late).toMatchObject({ status: 'late', lateMinutes: 17 });
    // The other shifts of the week were not clocked: absent, listed before the punctual.
    expect(seen.records.filter((r: { status: string }) => r.status === 'absent').length).toBe(
      week.roster?.shifts.length ? week.roster.shifts.length - 1 : 0,
    );
    expect(seen.accruals[0]).toMatchObject({ employee: String(own?.id) });
  }, 60_000);
});

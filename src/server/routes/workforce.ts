import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppStore } from '../../appstore/index.js';
import { recordAudit } from '../../appstore/index.js';
import {
  type AttendanceView,
  attendanceQuerySchema,
  clockBatchSchema,
  rosterCheckSchema,
  rosterPublishSchema,
  rosterSaveSchema,
  rosterSolveSchema,
  weekQuerySchema,
} from '../../contract/index.js';
import { resolveScope } from '../../metrics/index.js';
import { addDays, yuan, ZhongtaiError } from '../../model/index.js';
import type { Warehouse } from '../../warehouse/index.js';
import {
  accrue,
  attendance,
  checkRoster,
  type RulesFile,
  scoreRoster,
  solveWeek,
  staffFromWarehouse,
  type WorkforceCenter,
  weekInputs,
  weekPlan,
} from '../../workforce/index.js';
import { callerOf, clientIp, scopeOf } from '../auth.js';
import { parseBody } from '../body.js';
import { needs } from '../openapi.js';

/** The store asked, if the caller's grants reach it; otherwise 403 (a store manager plans only her stores). */
async function granted(engine: Warehouse, request: FastifyRequest, store: number): Promise<void> {
  const scope = await resolveScope(engine, scopeOf(request));
  if (scope.storeIds && !scope.storeIds.includes(store))
    throw new ZhongtaiError('FORBIDDEN', {
      en: `Store ${store} is not among the stores you are granted`,
      zh: `门店 ${store} 不在您的授权范围内`,
    });
}

const isMonday = (week: string) => new Date(`${week}T00:00:00Z`).getUTCDay() === 1;
const monday = (week: string) => {
  if (!isMonday(week))
    throw new ZhongtaiError(
      'BAD_REQUEST',
      { en: `week ${week} is not a Monday`, zh: `${week} 不是周一` },
      { field: 'week' },
    );
  return week;
};

/**
 * The workforce center's API (排班 / 考勤): a store-week's plan and roster, solving, checking an edit, saving
 * and publishing; clock events from time clocks; attendance against the published shifts.
 */
export function workforceRoutes(
  app: FastifyInstance,
  engine: Warehouse,
  center: WorkforceCenter,
  store: AppStore,
  rules: RulesFile,
): void {
  app.get(
    '/api/v1/workforce/stores',
    needs('data.read', {
      summary: 'The stores the caller may plan or read, with staff 可排班门店',
      answers: { '200': '{ stores: [{ id, code, name, format, staff }] }' },
    }),
    async (request) => {
      const scope = await resolveScope(engine, scopeOf(request));
      const rows = await engine.query(
        `SELECT s.store_id AS id, s.code, s.name, s.format, count(e.employee_id) AS staff
         FROM store s JOIN employee e ON e.store_id = s.store_id AND e.role <> 'store_manager'
         GROUP BY ALL ORDER BY s.store_id`,
      );
      const granted = scope.storeIds ? new Set(scope.storeIds) : null;
      return {
        stores: rows
          .filter((r) => !granted || granted.has(Number(r.id)))
          .map((r) => ({
            id: Number(r.id),
            code: String(r.code),
            name: String(r.name),
            format: String(r.format),
            staff: Number(r.staff),
          })),
      };
    },
  );
  app.get(
    '/api/v1/workforce/week',
    needs('data.read', {
      summary: 'A store-week: forecast requirement, staff, newest roster and its score 门店周排班',
      query: weekQuerySchema,
      answers: { '200': 'WeekPlan (src/contract/workforce.ts)' },
    }),
    async (request) => {
      const q = parseBody(weekQuerySchema, request.query);
      await granted(engine, request, q.store);
      return weekPlan(engine, center, q.store, monday(q.week), rules);
    },
  );
  app.post(
    '/api/v1/workforce/week/solve',
    needs('workforce.plan', {
      summary: 'Solve the week (HiGHS) and save the roster as the next draft 智能排班',
      body: rosterSolveSchema,
      answers: {
        '200': 'WeekPlan with the solve’s summary (status, proven gap, coverage bound, gaps in words)',
      },
    }),
    async (request) => {
      const b = parseBody(rosterSolveSchema, request.body);
      await granted(engine, request, b.store);
      return solveWeek(engine, center, b.store, monday(b.week), rules, callerOf(request).username, {
        timeLimitSeconds: b.timeLimitSeconds,
      });
    },
  );
  app.post(
    '/api/v1/workforce/week/check',
    needs('data.read', {
      summary: 'Score an edited roster without saving: coverage, wages, every rule broken 排班校验',
      body: rosterCheckSchema,
      answers: { '200': 'RosterScore' },
    }),
    async (request) => {
      const b = parseBody(rosterCheckSchema, request.body);
      await granted(engine, request, b.store);
      const week = monday(b.week);
      return scoreRoster(await weekInputs(engine, b.store, week, rules), b.shifts, rules, week);
    },
  );
  app.put(
    '/api/v1/workforce/week',
    needs('workforce.plan', {
      summary: 'Save an edited roster as the next version; refused while it breaks a rule 保存排班',
      body: rosterSaveSchema,
      answers: {
        '200': 'WeekPlan',
        '400': 'BAD_REQUEST: a hard rule is broken (the first named; POST …/check lists all)',
        '409': 'CONFLICT: saved by someone else since the version edited',
      },
    }),
    async (request) => {
      const b = parseBody(rosterSaveSchema, request.body);
      await granted(engine, request, b.store);
      const week = monday(b.week);
      const inputs = await weekInputs(engine, b.store, week, rules);
      refuseViolations(checkRoster(b.shifts, inputs.staff, rules, inputs.plan.requirements));
      await center.save(String(b.store), week, b.shifts, callerOf(request).username, b.basedOn, b.note);
      return weekPlan(engine, center, b.store, week, rules, inputs);
    },
  );
  app.post(
    '/api/v1/workforce/week/publish',
    needs('workforce.plan', {
      summary: 'Publish a version: the week’s roster, sent to the warehouse 发布排班',
      body: rosterPublishSchema,
      answers: { '200': 'WeekPlan', '400': 'BAD_REQUEST: the version breaks a rule' },
      notFound: 'No such version',
    }),
    async (request) => {
      const b = parseBody(rosterPublishSchema, request.body);
      await granted(engine, request, b.store);
      const week = monday(b.week);
      const inputs = await weekInputs(engine, b.store, week, rules);
      const version = await center.roster(String(b.store), week, b.version);
      if (!version || version.version !== b.version)
        throw new ZhongtaiError('NOT_FOUND', { en: `No version ${b.version}`, zh: `没有版本 ${b.version}` });
      refuseViolations(checkRoster(version.shifts, inputs.staff, rules, inputs.plan.requirements));
      await center.publish(String(b.store), week, b.version, callerOf(request).username);
      await recordAudit(store, {
        actor: callerOf(request).username,
        action: 'roster.publish',
        target: `${b.store} ${week}`,
        detail: { version: b.version, shifts: version.shifts.length },
        ip: clientIp(request),
      });
      return weekPlan(engine, center, b.store, week, rules, inputs);
    },
  );
  app.post(
    '/api/v1/workforce/clock',
    needs('workforce.clock', {
      summary: 'Clock events from a time clock; a punch sent again is kept once 考勤打卡',
      body: clockBatchSchema,
      answers: { '200': 'accepted (new punches), duplicates' },
    }),
    async (request) => {
      const b = parseBody(clockBatchSchema, request.body);
      const scope = await resolveScope(engine, scopeOf(request));
      if (scope.storeIds) {
        // A clock granted its store(s) sends only their people's punches.
        const people = new Set((await staffFromWarehouse(engine, scope.storeIds)).map((s) => s.id));
        const stranger = b.events.find((e) => !people.has(e.employee));
        if (stranger)
          throw new ZhongtaiError('FORBIDDEN', {
            en: `Employee ${stranger.employee} does not work at a store this clock is granted`,
            zh: `员工 ${stranger.employee} 不属于本考勤机授权的门店`,
          });
      }
      const accepted = await center.recordClock(b.device, b.events);
      return { accepted, duplicates: b.events.length - accepted };
    },
  );
  app.get(
    '/api/v1/workforce/attendance',
    needs('data.read', {
      summary: 'Attendance against the published shifts, exceptions first, and accruals 考勤与工时',
      query: attendanceQuerySchema,
      answers: { '200': 'AttendanceView (src/contract/workforce.ts)' },
    }),
    async (request): Promise<AttendanceView> => {
      const q = parseBody(attendanceQuerySchema, request.query);
      await granted(engine, request, q.store);
      if (q.to < q.from || q.to > addDays(q.from, 62))
        throw new ZhongtaiError('BAD_TIME_RANGE', {
          en: 'from … to: up to 62 days, in order',
          zh: '起止日期须有序，且不超过 62 天',
        });
      const shifts = await center.publishedShifts(String(q.store), q.from, q.to);
      const staff = await staffFromWarehouse(engine, [q.store]);
      const names = new Map(
        (
          await engine.query(
            'SELECT CAST(employee_id AS VARCHAR) AS id, name FROM employee WHERE store_id = $1',
            [q.store],
          )
        ).map((r) => [String(r.id), String(r.name)]),
      );
      const events = await center.clockEvents(
        staff.map((s) => s.id),
        q.from,
        q.to,
      );
      const records = attendance(
        shifts,
        events.filter((e) => e.at.slice(0, 10) <= addDays(q.to, 1)),
        rules,
      ).filter((r) => r.date >= q.from && r.date <= q.to);
      const order = (s: string) => (s === 'ok' ? 1 : 0);
      return {
        store: q.store,
        from: q.from,
        to: q.to,
        records: records
          .sort(
            (a, b) =>
              order(a.status) - order(b.status) ||
              a.date.localeCompare(b.date) ||
              a.employee.localeCompare(b.employee),
          )
          .map((r) => ({
            employee: r.employee,
            name: names.get(r.employee) ?? r.employee,
            date: r.date,
            shift: r.shift ? { start: r.shift.start, end: r.shift.end, role: r.shift.role } : null,
            clockIn: r.clockIn ?? null,
            clockOut: r.clockOut ?? null,
            status: r.status,
            lateMinutes: r.lateMinutes,
            earlyLeaveMinutes: r.earlyLeaveMinutes,
            paidHours: r.paidMinutes / 60,
            overtimeHours: r.overtimeMinutes / 60,
            zh: r.zh,
            en: r.en,
          })),
        accruals: accrue(records, staff, rules, q.from, q.to).map((a) => ({
          employee: a.employee,
          name: names.get(a.employee) ?? a.employee,
          paidHours: a.paidHours,
          regularHours: a.regularHours,
          overtime: a.overtime,
          pay: yuan(a.payFen),
          breaches: a.breaches,
        })),
      };
    },
  );
}

function refuseViolations(violations: { rule: string; employee: string; zh: string; en: string }[]): void {
  const first = violations[0];
  if (first)
    throw new ZhongtaiError(
      'BAD_REQUEST',
      {
        en: `The roster breaks ${violations.length} rule(s); first: [${first.rule}] ${first.employee} ${first.en}`,
        zh: `排班违反 ${violations.length} 条规则，第一条：[${first.rule}] ${first.employee} ${first.zh}`,
      },
      { field: 'shifts' },
    );
}

import { addDays, daysBetween, isoWeekday, mondayOf, parseIsoDate } from '../model/index.js';
import { openingOf, packOf, paidMinutes, type RulesFile, timeOf } from './rules.js';
import type { Requirement, Shift, StaffMember, Violation } from './types.js';

/**
 * Every hard rule a roster breaks, read from the roster itself. Written apart from the solver (which never calls
 * it to build its model) so that "the solver's rosters break no rule" is a claim a second piece of code checks.
 */
export function checkRoster(
  shifts: readonly Shift[],
  staff: readonly StaffMember[],
  rules: RulesFile,
  requirements: readonly Requirement[] = [],
): Violation[] {
  const pack = packOf(rules);
  const out: Violation[] = [];
  const add = (rule: string, employee: string, date: string | undefined, zh: string, en: string) =>
    out.push({ rule, employee, ...(date ? { date } : {}), zh, en });
  const byId = new Map(staff.map((s) => [s.id, s]));
  const window = demandWindows(requirements);
  const mine = new Map<string, Shift[]>();
  for (const shift of shifts) {
    const who = byId.get(shift.employee);
    const at = `${shift.date} ${timeOf(shift.start)}–${timeOf(shift.end % 1440)}`;
    if (!who) {
      add(
        'unknown_employee',
        shift.employee,
        shift.date,
        `${shift.employee} 不在员工名单中`,
        `${shift.employee} is not on the staff list`,
      );
      continue;
    }
    if (who.store !== shift.store)
      add(
        'wrong_store',
        who.id,
        shift.date,
        `${who.id} 属于门店 ${who.store}，却排在 ${shift.store}`,
        `${who.id} belongs to store ${who.store}, scheduled at ${shift.store}`,
      );
    if (!who.skills.includes(shift.role))
      add(
        'skill',
        who.id,
        shift.date,
        `${who.id} 没有岗位技能「${shift.role}」（${at}）`,
        `${who.id} lacks the skill ${shift.role} (${at})`,
      );
    // Every day the shift touches: a night shift's next morning too.
    for (let k = 0; k < Math.ceil(shift.end / 1440); k += 1) {
      const day = addDays(shift.date, k);
      if (who.unavailable.has(day))
        add(
          'unavailable',
          who.id,
          day,
          `${who.id} 在 ${day} 不可排班，却排了 ${at}`,
          `${who.id} is unavailable on ${day} but works ${at}`,
        );
    }
    const length = shift.end - shift.start;
    if (length < rules.shift.minHours * 60 || length > rules.shift.maxHours * 60)
      add(
        'shift_length',
        who.id,
        shift.date,
        `班次 ${at} 长 ${length / 60} 小时，应在 ${rules.shift.minHours}–${rules.shift.maxHours} 小时之间`,
        `shift ${at} lasts ${length / 60} h, outside ${rules.shift.minHours}–${rules.shift.maxHours} h`,
      );
    if (shift.start % rules.shift.startEvery !== 0 || length % rules.shift.startEvery !== 0)
      add(
        'shift_grid',
        who.id,
        shift.date,
        `班次 ${at} 不在每 ${rules.shift.startEvery} 分钟的排班网格上`,
        `shift ${at} is off the ${rules.shift.startEvery}-minute grid`,
      );
    const opening = openingOf(rules, isoWeekday(shift.date)) ?? window.get(`${shift.store} ${shift.date}`);
    if (opening && (shift.start < opening.open || shift.end > opening.close))
      add(
        'opening_hours',
        who.id,
        shift.date,
        `班次 ${at} 超出营业/排班时间 ${timeOf(opening.open)}–${timeOf(opening.close % 1440)}`,
        `shift ${at} is outside ${timeOf(opening.open)}–${timeOf(opening.close % 1440)}`,
      );
    mine.set(who.id, [...(mine.get(who.id) ?? []), shift]);
  }
  for (const [id, own] of mine) checkEmployee(byId.get(id) as StaffMember, own, rules, pack, add);
  return out;
}

type Add = (rule: string, employee: string, date: string | undefined, zh: string, en: string) => void;

function checkEmployee(
  who: StaffMember,
  shifts: Shift[],
  rules: RulesFile,
  pack: ReturnType<typeof packOf>,
  add: Add,
) {
  const abs = (s: Shift) => ({
    from: parseIsoDate(s.date) / 60_000 + s.start,
    to: parseIsoDate(s.date) / 60_000 + s.end,
  });
  const sorted = [...shifts].sort((a, b) => abs(a).from - abs(b).from);
  const paidByDate = new Map<string, number>();
  for (const s of sorted)
    paidByDate.set(s.date, (paidByDate.get(s.date) ?? 0) + paidMinutes(rules, s.end - s.start));
  const perDay = new Map<string, number>();
  for (const s of sorted) perDay.set(s.date, (perDay.get(s.date) ?? 0) + 1);
  for (const [date, n] of perDay)
    if (n > rules.shift.maxPerDay)
      add(
        'one_shift_a_day',
        who.id,
        date,
        `${date} 排了 ${n} 个班次（每天最多 ${rules.shift.maxPerDay} 个）`,
        `${n} shifts on ${date} (at most ${rules.shift.maxPerDay})`,
      );
  for (const [date, paid] of paidByDate)
    if (paid > pack.maxDailyHours * 60)
      add(
        'daily_hours',
        who.id,
        date,
        `${date} 工作 ${paid / 60} 小时，超过每日 ${pack.maxDailyHours} 小时`,
        `${paid / 60} h on ${date}, over the daily ${pack.maxDailyHours} h`,
      );
  for (let i = 1; i < sorted.length; i += 1) {
    const before = abs(sorted[i - 1] as Shift);
    const next = abs(sorted[i] as Shift);
    const date = (sorted[i] as Shift).date;
    if (next.from < before.to)
      add(
        'overlap',
        who.id,
        date,
        `${date} 的班次与前一班次重叠`,
        `the shift on ${date} overlaps the one before`,
      );
    else if (next.from - before.to < pack.minDailyRestHours * 60)
      add(
        'daily_rest',
        who.id,
        date,
        `${date} 上班前只休息了 ${(next.from - before.to) / 60} 小时（至少 ${pack.minDailyRestHours} 小时）`,
        `only ${(next.from - before.to) / 60} h rest before ${date} (at least ${pack.minDailyRestHours} h)`,
      );
  }
  // Days touched by work: a night shift makes its next morning a working day too.
  const worked = new Set<string>();
  for (const s of sorted) {
    const last = Math.ceil(s.end / 1440) - 1;
    for (let d = 0; d <= last; d += 1) worked.add(addDays(s.date, d));
  }
  const days = [...worked].sort();
  let run = 0;
  for (let i = 0; i < days.length; i += 1) {
    run = i > 0 && daysBetween(days[i - 1] as string, days[i] as string) === 1 ? run + 1 : 1;
    if (run === rules.maxConsecutiveDays + 1)
      add(
        'consecutive_days',
        who.id,
        days[i],
        `连续工作超过 ${rules.maxConsecutiveDays} 天（至 ${days[i]}）`,
        `more than ${rules.maxConsecutiveDays} days in a row (to ${days[i]})`,
      );
  }
  // Calendar weeks, Monday first.
  const weeks = new Map<string, { paid: number; days: Set<string>; starts: Set<string> }>();
  for (const s of sorted) {
    const w = mondayOf(s.date);
    const entry = weeks.get(w) ?? { paid: 0, days: new Set<string>(), starts: new Set<string>() };
    entry.paid += paidMinutes(rules, s.end - s.start);
    entry.starts.add(s.date);
    weeks.set(w, entry);
  }
  for (const day of worked) weeks.get(mondayOf(day))?.days.add(day);
  for (const [week, { paid, days: inWeek, starts }] of weeks) {
    const hours = paid / 60;
    if (inWeek.size > 7 - pack.minRestDaysPerWeek)
      add(
        'rest_days',
        who.id,
        week,
        `${week} 当周工作 ${inWeek.size} 天，少于每周 ${pack.minRestDaysPerWeek} 个休息日`,
        `${inWeek.size} working days in the week of ${week}, fewer than ${pack.minRestDaysPerWeek} rest day(s)`,
      );
    if (hours > who.maxHours + 1e-9)
      add(
        'contract_hours',
        who.id,
        week,
        `${week} 当周 ${hours} 小时，超过合同上限 ${who.maxHours} 小时`,
        `${hours} h in the week of ${week}, over the contract's ${who.maxHours} h`,
      );
    if (who.contract === 'part_time') {
      if (hours > pack.partTime.maxWeeklyHours)
        add(
          'part_time_weekly',
          who.id,
          week,
          `非全日制员工 ${week} 当周 ${hours} 小时，超过 ${pack.partTime.maxWeeklyHours} 小时`,
          `part-time: ${hours} h in the week of ${week}, over ${pack.partTime.maxWeeklyHours} h`,
        );
      if (hours > pack.partTime.maxAverageDailyHours * starts.size + 1e-9)
        add(
          'part_time_daily',
          who.id,
          week,
          `非全日制员工 ${week} 当周日均 ${(hours / starts.size).toFixed(2)} 小时，超过 ${pack.partTime.maxAverageDailyHours} 小时`,
          `part-time: ${(hours / starts.size).toFixed(2)} h a day on average in the week of ${week}, over ${pack.partTime.maxAverageDailyHours} h`,
        );
    }
  }
  // Weekly hours, averaged over the pack's period (or the weeks planned, when fewer).
  const ordered = [...weeks.keys()].sort();
  if (ordered.length > 0) {
    const first = ordered[0] as string;
    const span = daysBetween(first, ordered.at(-1) as string) / 7 + 1;
    const size = Math.min(pack.averageWeeks, span);
    for (let w = 0; w + size <= span; w += 1) {
      let paid = 0;
      for (let k = 0; k < size; k += 1) paid += weeks.get(addDays(first, (w + k) * 7))?.paid ?? 0;
      const average = paid / 60 / size;
      if (average > pack.maxWeeklyHours + 1e-9)
        add(
          'weekly_hours',
          who.id,
          addDays(first, w * 7),
          `${size > 1 ? `${size} 周平均` : '当周'} ${average} 小时，超过每周 ${pack.maxWeeklyHours} 小时`,
          `${size > 1 ? `${size}-week average of ` : ''}${average} h a week, over ${pack.maxWeeklyHours} h`,
        );
    }
  }
}

/** Per store and date, from the first interval with demand to the end of the last: when shifts may be placed. */
export function demandWindows(
  requirements: readonly Requirement[],
): Map<string, { open: number; close: number }> {
  const out = new Map<string, { open: number; close: number }>();
  for (const r of requirements) {
    if (r.required <= 0) continue;
    const key = `${r.store} ${r.date}`;
    const w = out.get(key);
    out.set(key, { open: Math.min(w?.open ?? r.start, r.start), close: Math.max(w?.close ?? r.end, r.end) });
  }
  return out;
}

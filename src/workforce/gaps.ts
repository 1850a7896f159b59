import { addDays, isoWeekday, parseIsoDate } from '../model/index.js';
import type { Candidate, Grid } from './candidates.js';
import { packOf, type RulesFile, timeOf } from './rules.js';

/** Demand a roster leaves uncovered, and why each person who has the skill is not there. */
export interface Gap {
  date: string;
  skill: string;
  /** Minutes after the date's midnight. */
  start: number;
  end: number;
  /** Staff-hours missing over the gap. */
  missingHours: number;
  reasons: { rule: GapReason; employees: string[] }[];
  zh: string;
  en: string;
}

export type GapReason =
  | 'no_skill'
  | 'unavailable'
  | 'other_role'
  | 'one_shift_a_day'
  | 'weekly_hours'
  | 'rest_days'
  | 'daily_rest'
  | 'trade_off';

const WORDS: Record<GapReason, { zh: string; en: string }> = {
  no_skill: { zh: '没有员工具备该技能', en: 'nobody has the skill' },
  unavailable: { zh: '当天不可排班', en: 'unavailable that day' },
  other_role: { zh: '此时在做其他岗位', en: 'working another role then' },
  one_shift_a_day: {
    zh: '当天已有其他班次（每天一个班次）',
    en: 'already on another shift that day (one a day)',
  },
  weekly_hours: { zh: '本周工时已到上限', en: 'at the week’s hour limit' },
  rest_days: { zh: '本周需保留休息日', en: 'needs the week’s rest day' },
  daily_rest: { zh: '与前后班次之间休息不足', en: 'too little rest from the shift before or after' },
  trade_off: {
    zh: '可排但不划算（最短班次会在其他时段过剩，或工时更需要在别处）',
    en: 'could work, but a shortest shift would overstaff other hours or the hours are needed elsewhere',
  },
};

export function explainGaps(grid: Grid, chosen: readonly Candidate[], rules: RulesFile): Gap[] {
  const pack = packOf(rules);
  const slotsPerDay = 1440 / grid.step;
  const staffed = grid.demand.map((d) => new Float64Array(d.length));
  for (const c of chosen) {
    const row = staffed[c.role] as Float64Array;
    for (const t of c.slots) row[t] = (row[t] as number) + 1;
  }
  const shiftsOf = new Map<number, Candidate[]>();
  for (const c of chosen) shiftsOf.set(c.employee, [...(shiftsOf.get(c.employee) ?? []), c]);
  const gaps: Gap[] = [];
  grid.demand.forEach((need, role) => {
    const have = staffed[role] as Float64Array;
    const skill = grid.skills[role] as string;
    let t = 0;
    while (t < need.length) {
      if ((need[t] as number) <= (have[t] as number)) {
        t += 1;
        continue;
      }
      const day = Math.floor(t / slotsPerDay);
      const from = t;
      let missing = 0;
      while (
        t < need.length &&
        Math.floor(t / slotsPerDay) === day &&
        (need[t] as number) > (have[t] as number)
      ) {
        missing += ((need[t] as number) - (have[t] as number)) * (grid.step / 60);
        t += 1;
      }
      const date = grid.dates[day] ?? addDays(grid.dates.at(-1) as string, 1);
      const minute = (from - day * slotsPerDay) * grid.step;
      const reasons = new Map<GapReason, string[]>();
      const note = (r: GapReason, who: string) => reasons.set(r, [...(reasons.get(r) ?? []), who]);
      const qualified = grid.staff.map((s, e) => ({ s, e })).filter(({ s }) => s.skills.includes(skill));
      if (qualified.length === 0) reasons.set('no_skill', []);
      for (const { s, e } of qualified) {
        const own = shiftsOf.get(e) ?? [];
        const weekStart = mondayIndex(grid, day);
        const inWeek = own.filter((c) => c.day >= weekStart && c.day < weekStart + 7);
        const paid = inWeek.reduce((sum, c) => sum + c.paid, 0) / 60;
        const cap = Math.min(
          s.maxHours,
          pack.averageWeeks === 1 ? pack.maxWeeklyHours : Number.POSITIVE_INFINITY,
          s.contract === 'part_time' ? pack.partTime.maxWeeklyHours : Number.POSITIVE_INFINITY,
        );
        if (s.unavailable.has(date)) note('unavailable', s.id);
        else if (own.some((c) => c.role !== role && c.slots.includes(from))) note('other_role', s.id);
        else if (own.some((c) => c.day === day)) note('one_shift_a_day', s.id);
        else if (paid + rules.shift.minHours > cap + 1e-9) note('weekly_hours', s.id);
        else if (new Set(inWeek.map((c) => c.day)).size >= 7 - pack.minRestDaysPerWeek)
          note('rest_days', s.id);
        else if (
          pack.minDailyRestHours > 0 &&
          own.some(
            (c) =>
              (c.day === day - 1 && c.end - 1440 + pack.minDailyRestHours * 60 > minute) ||
              (c.day === day + 1 &&
                1440 + c.start - pack.minDailyRestHours * 60 < minute + rules.shift.minHours * 60),
          )
        )
          note('daily_rest', s.id);
        else note('trade_off', s.id);
      }
      const list = [...reasons].map(([rule, employees]) => ({ rule, employees }));
      const span = `${date} ${timeOf(minute)}–${timeOf(((t - day * slotsPerDay) * grid.step) % 1440)}`;
      const words = (lang: 'zh' | 'en') =>
        list
          .map(
            ({ rule, employees }) =>
              `${employees.length > 0 ? `${employees.join(lang === 'zh' ? '、' : ', ')}: ` : ''}${WORDS[rule][lang]}`,
          )
          .join(lang === 'zh' ? '；' : '; ');
      gaps.push({
        date,
        skill,
        start: minute,
        end: (t - day * slotsPerDay) * grid.step,
        missingHours: missing,
        reasons: list,
        zh: `${span} ${skill} 缺 ${missing} 人时 — ${words('zh')}`,
        en: `${span} ${skill} short by ${missing} staff-hours — ${words('en')}`,
      });
    }
  });
  return gaps.sort(
    (a, b) => a.date.localeCompare(b.date) || a.start - b.start || a.skill.localeCompare(b.skill),
  );
}

/** The horizon day index of the Monday of `day`'s week (may be negative). */
const mondayIndex = (grid: Grid, day: number) => {
  const date = addDays(grid.dates[0] as string, day);
  return day - (isoWeekday(date) - 1);
};

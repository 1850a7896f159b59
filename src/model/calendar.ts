import chineseDays from 'chinese-days';

/**
 * The mainland-China retail calendar. Public holidays and make-up working days (调休) come from the
 * State Council schedules shipped in `chinese-days`; a year not yet announced there gets the statutory
 * festivals placed by the lunar calendar and is marked `estimated`, without make-up days.
 */
export interface CalendarDay {
  date: string;
  weekday: number;
  iso_year: number;
  iso_week: number;
  month: number;
  quarter: number;
  year: number;
  is_workday: boolean;
  is_holiday: boolean;
  is_makeup_workday: boolean;
  holiday_name: string | null;
  holiday_source: 'official' | 'estimated' | 'none';
  spring_festival_offset: number;
}

export const CALENDAR_FIRST_YEAR = 2013;
export const CALENDAR_LAST_YEAR = 2027;

const DAY_MS = 86_400_000;

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function parseIsoDate(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** A calendar day `days` later (earlier when negative): 2026-02-28 + 1 → 2026-03-01. */
export function addDays(date: string, days: number): string {
  return isoDate(parseIsoDate(date) + days * DAY_MS);
}

/** Days from one calendar day to another: 2026-03-01 − 2026-02-28 → 1. */
/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export const isoWeekday = (date: string): number => ((new Date(parseIsoDate(date)).getUTCDay() + 6) % 7) + 1;

/** The Monday of a date's ISO week. */
export const mondayOf = (date: string): string => addDays(date, 1 - isoWeekday(date));

export function daysBetween(from: string, to: string): number {
  return Math.round((parseIsoDate(to) - parseIsoDate(from)) / DAY_MS);
}

function isoWeek(ms: number): { isoYear: number; week: number } {
  const day = new Date(ms);
  const weekday = (day.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = ms + (3 - weekday) * DAY_MS;
  const isoYear = new Date(thursday).getUTCFullYear();
  const firstThursday = Date.UTC(isoYear, 0, 4);
  const firstWeekday = (new Date(firstThursday).getUTCDay() + 6) % 7;
  const week1Monday = firstThursday - firstWeekday * DAY_MS;
  return { isoYear, week: Math.floor((ms - week1Monday) / (7 * DAY_MS)) + 1 };
}

function springFestival(year: number): number {
  return parseIsoDate(chineseDays.getSolarDateFromLunar(`${year}-01-01`).date);
}

/** The years the bundled State Council schedules cover; later years are estimated. */
function hasOfficialSchedule(year: number): boolean {
  return chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
}

function estimatedHolidays(year: number): Map<string, string> {
  const days = new Map<string, string>();
  const span = (startMs: number, count: number, name: string) => {
    for (let i = 0; i < count; i++) days.set(isoDate(startMs + i * DAY_MS), name);
  };
  const lunar = (monthDay: string) =>
    parseIsoDate(chineseDays.getSolarDateFromLunar(`${year}-${monthDay}`).date);
  const qingming = chineseDays
    .getSolarTermsInRange(`${year}-04-01`, `${year}-04-10`)
    .find((t) => t.name === '清明');
  span(Date.UTC(year, 0, 1), 1, "New Year's Day,元旦");
  span(springFestival(year) - DAY_MS, 8, 'Spring Festival,春节');
  if (qingming) span(parseIsoDate(qingming.date), 1, 'Tomb-sweeping Day,清明');
  span(Date.UTC(year, 4, 1), 5, 'Labour Day,劳动节');
  span(lunar('05-05'), 1, 'Dragon Boat Festival,端午');
  span(lunar('08-15'), 1, 'Mid-autumn Festival,中秋');
  span(Date.UTC(year, 9, 1), 7, 'National Day,国庆节');
  return days;
}

/**
 * The statutory holidays (法定节假日) themselves, on which work is paid at 300% (劳动法第四十四条) — not the
 * weekends and swapped days that make a golden week, which are rest days (200%). As the State Council's
 * 全国年节及纪念日放假办法 fixes them: from 2025 New Year's Eve and the first three days of the Spring
 * Festival and 1–2 May; from 2014 to 2024 the first three days and 1 May (earlier years as 2014).
 */
export function isStatutoryHoliday(date: string): boolean {
  const year = Number(date.slice(0, 4));
  const ms = parseIsoDate(date);
  const lunar = (monthDay: string) =>
    parseIsoDate(chineseDays.getSolarDateFromLunar(`${year}-${monthDay}`).date);
  const sf = springFestival(year);
  const days = new Set<number>([
    Date.UTC(year, 0, 1),
    Date.UTC(year, 4, 1),
    Date.UTC(year, 9, 1),
    Date.UTC(year, 9, 2),
    Date.UTC(year, 9, 3),
  ]);
  for (let k = year >= 2025 ? -1 : 0; k < 3; k += 1) days.add(sf + k * DAY_MS);
  if (year >= 2025) days.add(Date.UTC(year, 4, 2));
  days.add(lunar('05-05'));
  days.add(lunar('08-15'));
  const qingming = chineseDays
    .getSolarTermsInRange(`${year}-04-01`, `${year}-04-10`)
    .find((t) => t.name === '清明');
  if (qingming) days.add(parseIsoDate(qingming.date));
  return days.has(ms);
}

function holidayName(detailName: string): string | null {
  const parts = detailName.split(',');
  return parts.length >= 2 ? `${parts[1]}` : null;
}

export function buildCalendar(firstYear = CALENDAR_FIRST_YEAR, lastYear = CALENDAR_LAST_YEAR): CalendarDay[] {
  const days: CalendarDay[] = [];
  for (let year = firstYear; year <= lastYear; year++) {
    const official = hasOfficialSchedule(year);
    const estimated = official ? null : estimatedHolidays(year);
    const festival = springFestival(year);
    const nextFestival = springFestival(year + 1);
    for (let ms = Date.UTC(year, 0, 1); ms < Date.UTC(year + 1, 0, 1); ms += DAY_MS) {
      const date = isoDate(ms);
      const weekday = ((new Date(ms).getUTCDay() + 6) % 7) + 1;
      const weekend = weekday >= 6;
      let isWorkday: boolean;
      let name: string | null;
      if (estimated) {
        name = holidayName(estimated.get(date) ?? '');
        isWorkday = !weekend && name === null;
      } else {
        const detail = chineseDays.getDayDetail(date);
        name = holidayName(detail.name);
        isWorkday = detail.work;
      }
      const isHoliday = name !== null && !isWorkday;
      const { isoYear, week } = isoWeek(ms);
      // Offset to the nearest Spring Festival, so "7 days before 春节" lines up across years.
      const offset =
        Math.abs(ms - nextFestival) < Math.abs(ms - festival) ? ms - nextFestival : ms - festival;
      days.push({
        date,
        weekday,
        iso_year: isoYear,
        iso_week: week,
        month: new Date(ms).getUTCMonth() + 1,
        quarter: Math.floor(new Date(ms).getUTCMonth() / 3) + 1,
        year,
        is_workday: isWorkday,
        is_holiday: isHoliday,
        is_makeup_workday: weekend && isWorkday,
        holiday_name: isHoliday ? name : weekend && isWorkday ? `调休上班(${name ?? ''})` : null,
        holiday_source: name === null ? 'none' : estimated ? 'estimated' : 'official',
        spring_festival_offset: Math.round(offset / DAY_MS),
      });
    }
  }
  return days;
}

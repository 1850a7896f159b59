import { describe, expect, it } from 'vitest';
import { buildCalendar } from './calendar.js';

const calendar = buildCalendar();
const day = (date: string) => {
  const found = calendar.find((d) => d.date === date);
  if (!found) throw new Error(`no ${date}`);
  return found;
};

describe('mainland-China calendar', () => {
  it('covers 2013 to 2027 day by day', () => {
    expect(calendar[0]?.date).toBe('2013-01-01');
    expect(calendar.at(-1)?.date).toBe('2027-12-31');
    expect(calendar).toHaveLength(5478);
  });

  it('marks Spring Festival 2024 as a holiday and its Sunday make-up working day', () => {
    expect(day('2024-02-10')).toMatchObject({
      is_holiday: true,
      is_workday: false,
      spring_festival_offset: 0,
    });
    // 2024-02-04 was a Sunday worked in exchange for the Spring Festival break.
    expect(day('2024-02-04')).toMatchObject({ weekday: 7, is_workday: true, is_makeup_workday: true });
  });

  it('numbers ISO weeks across the year boundary', () => {
    expect(day('2024-12-30')).toMatchObject({ iso_year: 2025, iso_week: 1, weekday: 1 });
    expect(day('2021-01-03')).toMatchObject({ iso_year: 2020, iso_week: 53, weekday: 7 });
  });

  it('estimates National Day 2027 from the statutory festivals when no schedule is published', () => {
    expect(day('2027-10-01')).toMatchObject({ is_holiday: true, holiday_source: 'estimated' });
    expect(day('2027-02-06').spring_festival_offset).toBe(0);
  });
});

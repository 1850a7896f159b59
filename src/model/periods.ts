/**
 * The whole-period presets counted back from the newest day with data, as the CLI (`query --period`) and the
 * web app (上周, 上月) both offer them. Pure, with no imports: the web app bundles it too.
 */
const plusDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** 上周: the last whole week (Monday to Sunday) before the week of the newest data. */
export function lastWeek(dataEnd: string): { from: string; to: string } {
  const weekday = (new Date(`${dataEnd}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  const monday = plusDays(dataEnd, -weekday - 7);
  return { from: monday, to: plusDays(monday, 6) };
}

/** 上月: the last whole calendar month before the month of the newest data. */
export function lastMonth(dataEnd: string): { from: string; to: string } {
  const to = plusDays(`${dataEnd.slice(0, 7)}-01`, -1);
  return { from: `${to.slice(0, 7)}-01`, to };
}

/** The whole calendar month a day (YYYY-MM-DD) or a month (YYYY-MM) falls in. */
export function wholeMonth(day: string): { from: string; to: string } {
  const from = `${day.slice(0, 7)}-01`;
  const [y, m] = from.split('-').map(Number) as [number, number];
  return { from, to: new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10) };
}

/**
 * A saved question's period as of the newest data: this month or year to date, the last N days, or its own fixed
 * range — what a tile shows, an embed link allows and a subscription sends.
 */
export function questionPeriod(
  question: {
    toDate?: 'month' | 'year' | undefined;
    rangeDays?: number | undefined;
    range: { from: string; to: string };
  },
  dataEnd: string,
): { from: string; to: string } {
  if (question.toDate)
    return {
      from: question.toDate === 'year' ? `${dataEnd.slice(0, 4)}-01-01` : `${dataEnd.slice(0, 7)}-01`,
      to: dataEnd,
    };
  if (question.rangeDays) return { from: plusDays(dataEnd, 1 - question.rangeDays), to: dataEnd };
  return question.range;
}

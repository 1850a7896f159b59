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

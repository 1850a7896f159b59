import { addDays, type Lang } from '../format';

export const WEEKDAYS: Record<Lang, string[]> = {
  zh: ['周一', '周二', '周三', '周四', '周五', '周六', '周日'],
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
};

export const ROLE_NAMES: Record<string, { zh: string; en: string }> = {
  cashier: { zh: '收银', en: 'cashier' },
  clerk: { zh: '理货', en: 'clerk' },
  fresh_clerk: { zh: '生鲜', en: 'fresh' },
  supervisor: { zh: '值班主管', en: 'supervisor' },
  sales: { zh: '导购', en: 'sales' },
};

export const roleName = (role: string, lang: Lang): string => ROLE_NAMES[role]?.[lang] ?? role;

/** Minutes after midnight as HH:MM (a next morning's hour as 26:00 stays 02:00). */
export const hhmm = (minutes: number): string =>
  `${String(Math.floor((minutes % 1440) / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The Monday of a date's week. */
export const mondayOf = (date: string): string =>
  addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));

export const STATUS: Record<string, { zh: string; en: string }> = {
  ok: { zh: '正常', en: 'on time' },
  late: { zh: '迟到', en: 'late' },
  early_leave: { zh: '早退', en: 'left early' },
  late_and_early: { zh: '迟到且早退', en: 'late, left early' },
  absent: { zh: '缺勤', en: 'absent' },
  missing_clock: { zh: '缺卡', en: 'missing punch' },
  unscheduled: { zh: '无排班打卡', en: 'unscheduled' },
};

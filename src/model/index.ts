export { ZhongtaiError, isZhongtaiError, type ErrorCode, type ErrorPlace } from './errors.js';
export { TABLES, tableByName, type Column, type ColumnType, type Table } from './tables.js';
export {
  buildCalendar,
  isoDate,
  parseIsoDate,
  CALENDAR_FIRST_YEAR,
  CALENDAR_LAST_YEAR,
  type CalendarDay,
} from './calendar.js';

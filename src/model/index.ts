export {
  addDays,
  buildCalendar,
  CALENDAR_FIRST_YEAR,
  CALENDAR_LAST_YEAR,
  type CalendarDay,
  daysBetween,
  isoDate,
  isoWeekday,
  isStatutoryHoliday,
  mondayOf,
  parseIsoDate,
} from './calendar.js';
export { CHAIN_TIME_ZONE, chainLocal, chainToday, fromChainLocal } from './chain-time.js';
export { csvCell, csvLines } from './csv.js';
export { type ErrorCode, type ErrorPlace, isZhongtaiError, ZhongtaiError } from './errors.js';
export { fenOf, yuan } from './money.js';
export { parseInput } from './parse.js';
export { lastMonth, lastWeek, questionPeriod, wholeMonth } from './periods.js';
export { seededRandom } from './random.js';
export { ALL_DATA, type DataScope, GRANT_KINDS, type Grant, type GrantKind, scopeKey } from './scope.js';
export {
  type Column,
  type ColumnType,
  FIRST_VERSION,
  STORE_VERSIONED,
  TABLES,
  type Table,
  tableByName,
} from './tables.js';
export { takingTurns } from './turns.js';
export { PACKAGE_ROOT, packageVersion } from './version.js';
export { startWorker } from './worker.js';

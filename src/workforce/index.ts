export {
  type Accrual,
  type AttendancePolicy,
  type AttendanceRecord,
  type AttendanceStatus,
  accrue,
  attendance,
  type ClockEvent,
  DEFAULT_POLICY,
} from './attendance.js';
export { buildGrid, type Candidate, type Grid } from './candidates.js';
export { type RosterVersion, WorkforceCenter } from './center.js';
export { checkRoster, demandWindows } from './check.js';
export { type ClockSubscription, punchOf, subscribeClocks } from './clock-mqtt.js';
export {
  parseRules,
  ROSTER_HEADER,
  readClockFile,
  readRequirements,
  readRoster,
  readRules,
  readStaff,
  readStandards,
  requirementsCsv,
  rosterCsv,
} from './files.js';
export { explainGaps, type Gap, type GapReason } from './gaps.js';
export {
  forecastIntervals,
  INTERVAL_FORECAST,
  type IntervalForecastOptions,
  type IntervalHistory,
  seasonalNaive,
  wape,
} from './interval-forecast.js';
export { type StoreJob, scheduleStores } from './parallel.js';
export { relayWorkforce, startWorkforceRelay } from './relay.js';
export { packOf, RULE_PACKS, type RulePack, type RulesFile, rulesFileSchema } from './rules.js';
export { coverage, type ScheduleOptions, type StoreSchedule, scheduleStore } from './solve.js';
export { DEMO_STANDARDS, type StaffingPlan, staffFromWarehouse, staffingPlan } from './staffing.js';
export {
  type DriverInterval,
  type LabourStandards,
  parseStandards,
  requirementsFrom,
  standardsSchema,
} from './standards.js';
export type { Contract, Requirement, Shift, StaffMember, Violation } from './types.js';
export { scoreRoster, solveWeek, type WeekInputs, weekInputs, weekPlan } from './week.js';

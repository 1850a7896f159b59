export { type Cohort, memberCohorts } from './cohorts.js';

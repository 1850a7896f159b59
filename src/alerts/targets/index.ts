export { allocate, type PhaseSummary, phaseTargets, TARGET_KPIS, type TargetKpi } from './phase.js';

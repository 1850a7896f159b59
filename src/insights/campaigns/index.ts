export { type Design, estimateLift, type Lift, type MemberOutcome, spendBands } from './estimate.js';
export { type CampaignEvaluation, type EvaluateOptions, evaluateCampaigns } from './evaluate.js';
export { saveCampaignResults } from './save.js';

export { type Design, estimateLift, type Lift, type MemberOutcome, spendBands } from './estimate.js';
export { type CampaignEvaluation, type EvaluateOptions, evaluateCampaigns } from './evaluate.js';
export { saveCampaignResults, savedCampaignResults } from './save.js';
export { type CampaignSeries, campaignSeries } from './series.js';

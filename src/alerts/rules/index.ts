export { type Breach, type Found, findBreaches } from './breaches.js';
export { type AlertEvent, type AlertRule, AlertRules, type Evaluation, type PreviewRow } from './rules.js';

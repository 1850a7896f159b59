export { type AlertRule, AlertRules, type Evaluation } from './rules.js';

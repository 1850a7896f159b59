export { type Breach, type Found, findBreaches, formatValue } from './breaches.js';
export {
  type AlertRule,
  AlertRules,
  type Evaluation,
  tablesRead,
} from './rules.js';

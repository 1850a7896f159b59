export { type Breach, type Found, findBreaches, formatValue } from './breaches.js';
export {
  type AlertEvent,
  type AlertRule,
  AlertRules,
  type Evaluation,
  type PreviewRow,
  tablesRead,
} from './rules.js';

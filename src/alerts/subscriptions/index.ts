export { chromiumPath, renderDashboard } from './render.js';
export { type SubscriptionRun, Subscriptions } from './subscriptions.js';

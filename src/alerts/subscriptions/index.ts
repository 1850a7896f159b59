export { chromiumPath, renderDashboard } from './render.js';
export { type Subscription, type SubscriptionRun, Subscriptions } from './subscriptions.js';

export { type ClerkResult, clerkAttribution } from './clerks.js';
export { type FunnelBy, type FunnelGroup, type FunnelMonth, tierConversion, tierFunnel } from './funnel.js';
export { type UpgradeEffect, upgradeEffect } from './upgrade-effect.js';

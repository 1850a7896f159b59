export * from './access/index.js';
export {
  type Dashboard,
  type DashboardActor,
  type DashboardInput,
  type DashboardVersion,
  dashboardActorOf,
  dashboardInputSchema,
  dashboards,
  EVERYONE_VIEWS,
  explorationSchema,
  type Share,
  SYSTEM_ACTOR,
  shareSchema,
  type Tile,
  tileSchema,
} from './dashboards.js';
export { seedDemoDashboards } from './demo-dashboards.js';
export {
  createEmbedLink,
  type EmbedRequest,
  embedRequestSchema,
  openEmbedLink,
  verifyEmbedLink,
} from './embed.js';
export { runEvery } from './every.js';
export { migrate, type SchemaStep } from './migrations.js';
export { seal, storedKey, unseal } from './secrets.js';
export { type AppStore, type AppStoreOptions, openAppStore, type Queryable } from './store.js';
export { readTheme, saveTheme, type Theme, themeSchema } from './theme.js';

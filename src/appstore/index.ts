export * from './access/index.js';
export {
  type Dashboard,
  type DashboardInput,
  dashboardInputSchema,
  dashboards,
  explorationSchema,
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
export { type AppStore, type AppStoreOptions, openAppStore } from './store.js';
export { readTheme, saveTheme, type Theme, themeSchema } from './theme.js';

/**
 * The API's contract, written once: requests as zod schemas (the server parses with them, the OpenAPI
 * document is generated from them) and answers as types. The web app imports it as types only, so its
 * bundle holds no server code; zod is the one import here, and the web app type-checks this folder with its
 * own settings.
 */
export * from './access.js';
export * from './alerts.js';
export * from './anomalies.js';
export * from './answers.js';
export * from './dashboards.js';
export * from './insights.js';
export * from './member-analytics.js';
export * from './members.js';
export * from './promotions.js';
export * from './query.js';
export * from './workforce.js';

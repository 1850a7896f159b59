export { packageVersion } from '../model/index.js';
export { buildServer, type ServerOptions } from './app.js';
export { type ApiRoute, apiRoutesOf } from './auth.js';
export { LOG_LEVELS, type LogLevel, reopenableLogFile } from './log.js';
export { openApiDocument } from './openapi.js';

export { buildServer, packageVersion, type ServerOptions } from './app.js';
export { type ApiRoute, apiRoutesOf } from './auth.js';
export { openApiDocument } from './openapi.js';

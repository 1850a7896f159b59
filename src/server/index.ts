export { buildServer, packageVersion, type ServerOptions } from './app.js';
export { openApiDocument } from './openapi.js';

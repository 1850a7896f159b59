import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { type AppStore, themeSchema } from '../appstore/index.js';
import type { Spec } from '../ingest/index.js';
import { DuckDbEngine, type Engine } from '../warehouse/index.js';
import { installErrorHandler } from './errors.js';
import { openApiDocument } from './openapi.js';
import { catalogRoutes } from './routes/catalog.js';
import { dashboardRoutes } from './routes/dashboards.js';
import { forecastRoutes } from './routes/forecast.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { queryRoutes } from './routes/query.js';
import { replenishRoutes } from './routes/replenish.js';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServerOptions {
  engine: Engine;
  /** Where dashboards and saved questions live; without one, those routes are not served. */
  appStore?: AppStore;
  /** Mapping specs of the sources that may push events (POST /api/v1/ingest/{source}). */
  specs?: Spec[];
  /** Folder of the built web app; defaults to web/dist of this package. */
  webRoot?: string;
  logger?: boolean;
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  // Embed tokens travel in the path and run past the router's default 100 characters for a parameter.
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1_048_576,
    routerOptions: { maxParamLength: 4096 },
  });
  installErrorHandler(app);
  healthRoutes(app, options.engine);
  catalogRoutes(app);
  queryRoutes(app, options.engine);
  if (options.engine instanceof DuckDbEngine) {
    ingestRoutes(app, options.engine, options.specs ?? []);
    forecastRoutes(app, options.engine);
    replenishRoutes(app, options.engine);
  }
  if (options.appStore) dashboardRoutes(app, options.appStore);
  // Without an application store the web app still asks for its theme: the default one.
  else app.get('/api/v1/settings/theme', async () => themeSchema.parse({}));
  const openapi = openApiDocument(packageVersion());
  app.get('/api/v1/openapi.json', async () => openapi);

  const webRoot = options.webRoot ?? join(projectRoot, 'web', 'dist');
  if (existsSync(join(webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: false });
    // Client-side routes of the web app all load its one page.
    app.get('/*', (request, reply) => {
      if (request.url.startsWith('/api/')) return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  } else {
    app.get('/', async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send('The web app is not built: run `npm run build`. 网页端尚未构建，请运行 npm run build。'),
    );
  }
  return app;
}

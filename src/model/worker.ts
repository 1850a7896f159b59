import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** A worker script that registers tsx's loader, then imports the TypeScript worker (Node 20 workers do not inherit it). */
function throughTsx(worker: URL): string {
  // The package's ESM entry (its CommonJS one registers hooks by a path that does not exist in a worker).
  const tsx = pathToFileURL(
    join(
      dirname(createRequire(import.meta.url).resolve('tsx/package.json')),
      'dist',
      'esm',
      'api',
      'index.mjs',
    ),
  ).href;
  return `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(worker.href)}); });`;
}

/**
 * A worker thread running the module `name` (e.g. './worker') beside the caller's module `from` (its
 * import.meta.url): from the TypeScript sources (tests, `tsx`) it loads through tsx, from the build as plain JS.
 */
export function startWorker(from: string, name: string, workerData: unknown): Worker {
  return from.endsWith('.ts')
    ? new Worker(throughTsx(new URL(`${name}.ts`, from)), { eval: true, workerData })
    : new Worker(new URL(`${name}.js`, from), { workerData });
}

import { type Spec, type Subscription, subscribe } from '../ingest/index.js';
import type { Warehouse } from '../warehouse/index.js';

/** Subscribes every spec that has a subscribe section; a broker's errors are reported, not fatal. */
export function startSubscriptions(engine: Warehouse, specs: Spec[]): Promise<Subscription[]> {
  return Promise.all(
    specs
      .filter((spec) => spec.subscribe)
      .map((spec) =>
        subscribe(engine, spec, (error) =>
          console.error(`${spec.source}: ${error instanceof Error ? error.message : error}`),
        ),
      ),
  );
}

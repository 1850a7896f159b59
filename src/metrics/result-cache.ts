import type { Engine } from '../warehouse/index.js';
import type { QueryResult } from './result.js';

/**
 * Answers kept per engine, keyed by the parsed query, and good while the engine has written nothing since
 * (`engine.writes`): a dashboard opened twice, or tiles asking the same KPI row, cost one query, and a load
 * makes every answer be asked again. The caller's resolved scope is part of the key, so an answer kept
 * for one user is never served to a user with other grants.
 */
export class ResultCache {
  private readonly byEngine = new WeakMap<Engine, Map<string, { writes: number; result: QueryResult }>>();

  constructor(private readonly capacity = 256) {}

  get(engine: Engine, key: string): QueryResult | undefined {
    const entries = this.byEngine.get(engine);
    const entry = entries?.get(key);
    if (!entries || !entry) return undefined;
    entries.delete(key);
    if (entry.writes !== engine.writes) return undefined;
    entries.set(key, entry); // most recently used last
    return entry.result;
  }

  set(engine: Engine, key: string, writes: number, result: QueryResult): void {
    let entries = this.byEngine.get(engine);
    if (!entries) {
      entries = new Map();
      this.byEngine.set(engine, entries);
    }
    entries.set(key, { writes, result });
    while (entries.size > this.capacity) entries.delete(entries.keys().next().value as string);
  }
}

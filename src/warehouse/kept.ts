import type { Engine } from './engine.js';

/**
 * Reads kept until the engine's next write: per engine, by key, at most `max` of them (all dropped past
 * that). Calls asking while a read is under way share it; a read that fails is not kept.
 */
export function keptUntilWrite<T>(
  max: number,
): (engine: Engine, key: string, read: () => Promise<T>) => Promise<T> {
  const kept = new WeakMap<Engine, Map<string, { writes: number; value: Promise<T> }>>();
  return (engine, key, read) => {
    let byKey = kept.get(engine);
    if (!byKey) {
      byKey = new Map();
      kept.set(engine, byKey);
    }
    const hit = byKey.get(key);
    if (hit && hit.writes === engine.writes) return hit.value;
    // Taken before reading: a write that lands meanwhile leaves this read stale, and it is asked again.
    const entry = { writes: engine.writes, value: read() };
    if (byKey.size >= max) byKey.clear();
    byKey.set(key, entry);
    const owner = byKey;
    entry.value.catch(() => {
      if (owner.get(key) === entry) owner.delete(key);
    });
    return entry.value;
  };
}

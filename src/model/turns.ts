/**
 * Work that must not overlap, in the order it was asked: calls with the same key run one after another,
 * each once the one before has settled (done or failed); calls with other keys run side by side. In one
 * process — the warehouse file's one writer — that is all the ordering the callers need.
 */
export function takingTurns(): <T>(key: string, work: () => Promise<T>) => Promise<T> {
  const last = new Map<string, Promise<unknown>>();
  return async (key, work) => {
    const before = last.get(key) ?? Promise.resolve();
    const mine = before.then(work, work);
    const settled = mine.catch(() => undefined);
    last.set(key, settled);
    try {
      return await mine;
    } finally {
      // The last in line clears its key, so the map holds only keys with work waiting.
      if (last.get(key) === settled) last.delete(key);
    }
  };
}

/**
 * Runs `work` every `everyMs` in the background, one run at a time (a slow run is not overlapped by the next);
 * a run that fails is reported and the next tries again. The returned stop waits for a run under way. The
 * centers relay their outboxes into the warehouse this way.
 */
export function runEvery(label: string, everyMs: number, work: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running
      .then(() => (stopped ? undefined : work()))
      .catch((error: unknown) => console.error(`${label}: ${(error as Error).message}`));
  }, everyMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}

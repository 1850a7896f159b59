import cliProgress from 'cli-progress';

/** One progress bar per phase of long work, on stderr so piped output stays clean. */
export function progressReporter(): {
  update: (phase: string, done: number, total: number) => void;
  stop: () => void;
} {
  let bar: cliProgress.SingleBar | null = null;
  let current = '';
  let finished = '';
  const started = Date.now();
  return {
    update(phase, done, total) {
      if (!process.stderr.isTTY) {
        // A line when a phase starts and one when it ends (work reported in shares may reach the end twice).
        if (phase !== current || (done === total && finished !== phase))
          process.stderr.write(
            `${phase} ${done}/${total} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`,
          );
        if (done === total) finished = phase;
        current = phase;
        return;
      }
      if (phase !== current) {
        bar?.stop();
        bar = new cliProgress.SingleBar(
          {
            format: `${phase.padEnd(22)} [{bar}] {percentage}% | {value}/{total} | {duration}s`,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
        current = phase;
      } else {
        bar?.update(done);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}

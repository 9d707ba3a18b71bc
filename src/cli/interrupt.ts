/**
 * SIGINT/SIGTERM for long verbs: the library installs no signal handlers, so the CLI turns the signal into an
 * AbortSignal the verb passes down (the library cleans up synchronously on abort), then re-raises the signal so
 * the process ends the way an interrupted program should (130 for SIGINT, 143 for SIGTERM in a shell).
 */
const interruptSignals = ['SIGINT', 'SIGTERM'] as const;
const exitCodeOf: Record<(typeof interruptSignals)[number], number> = { SIGINT: 130, SIGTERM: 143 };

/** Runs `run` with an AbortSignal that fires on SIGINT or SIGTERM; the handlers are removed when it settles. */
export async function withInterrupt<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const remove = (): void => {
    for (const s of interruptSignals) process.removeListener(s, handler);
  };
  function handler(signal: (typeof interruptSignals)[number]): void {
    remove();
    controller.abort(new Error(`interrupted by ${signal}`));
    // the default action now applies: the process ends by the signal; exit with its shell code should anything keep it alive
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(exitCodeOf[signal]), 2000).unref();
  }
  for (const s of interruptSignals) process.once(s, handler);
  try {
    return await run(controller.signal);
  } finally {
    remove();
  }
}

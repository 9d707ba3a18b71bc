/**
 * SIGINT/SIGTERM for long verbs: the library installs no signal handlers, so the CLI turns the signal into an
 * AbortSignal the verb passes down. The verb cleans up what must go at once synchronously on abort (scratch
 * directories), cancels what it runs (an engine build) and removes what it made elsewhere (engine images) as it
 * unwinds; once it has settled — or after `graceMs`, or at a second signal, which the default action handles — the
 * signal is re-raised so the process ends the way an interrupted program should (130 for SIGINT, 143 for SIGTERM
 * in a shell).
 */
const interruptSignals = ['SIGINT', 'SIGTERM'] as const;
type InterruptSignal = (typeof interruptSignals)[number];
const exitCodeOf: Record<InterruptSignal, number> = { SIGINT: 130, SIGTERM: 143 };

function endBy(signal: InterruptSignal): void {
  process.kill(process.pid, signal);
  // should anything keep the process alive, exit with the signal's shell code
  setTimeout(() => process.exit(exitCodeOf[signal]), 2000).unref();
}

/** Runs `run` with an AbortSignal that fires on SIGINT or SIGTERM; the handlers are removed when it settles. */
export async function withInterrupt<T>(run: (signal: AbortSignal) => Promise<T>, graceMs = 30_000): Promise<T> {
  const controller = new AbortController();
  let received: InterruptSignal | undefined;
  let grace: NodeJS.Timeout | undefined;
  const remove = (): void => {
    for (const s of interruptSignals) process.removeListener(s, handler);
  };
  function handler(signal: InterruptSignal): void {
    // the next signal gets the default action: a second Ctrl-C ends the process at once
    remove();
    received = signal;
    grace = setTimeout(() => {
      endBy(signal);
    }, graceMs);
    controller.abort(new Error(`interrupted by ${signal}`));
  }
  for (const s of interruptSignals) process.once(s, handler);
  try {
    return await run(controller.signal);
  } finally {
    remove();
    if (received !== undefined) {
      clearTimeout(grace);
      endBy(received);
    }
  }
}

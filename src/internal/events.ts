/**
 * The library never prints: long work reports progress through events, and the CLI renders them
 * (progress bars on a TTY, nothing otherwise).
 */
export type ProgressEvent =
  | { kind: 'task-start'; id: string; title: string; total?: number }
  | { kind: 'task-progress'; id: string; done: number; total?: number }
  | { kind: 'task-end'; id: string }
  | { kind: 'log'; level: 'debug' | 'info' | 'warn'; message: string };

export type EventSink = (event: ProgressEvent) => void;

/** A sink that drops everything, for library callers who do not listen. */
export const silent: EventSink = () => undefined;

/** Tracks one unit of byte-counted work and reports it at most every `intervalMs`. */
export class ProgressTask {
  private done = 0;
  private lastReport = 0;

  constructor(
    private readonly sink: EventSink,
    readonly id: string,
    title: string,
    private readonly total?: number,
    private readonly intervalMs = 100,
  ) {
    sink({ kind: 'task-start', id, title, ...(total === undefined ? {} : { total }) });
  }

  advance(bytes: number): void {
    this.done += bytes;
    const now = Date.now();
    if (now - this.lastReport >= this.intervalMs) {
      this.lastReport = now;
      this.sink({ kind: 'task-progress', id: this.id, done: this.done, ...(this.total === undefined ? {} : { total: this.total }) });
    }
  }

  end(): void {
    this.sink({ kind: 'task-end', id: this.id });
  }
}

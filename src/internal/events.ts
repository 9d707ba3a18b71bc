/**
 * The library never prints: long work reports progress through events, and the CLI renders them
 * (progress bars on a TTY, nothing otherwise).
 */
/** What `done` and `total` count: bytes (the default) or whole items (files, layers, packages). */
export type ProgressUnit = 'bytes' | 'items';

export type ProgressEvent =
  | { kind: 'task-start'; id: string; title: string; total?: number; unit?: ProgressUnit }
  | { kind: 'task-progress'; id: string; done: number; total?: number; unit?: ProgressUnit }
  | { kind: 'task-end'; id: string }
  | { kind: 'log'; level: 'debug' | 'info' | 'warn'; message: string };

export type EventSink = (event: ProgressEvent) => void;

/** A sink that drops everything, for library callers who do not listen. */
export const silent: EventSink = () => undefined;

/** Tracks one unit of work, counted in bytes (or items, with `unit`), and reports it at most every `intervalMs`. */
export class ProgressTask {
  private done = 0;
  private lastReport = 0;

  constructor(
    private readonly sink: EventSink,
    readonly id: string,
    title: string,
    private readonly total?: number,
    private readonly intervalMs = 100,
    private readonly unit: ProgressUnit = 'bytes',
  ) {
    sink({ kind: 'task-start', id, title, ...(total === undefined ? {} : { total }), ...this.unitField() });
  }

  /** A task that counts whole items (files, layers, packages) rather than bytes. */
  static counting(sink: EventSink, id: string, title: string, total: number): ProgressTask {
    return new ProgressTask(sink, id, title, total, 100, 'items');
  }

  private unitField(): { unit?: ProgressUnit } {
    return this.unit === 'bytes' ? {} : { unit: this.unit };
  }

  advance(amount: number): void {
    this.done += amount;
    const now = Date.now();
    if (now - this.lastReport >= this.intervalMs) {
      this.lastReport = now;
      this.sink({ kind: 'task-progress', id: this.id, done: this.done, ...(this.total === undefined ? {} : { total: this.total }), ...this.unitField() });
    }
  }

  end(): void {
    this.sink({ kind: 'task-end', id: this.id });
  }
}

/** Renders library progress events: bars on a TTY stderr, debug lines with --verbose, nothing with --quiet. */
import type { EventSink, ProgressEvent } from '../internal/events.js';
import { formatBytes } from './output.js';

export interface ProgressOptions {
  quiet: boolean;
  verbose: boolean;
  stream?: NodeJS.WriteStream;
}

export function createProgressRenderer(options: ProgressOptions): EventSink {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY && !options.quiet;
  const titles = new Map<string, string>();
  let drawn = false;

  const clear = (): void => {
    if (drawn) {
      stream.write('\r\x1b[2K');
      drawn = false;
    }
  };

  return (event: ProgressEvent) => {
    switch (event.kind) {
      case 'task-start':
        titles.set(event.id, event.title);
        if (options.verbose && !tty && !options.quiet) stream.write(`${event.title}\n`);
        break;
      case 'task-progress': {
        if (!tty) break;
        const title = titles.get(event.id) ?? event.id;
        const width = Math.max(10, Math.min(30, (stream.columns || 80) - title.length - 30));
        let line: string;
        // counts of files, layers or packages are shown as they are, not as bytes
        const amount = event.unit === 'items' ? String : formatBytes;
        if (event.total !== undefined && event.total > 0) {
          const ratio = Math.min(1, event.done / event.total);
          const filled = Math.round(ratio * width);
          line = `${title} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${amount(event.done)}/${amount(event.total)}`;
        } else {
          line = `${title} ${amount(event.done)}`;
        }
        stream.write(`\r\x1b[2K${line.slice(0, (stream.columns || 80) - 1)}`);
        drawn = true;
        break;
      }
      case 'task-end':
        titles.delete(event.id);
        clear();
        break;
      case 'log':
        if (options.quiet) break;
        if (event.level === 'debug' && !options.verbose) break;
        clear();
        stream.write(`${event.level === 'warn' ? 'warning: ' : ''}${event.message}\n`);
        break;
    }
  };
}

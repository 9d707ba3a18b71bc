import { describe, expect, it } from 'vitest';
import { ProgressTask } from '../internal/events.js';
import { createProgressRenderer } from './progress.js';

/** A TTY-like stream that keeps what is written. */
function terminal(): { stream: NodeJS.WriteStream; text: () => string } {
  const written: string[] = [];
  const stream = { isTTY: true, columns: 120, write: (chunk: string) => written.push(chunk) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, text: () => written.join('') };
}

describe('createProgressRenderer', () => {
  it('shows byte-counted work in bytes', () => {
    const { stream, text } = terminal();
    const task = new ProgressTask(createProgressRenderer({ quiet: false, verbose: false, stream }), 'pull', 'pull abc', 2_000_000, 0);
    task.advance(1_500_000);
    expect(text()).toContain('1.5 MB/2.0 MB');
  });

  it('shows counted items as counts, not bytes', () => {
    const { stream, text } = terminal();
    const task = ProgressTask.counting(createProgressRenderer({ quiet: false, verbose: false, stream }), 'build-layers', 'writing layers', 2);
    task.advance(1);
    expect(text()).toContain('writing layers');
    expect(text()).toContain('] 1/2');
    expect(text()).not.toContain(' B');
  });
});

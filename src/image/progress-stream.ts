import { type Readable, Transform, type TransformCallback } from 'node:stream';
import type { ProgressTask } from '../internal/events.js';
import { pipeChain } from './blob.js';

class Counter extends Transform {
  constructor(private readonly task: ProgressTask) {
    super();
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, callback: TransformCallback): void {
    this.task.advance(chunk.length);
    callback(null, chunk);
  }
  override _flush(callback: TransformCallback): void {
    this.task.end();
    callback();
  }
}

/**
 * Reports the bytes that flow through `source` to `task`. A transform in the chain, not a 'data' listener:
 * a listener would start the stream flowing before its consumer is attached, and lose bytes.
 */
export function withProgress(source: Readable, task: ProgressTask): Readable {
  return pipeChain(source, new Counter(task));
}

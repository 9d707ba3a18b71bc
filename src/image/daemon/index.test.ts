import { describe, expect, it } from 'vitest';
import { loadName } from './index.js';

describe('daemon load names', () => {
  it('loads under the familiar name with a tag, as docker load would list it', () => {
    expect(loadName('app')).toBe('app:latest');
    expect(loadName('docker.io/library/node:20')).toBe('node:20');
    expect(loadName('localhost:5000/team/app:1.2')).toBe('localhost:5000/team/app:1.2');
  });

  it('refuses digests, which an engine cannot store an image under', () => {
    expect(() => loadName(`app@sha256:${'a'.repeat(64)}`)).toThrow(/not by digest/);
    expect(() => loadName('UPPER:case')).toThrow();
  });
});

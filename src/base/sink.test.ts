import { describe, expect, it } from 'vitest';
import { parseDestination } from './sink.js';

describe('parseDestination', () => {
  it.each([
    ['oci:./out:tag', { transport: 'oci', path: './out', tag: 'tag' }],
    ['oci:./out', { transport: 'oci', path: './out' }],
    ['oci-archive:x.tar:v1', { transport: 'oci-archive', path: 'x.tar', tag: 'v1' }],
    ['docker-archive:x.tar:local/nodejs:20', { transport: 'docker-archive', path: 'x.tar', name: 'local/nodejs:20' }],
    ['docker-archive:x.tar', { transport: 'docker-archive', path: 'x.tar' }],
    ['docker://127.0.0.1:5000/base:static', { transport: 'docker', name: '127.0.0.1:5000/base:static' }],
    ['docker-daemon:local/base:cc', { transport: 'docker-daemon', name: 'local/base:cc' }],
  ])('%s', (spec, expected) => {
    expect(parseDestination(spec)).toEqual(expected);
  });

  it('names the bad destination', () => {
    expect(() => parseDestination('ftp:x')).toThrow(/--output-image ftp:x: unknown transport "ftp"/);
    expect(() => parseDestination('out')).toThrow(/--output-image out: expected oci:DIR/);
    expect(() => parseDestination('oci:./d:bad tag')).toThrow(/"bad tag" is not a valid tag/);
    expect(() => parseDestination('docker-archive:x.tar:UPPER:case')).toThrow(/image reference "UPPER:case"/);
  });
});

import { describe, expect, it } from 'vitest';
import { canonical, familiar, parseReference } from './reference.js';

const d = 'sha256:' + 'a'.repeat(64);

describe('parseReference', () => {
  it.each([
    ['node:20', 'docker.io/library/node:20', 'node:20'],
    ['node', 'docker.io/library/node', 'node'],
    ['library/node:20', 'docker.io/library/node:20', 'node:20'],
    ['index.docker.io/library/node', 'docker.io/library/node', 'node'],
    ['user/app:1.0', 'docker.io/user/app:1.0', 'user/app:1.0'],
    ['localhost/app', 'localhost/app', 'localhost/app'],
    ['localhost:5000/app:v1', 'localhost:5000/app:v1', 'localhost:5000/app:v1'],
    ['127.0.0.1:5000/a/b/c', '127.0.0.1:5000/a/b/c', '127.0.0.1:5000/a/b/c'],
    ['[::1]:5000/app', '[::1]:5000/app', '[::1]:5000/app'],
    ['gcr.io/distroless/static:nonroot', 'gcr.io/distroless/static:nonroot', 'gcr.io/distroless/static:nonroot'],
    [`node@${d}`, `docker.io/library/node@${d}`, `node@${d}`],
    [`node:20@${d}`, `docker.io/library/node:20@${d}`, `node:20@${d}`],
    ['Example.com/app', 'Example.com/app', 'Example.com/app'],
    ['a__b/c.d-e', 'docker.io/a__b/c.d-e', 'a__b/c.d-e'],
  ])('%s', (input, full, short) => {
    const ref = parseReference(input);
    expect(canonical(ref)).toBe(full);
    expect(familiar(ref)).toBe(short);
  });

  it.each([
    ['', 'empty'],
    ['Node:20', 'lowercase'],
    ['node:', 'tag'],
    ['node:-x', 'tag'],
    [':20', 'repository'],
    ['node@sha256:abc', 'digest'],
    [`node@md5:${'a'.repeat(32)}`, 'algorithm'],
    ['a//b', 'format'],
    ['-a/b', 'format'],
    ['a/b_', 'format'],
    ['php:%%PHP_VERSION%%-alpine', 'tag'],
    ['x'.repeat(256), 'characters'],
    ['host:port/app', 'registry host'],
  ])('rejects %j', (input, why) => {
    expect(() => parseReference(input)).toThrow(why);
  });
});

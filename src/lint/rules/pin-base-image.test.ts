import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './pin-base-image.js';

const digestA = `sha256:${'1'.repeat(64)}`;
const digestB = `sha256:${'2'.repeat(64)}`;

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM node:20.17.0@sha256:' + 'a'.repeat(64) + '\n',
    'FROM scratch\n',
    'FROM node:20@sha256:' + 'b'.repeat(64) + ' AS build\nFROM build\n',
    'ARG V\nFROM node:${V}\n',
  ],
  invalid: [
    { code: 'FROM node\n', errors: [{ messageId: 'noTag', line: 1, column: 6, severity: 'warning' }] },
    { code: 'FROM node:latest AS b\n', errors: [{ messageId: 'latest', severity: 'warning' }] },
    { code: 'FROM node:20.17.0\n', errors: [{ messageId: 'noDigest', severity: 'info' }] },
    { code: 'ARG V=20\nFROM node:${V}\n', errors: [{ messageId: 'noDigest', line: 2 }] },
    // --fix=all pins to the digest the registry reported, tag kept; a variable in the reference is never pinned
    {
      code: 'FROM node:20.17.0 AS build\nFROM 127.0.0.1:5000/app/base:1\n',
      settings: { digests: new Map([['node:20.17.0', digestA], ['127.0.0.1:5000/app/base:1', digestB]]) },
      errors: ['noDigest', 'noDigest'],
      mode: 'all',
      output: `FROM node:20.17.0@${digestA} AS build\nFROM 127.0.0.1:5000/app/base:1@${digestB}\n`,
    },
    { code: 'FROM node:latest\n', settings: { digests: new Map([['node:latest', digestA]]) }, errors: ['latest'], mode: 'all', output: `FROM node:latest@${digestA}\n` },
    { code: 'ARG V=20\nFROM node:${V}\n', settings: { digests: new Map([['node:${V}', digestA]]) }, errors: ['noDigest'], mode: 'all', output: null },
    { code: 'FROM node\n', settings: { digests: new Map([['node', digestA]]) }, errors: ['noTag'], mode: 'all', output: null },
  ],
});

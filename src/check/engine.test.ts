import { describe, expect, it } from 'vitest';
import { failureLine, finalBase, substituteBases } from './engine.js';

describe('substituteBases', () => {
  it('replaces FROM references only, leaves stages and other text alone', () => {
    const text = 'FROM node:20 AS deps\nRUN echo node:20\nFROM deps AS build\nFROM node:20-slim\nCOPY --from=deps /a /a\n';
    expect(substituteBases(text, { 'node:20': 'local/node:1', 'node:20-slim': 'local/slim:1', deps: 'x' })).toBe('FROM local/node:1 AS deps\nRUN echo node:20\nFROM deps AS build\nFROM local/slim:1\nCOPY --from=deps /a /a\n');
  });
  it('is the identity without a map', () => {
    expect(substituteBases('FROM a\n', {})).toBe('FROM a\n');
  });
});

describe('finalBase', () => {
  it('follows FROM stage chains to an image', () => {
    expect(finalBase('FROM golang:1 AS build\nFROM build AS test\nFROM test\n')).toBe('golang:1');
    expect(finalBase('FROM a AS b\nFROM scratch\n')).toBe('scratch');
    expect(finalBase('# nothing\n')).toBeUndefined();
  });
});

describe('failureLine', () => {
  it('picks the BuildKit error line without its step number', () => {
    const log = '#5 [2/3] RUN x\n#5 0.2 sh: x: not found\n#5 ERROR: executor failed running [/bin/sh -c x]: exit code: 127\n------\n > [2/3] RUN x:\n------\n';
    expect(failureLine(log)).toBe('executor failed running [/bin/sh -c x]: exit code: 127');
    expect(failureLine('error: failed to solve: node:20: not found\n')).toBe('failed to solve: node:20: not found');
    expect(failureLine('')).toBe('no output');
  });
});

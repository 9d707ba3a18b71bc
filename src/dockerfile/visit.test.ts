import { describe, expect, it } from 'vitest';
import { parse } from './parse.js';
import { visitInstructions } from './visit.js';

describe('visitInstructions', () => {
  it('calls typed callbacks per keyword, ONBUILD triggers on request', () => {
    const df = parse('FROM node:20 AS build\nRUN npm ci\nONBUILD RUN npm test\nCOPY a b\n');
    const seen: string[] = [];
    const visitor = {
      From: (node: { image: { value: string } | null }) => seen.push(`from ${node.image?.value ?? ''}`),
      Run: (node: { args: { value: string }[] }) => seen.push(`run ${node.args[0]?.value ?? ''}`),
    };
    visitInstructions(df, visitor);
    expect(seen).toEqual(['from node:20', 'run npm ci']);
    seen.length = 0;
    visitInstructions(df, visitor, { triggers: true });
    expect(seen).toEqual(['from node:20', 'run npm ci', 'run npm test']);
  });
});

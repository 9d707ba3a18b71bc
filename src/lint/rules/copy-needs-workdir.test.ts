import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './copy-needs-workdir.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM node:20\nWORKDIR /app\nCOPY . .\n',
    'FROM node:20\nCOPY package.json /app/\n',
    'FROM node:20\nCOPY a.txt $HOME/\n',
    'FROM node:20 AS base\nWORKDIR /app\nFROM base\nCOPY . .\n',
    'FROM node:20\nCOPY ["a b.txt", "/app/"]\n',
  ],
  invalid: [
    { code: 'FROM node:20\nCOPY . app/\n', errors: [{ messageId: 'relative', line: 2, column: 8 }] },
    { code: 'FROM node:20\nCOPY . .\nWORKDIR /app\n', errors: ['relative'] },
    { code: 'FROM node:20 AS base\nWORKDIR /app\nFROM node:20\nCOPY --from=base /app/x ./\n', errors: ['relative'] },
  ],
});

import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './missing-dockerignore.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    { code: 'FROM node:20\nCOPY . .\n', files: { '.git/HEAD': 'x', 'node_modules/a/index.js': '', '.dockerignore': '.git\nnode_modules\n' } },
    { code: 'FROM node:20\nCOPY package.json .\n', files: { '.git/HEAD': 'x' } },
    'FROM node:20\nCOPY . .\n',
  ],
  invalid: [
    { code: 'FROM node:20\nCOPY . .\n', files: { '.git/HEAD': 'x' }, errors: [{ messageId: 'missing', line: 2 }] },
    { code: 'FROM node:20\nCOPY . .\n', files: { 'node_modules/a/b.js': '', '.dockerignore': '*.md\n' }, errors: ['notIgnored'] },
  ],
});

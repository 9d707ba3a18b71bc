import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './copy-ignored-file.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    { code: 'FROM node:20\nCOPY . .\n', files: { '.dockerignore': 'node_modules\n' } },
    { code: 'FROM node:20\nCOPY src ./src\n', files: { '.dockerignore': 'node_modules\n*.md\n' } },
    { code: 'FROM node:20\nCOPY README.md /x/\n', files: { '.dockerignore': '*.md\n!README.md\n' } },
    { code: 'FROM node:20 AS b\nFROM node:20\nCOPY --from=b /app/node_modules ./node_modules\n', files: { '.dockerignore': 'node_modules\n' } },
    'FROM node:20\nCOPY node_modules ./node_modules\n',
    // Docker matches .dockerignore case-sensitively
    { code: 'FROM node:20\nCOPY Build/app.js NOTES.MD /app/\n', files: { '.dockerignore': 'build\n*.md\n' } },
  ],
  invalid: [
    { code: 'FROM node:20\nCOPY node_modules ./node_modules\n', files: { '.dockerignore': 'node_modules\n' }, errors: [{ messageId: 'ignored', line: 2, column: 6 }] },
    { code: 'FROM node:20\nADD ["docs/guide.md", "/x/"]\n', files: { '.dockerignore': '**/*.md\n' }, errors: ['ignored'] },
  ],
});

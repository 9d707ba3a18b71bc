import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './package-manager-clean.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM fedora:40\nRUN dnf install -y curl && dnf clean all\n', 'FROM rockylinux:9\nRUN yum install -y curl && rm -rf /var/cache/yum\n',
    'FROM node:20\nRUN yarn install --frozen-lockfile && yarn cache clean\n',
    'FROM node:20\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile\n',
  ],
  invalid: [
    { code: 'FROM fedora:40\nRUN dnf install -y curl\n', errors: [{ messageId: 'clean', line: 2, column: 5 }], output: 'FROM fedora:40\nRUN dnf install -y curl \\\n    && dnf clean all\n' },
    {
      code: 'FROM node:20\nRUN yarn install --frozen-lockfile\n',
      errors: [{ messageId: 'clean', line: 2, column: 5 }],
      output: 'FROM node:20\nRUN yarn install --frozen-lockfile \\\n    && yarn cache clean\n',
    },
    // the new line keeps the file's line endings and escape character
    // the clean follows the script's last command: not into a trailing comment, not after a trailing `;`
    { code: 'FROM fedora:40\nRUN dnf install -y curl # tools\n', errors: ['clean'], output: 'FROM fedora:40\nRUN dnf install -y curl \\\n    && dnf clean all # tools\n' },
    { code: 'FROM fedora:40\nRUN dnf install -y curl;\n', errors: ['clean'], output: 'FROM fedora:40\nRUN dnf install -y curl \\\n    && dnf clean all;\n' },
    { code: 'FROM fedora:40\r\nRUN dnf install -y curl\r\n', errors: ['clean'], output: 'FROM fedora:40\r\nRUN dnf install -y curl \\\r\n    && dnf clean all\r\n' },
    { code: '# escape=`\nFROM fedora:40\nSHELL ["/bin/sh", "-c"]\nRUN dnf install -y curl\n', errors: ['clean'], output: '# escape=`\nFROM fedora:40\nSHELL ["/bin/sh", "-c"]\nRUN dnf install -y curl `\n    && dnf clean all\n' },
  ],
});

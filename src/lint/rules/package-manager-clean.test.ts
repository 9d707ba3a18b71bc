import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './package-manager-clean.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM fedora:40\nRUN dnf install -y curl && dnf clean all\n', 'FROM rockylinux:9\nRUN yum install -y curl && rm -rf /var/cache/yum\n'],
  invalid: [{ code: 'FROM fedora:40\nRUN dnf install -y curl\n', errors: [{ messageId: 'clean', line: 2, column: 5 }], output: 'FROM fedora:40\nRUN dnf install -y curl \\\n    && dnf clean all\n' }],
});

import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './dnf-nodocs.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM fedora:40\nRUN dnf install -y --nodocs httpd && dnf clean all\n', 'FROM fedora:40\nRUN dnf --setopt=tsflags=nodocs install -y httpd\n', 'FROM fedora:40\nRUN dnf clean all\n'],
  invalid: [
    {
      code: 'FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n',
      errors: [{ messageId: 'docs', line: 2, column: 5 }],
      output: 'FROM fedora:40\nRUN dnf install --nodocs -y httpd && dnf clean all\n',
    },
    { code: 'FROM ubi9-minimal\nRUN microdnf -y install git\n', errors: ['docs'], output: 'FROM ubi9-minimal\nRUN microdnf -y install --nodocs git\n' },
  ],
});

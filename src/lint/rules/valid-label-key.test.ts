import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './valid-label-key.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM scratch\nLABEL org.opencontainers.image.source="https://example.com/x" org.valid-key.label3=foo validlabel=foo\n',
    'FROM scratch\nLABEL "com.example.vendor"="ACME" ${PREFIX}.version=1\n',
  ],
  invalid: [
    { code: 'FROM scratch\nLABEL com.docker.label=foo\n', errors: [{ messageId: 'invalid', line: 2, column: 7, severity: 'style' }] },
    { code: 'FROM scratch\nLABEL io.docker.x=1 org.dockerproject.y=2\n', errors: ['invalid', 'invalid'] },
    { code: 'FROM scratch\nLABEL Maintainer=me build_date=today\n', errors: ['invalid', 'invalid'] },
    { code: 'FROM scratch\nLABEL .invalid=1 -invalid=1 1invalid=1 invalid.=1\n', errors: ['invalid', 'invalid', 'invalid', 'invalid'] },
    { code: 'FROM scratch\nLABEL invalid..key=1 invalid--key=1\n', errors: ['invalid', 'invalid'] },
  ],
});

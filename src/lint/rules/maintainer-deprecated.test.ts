import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './maintainer-deprecated.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nLABEL org.opencontainers.image.authors="me"\n'],
  invalid: [{ code: 'FROM a:1\nMAINTAINER Jane "JD" <jane@example.com>\n', errors: [{ messageId: 'deprecated', line: 2, column: 1 }], output: 'FROM a:1\nLABEL org.opencontainers.image.authors="Jane \\"JD\\" <jane@example.com>"\n' }],
});

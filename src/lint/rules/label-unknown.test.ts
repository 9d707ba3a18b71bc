import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './label-unknown.js';

const settings = { labelSchema: { maintainer: 'text' }, strictLabels: true } as const;

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM debian:12\nLABEL anything=goes\n',
    { code: 'FROM debian:12\nLABEL anything=goes\n', settings: { labelSchema: { maintainer: 'text' } } },
    { code: 'FROM debian:12\nLABEL maintainer="me"\n', settings },
  ],
  invalid: [{ code: 'FROM debian:12\nLABEL maintainer=me version=1\n', settings, errors: [{ messageId: 'superfluous', line: 2, column: 21 }] }],
});

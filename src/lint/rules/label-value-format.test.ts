import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './label-value-format.js';

const settings = {
  labelSchema: { author: 'text', url: 'url', created: 'rfc3339', license: 'spdx', revision: 'hash', version: 'semver', maintainer: 'email' },
} as const;

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM debian:12\nLABEL url=nope\n',
    {
      code:
        'FROM debian:12\nLABEL author="Jane Doe" url=https://example.com/app created=2024-05-01T12:00:00Z license="MIT OR Apache-2.0" \\\n' +
        '      revision=0123456789abcdef0123456789abcdef01234567 version=1.2.3-rc.1 maintainer=jane@example.com\n',
      settings,
    },
    { code: 'ARG REV\nFROM debian:12\nLABEL revision=$REV\n', settings },
    { code: 'FROM debian:12\nLABEL other=""\n', settings },
  ],
  invalid: [
    { code: 'FROM debian:12\nLABEL author=""\n', settings, errors: [{ messageId: 'empty', line: 2, column: 7 }] },
    { code: 'FROM debian:12\nLABEL url=example.com\n', settings, errors: [{ messageId: 'url', line: 2, column: 11 }] },
    { code: 'FROM debian:12\nLABEL created="May 1st"\n', settings, errors: ['rfc3339'] },
    { code: 'FROM debian:12\nLABEL license=GPL-2\n', settings, errors: ['spdx'] },
    { code: 'FROM debian:12\nLABEL revision=abc123\n', settings, errors: ['hash'] },
    { code: 'FROM debian:12\nLABEL version=1.2\n', settings, errors: ['semver'] },
    { code: 'FROM debian:12\nLABEL maintainer="Jane <jane>"\n', settings, errors: ['email'] },
  ],
});

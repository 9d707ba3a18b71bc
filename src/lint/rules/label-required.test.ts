import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './label-required.js';

const settings = { labelSchema: { maintainer: 'email', 'org.opencontainers.image.source': 'url' } } as const;

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM debian:12\n',
    { code: 'FROM debian:12\nLABEL maintainer="a@b.example" org.opencontainers.image.source=https://example.com/x\n', settings },
    { code: 'FROM debian:12 AS base\nLABEL maintainer=a@b.example\nFROM base\nLABEL "org.opencontainers.image.source"="https://example.com/x"\n', settings },
  ],
  invalid: [
    { code: 'FROM debian:12\nLABEL maintainer=a@b.example\n', settings, errors: [{ messageId: 'missing', line: 1, column: 1 }] },
    { code: 'FROM debian:12 AS build\nLABEL maintainer=a@b.example\nFROM debian:12\n', settings, errors: [{ messageId: 'missing', line: 3 }, { messageId: 'missing', line: 3 }] },
  ],
});

import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './json-args.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nCMD ["node", "index.js"]\n', 'FROM a:1\nENTRYPOINT ["/app"]\n'],
  invalid: [{ code: 'FROM a:1\nCMD node index.js\n', errors: [{ messageId: 'shell', line: 2 }] }, { code: 'FROM a:1\nentrypoint /app\n', errors: ['shell'] }],
});

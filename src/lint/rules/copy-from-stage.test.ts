import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './copy-from-stage.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1 AS build\nFROM b:1\nCOPY --from=build /x /x\n', 'FROM a:1\nFROM b:1\nCOPY --from=0 /x /x\n', 'FROM b:1\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n'],
  invalid: [{ code: 'FROM a:1 AS build\nCOPY --from=build /x /y\n', errors: [{ messageId: 'self', line: 2, column: 6 }] }, { code: 'FROM b:1\nCOPY --from=builder /x /x\n', errors: ['unknown'] }],
});

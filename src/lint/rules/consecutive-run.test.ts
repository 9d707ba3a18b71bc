import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './consecutive-run.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM a:1\nRUN a && b\nCOPY x /x\nRUN c\n',
    'FROM a:1\nRUN a\n# separate on purpose\nRUN b\n',
    // the first RUN may end early with success: merged, the second's commands might never run
    'FROM a:1\nRUN make || exit 0\nRUN b\n',
    'FROM a:1\nRUN test -f /done && exit\nRUN b\n',
    'FROM a:1\nRUN [ -n "$SKIP" ] && exit "$CODE"\nRUN b\n',
    'FROM a:1\nRUN if [ -f /x ]; then exec /x; fi\nRUN b\n',
  ],
  invalid: [
    { code: 'FROM a:1\nRUN a\nRUN b\n', errors: [{ messageId: 'merge', line: 3 }] },
    // `exit 1` fails the build: nothing after it would have run anyway
    { code: 'FROM a:1\nRUN make || exit 1\nRUN b\n', errors: [{ messageId: 'merge', line: 3 }] },
    // only the first RUN's early end matters: the second may end as it likes
    { code: 'FROM a:1\nRUN a\nRUN make || exit 0\n', errors: [{ messageId: 'merge', line: 3 }] },
    { code: 'FROM a:1\nRUN echo exit 0\nRUN b\n', errors: [{ messageId: 'merge', line: 3 }] },
  ],
});

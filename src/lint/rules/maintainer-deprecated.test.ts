import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './maintainer-deprecated.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM a:1\nLABEL org.opencontainers.image.authors="me"\n'],
  invalid: [
    { code: 'FROM a:1\nMAINTAINER Jane "JD" <jane@example.com>\n', errors: [{ messageId: 'deprecated', line: 2, column: 1 }], output: 'FROM a:1\nLABEL org.opencontainers.image.authors="Jane \\"JD\\" <jane@example.com>"\n' },
    // MAINTAINER does not expand variables, a LABEL does: `$` is escaped so the label holds the same text
    { code: 'FROM a:1\nMAINTAINER $USER <a@b.c> C:\\x\n', errors: ['deprecated'], output: 'FROM a:1\nLABEL org.opencontainers.image.authors="\\$USER <a@b.c> C:\\\\x"\n' },
    // with `# escape=`` the backtick escapes and a backslash is a plain character
    { code: '# escape=`\nFROM a:1\nMAINTAINER Jane "JD" $HOME C:\\x a`b\n', errors: ['deprecated'], output: '# escape=`\nFROM a:1\nLABEL org.opencontainers.image.authors="Jane `"JD`" `$HOME C:\\x a``b"\n' },
  ],
});

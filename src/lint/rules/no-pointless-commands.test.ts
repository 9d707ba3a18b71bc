import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './no-pointless-commands.js';

new RuleTester({ describe, it }).run(rule, {
  valid: ['FROM debian:12\nRUN apt-get install -y openssh-client vim\n', 'FROM debian:12\nRUN echo service ps top\n', 'FROM debian:12\nCMD ["top"]\n'],
  invalid: [
    { code: 'FROM debian:12\nRUN service nginx start && ps aux\n', errors: [{ messageId: 'pointless', line: 2, column: 5 }, { messageId: 'pointless', line: 2, column: 28 }] },
    { code: 'FROM debian:12\nRUN sudo /sbin/shutdown -h now\n', errors: ['pointless'] },
  ],
});

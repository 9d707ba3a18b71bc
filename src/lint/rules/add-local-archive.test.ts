import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './add-local-archive.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM debian:12\nADD app.tar.gz /opt/\n',
    'FROM debian:12\nCOPY app.tar.gz /opt/\n',
    'FROM debian:12\nCOPY app.tar.gz /opt/\nRUN tar -tzf /opt/app.tar.gz\n',
    'FROM debian:12 AS a\nCOPY app.tar.gz /opt/\nFROM debian:12\nRUN tar -xzf /opt/app.tar.gz\n',
  ],
  invalid: [
    { code: 'FROM debian:12\nCOPY app.tar.gz /opt/\nRUN tar -xzf /opt/app.tar.gz -C /opt && rm /opt/app.tar.gz\n', errors: [{ messageId: 'extract', line: 2, column: 1 }] },
    { code: 'FROM debian:12\nCOPY ./dist/site.tgz /srv/\nRUN cd /srv && tar xf site.tgz\n', errors: ['extract'] },
  ],
});

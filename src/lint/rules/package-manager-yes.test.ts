import { describe, it } from 'vitest';
import { RuleTester } from '../../testing/rule-tester.js';
import { rule } from './package-manager-yes.js';

new RuleTester({ describe, it }).run(rule, {
  valid: [
    'FROM centos:7\nRUN yum install -y httpd && yum clean all\n',
    'FROM fedora:40\nRUN dnf --assumeyes install httpd\n',
    'FROM opensuse/leap:15\nRUN zypper -n install curl\n',
    'FROM opensuse/leap:15\nRUN zypper install -y curl\n',
    'FROM fedora:40\nRUN dnf clean all && yum makecache\n',
  ],
  invalid: [
    { code: 'FROM centos:7\nRUN yum install httpd\n', errors: [{ messageId: 'missing', line: 2, column: 5 }], output: 'FROM centos:7\nRUN yum -y install httpd\n' },
    { code: 'FROM fedora:40\nRUN dnf install httpd && microdnf install git\n', errors: ['missing', 'missing'], output: 'FROM fedora:40\nRUN dnf -y install httpd && microdnf -y install git\n' },
    { code: 'FROM opensuse/leap:15\nRUN zypper install curl\n', errors: ['missing'], output: 'FROM opensuse/leap:15\nRUN zypper -n install curl\n' },
  ],
});

import type { RunInstruction } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';
import { insertAt, newlineOf, scriptEnd } from '../edits.js';

const managers: { name: string; clean: (r: RunInstruction) => boolean; command: string }[] = [
  { name: 'yum', clean: (r) => commands(r, 'yum', 'clean').length > 0 || /\/var\/cache\/yum/.test(r.shell?.text ?? ''), command: 'yum clean all' },
  { name: 'dnf', clean: (r) => commands(r, 'dnf', 'clean').length > 0 || /\/var\/cache\/dnf/.test(r.shell?.text ?? ''), command: 'dnf clean all' },
  { name: 'microdnf', clean: (r) => commands(r, 'microdnf', 'clean').length > 0, command: 'microdnf clean all' },
  // hadolint DL3060: yarn keeps every downloaded package in its cache (~/.cache/yarn or /usr/local/share/.cache/yarn)
  { name: 'yarn', clean: (r) => commands(r, 'yarn', 'cache').some((i) => i.positionals[1]?.value === 'clean') || /\.cache\/yarn/.test(r.shell?.text ?? ''), command: 'yarn cache clean' },
  { name: 'zypper', clean: (r) => commands(r, 'zypper', 'clean').length > 0 || commands(r, 'zypper', 'cc').length > 0, command: 'zypper clean --all' },
];

/** yum, dnf, zypper and yarn keep package caches under /var/cache unless cleaned in the same RUN. */
export const rule = defineRule({
  meta: {
    id: 'package-manager-clean',
    aliases: ['DL3032', 'DL3040', 'DL3036', 'DS-0015', 'DS-0019', 'DS-0020', 'DS-0027', 'DL3060'],
    description: 'yum/dnf/zypper/yarn install without cleaning the cache in the same RUN',
    category: 'size',
    visits: ['Run'],
    setup: 'run',
    severity: 'warning',
    fixable: 'fix',
    messages: { clean: '`{{name}} install` leaves its cache in the layer; end the RUN with `{{command}}`.' },
  },
  create(ctx) {
    return {
      Run(node) {
        const shell = node.shell;
        if (!shell || node.heredocs.length > 0 || node.flags.some((f) => f.mount?.type === 'cache')) return;
        // a new line continued with the file's escape character and line ending (`# escape=``, CRLF files)
        const continuation = ` ${ctx.dockerfile.escapeChar}${newlineOf(ctx.source)}    && `;
        // after the script's last command: a trailing comment would swallow the clean, and `; &&` does not parse
        const at = scriptEnd(node);
        for (const m of managers) {
          const inv = commands(node, m.name, 'install')[0];
          if (!inv || m.clean(node)) continue;
          ctx.report({ range: inv.command.range, messageId: 'clean', data: { name: m.name, command: m.command }, ...(at === undefined ? {} : { fix: () => [insertAt(at, `${continuation}${m.command}`)] }) });
        }
      },
    };
  },
});

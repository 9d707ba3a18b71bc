import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';
import { insertAt } from '../edits.js';

/** Subcommands that ask for a confirmation, per package manager, and the flag that answers it. */
const managers: { name: string; subcommands: readonly string[]; yes: readonly string[]; insert: string }[] = [
  { name: 'yum', subcommands: ['install', 'groupinstall', 'localinstall', 'reinstall', 'update', 'upgrade', 'remove', 'erase'], yes: ['-y', '--assumeyes'], insert: ' -y' },
  { name: 'dnf', subcommands: ['install', 'in', 'groupinstall', 'localinstall', 'reinstall', 'upgrade', 'update', 'remove', 'erase'], yes: ['-y', '--assumeyes'], insert: ' -y' },
  { name: 'microdnf', subcommands: ['install', 'reinstall', 'upgrade', 'update', 'remove'], yes: ['-y', '--assumeyes'], insert: ' -y' },
  // zypper's global `-n` goes before the subcommand; `-y` is the install option
  { name: 'zypper', subcommands: ['install', 'in', 'remove', 'rm', 'source-install', 'si', 'patch', 'update', 'up'], yes: ['-n', '--non-interactive', '-y', '--no-confirm'], insert: ' -n' },
];

/** A build has no terminal: yum, dnf and zypper waiting for a confirmation abort the build. */
export const rule = defineRule({
  meta: {
    id: 'package-manager-yes',
    aliases: ['DL3030', 'DL3034', 'DL3038'],
    description: 'yum, dnf and zypper need -y (zypper -n) in a non-interactive build',
    category: 'correctness',
    visits: ['Run'],
    setup: 'run',
    severity: 'warning',
    fixable: 'fix',
    messages: { missing: '`{{name}} {{subcommand}}` without `{{flag}}` waits for a confirmation the build cannot give; add `{{flag}}`.' },
  },
  create(ctx) {
    return {
      Run(node) {
        if (!node.shell) return;
        for (const m of managers) {
          for (const inv of commands(node, m.name)) {
            const sub = inv.subcommand?.value;
            if (sub === undefined || !m.subcommands.includes(sub) || inv.hasFlag(...m.yes)) continue;
            const name = inv.argv[0];
            if (!name) continue;
            ctx.report({
              range: inv.command.range,
              messageId: 'missing',
              data: { name: m.name, subcommand: sub, flag: m.insert.trim() },
              fix: () => [insertAt(name.range.end.offset, m.insert)],
            });
          }
        }
      },
    };
  },
});

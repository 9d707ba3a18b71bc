import { defineRule } from '../define-rule.js';
import { commands } from '../stage-facts.js';
import { replaceRange } from '../edits.js';

/** `npm ci` installs exactly the lockfile, fails when it disagrees with package.json, and is faster. */
export const rule = defineRule({
  meta: {
    id: 'npm-ci',
    aliases: [],
    description: 'Use npm ci, not npm install, to install a project’s dependencies',
    category: 'reproducibility',
    visits: ['Run'],
    severity: 'warning',
    fixable: 'suggestion',
    messages: { install: '`npm install` may resolve other versions than the lockfile; use `npm ci`.' },
  },
  create(ctx) {
    const noLockfile = ctx.files !== null && !ctx.files.exists('package-lock.json') && !ctx.files.exists('npm-shrinkwrap.json');
    return {
      Run(node) {
        if (!node.shell) return;
        for (const name of ['install', 'i']) {
          for (const inv of commands(node, 'npm', name)) {
            const sub = inv.subcommand;
            // `npm install left-pad` adds a package: a different thing
            if (!sub || inv.positionals.length > 1 || inv.hasFlag('-g', '--global')) continue;
            ctx.report({
              range: inv.command.range,
              messageId: 'install',
              ...(noLockfile ? {} : { suggestion: { description: 'use npm ci', edits: () => [replaceRange(sub.range, 'ci')] } }),
            });
          }
        }
      },
    };
  },
});

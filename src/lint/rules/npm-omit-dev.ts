import { type Invocation } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';
import { insertAt } from '../edits.js';
import { commands, invocationsOf, isFinal } from '../stage-facts.js';

function omitsDev(inv: Invocation): boolean {
  if (inv.hasFlag('--production', '--prod')) return true;
  const omit = inv.flagValue('--omit');
  const only = inv.flagValue('--only');
  return omit === 'dev' || only === 'prod' || only === 'production';
}

/** devDependencies (compilers, test runners, linters) have no business in the runtime image. */
export const rule = defineRule({
  meta: {
    id: 'npm-omit-dev',
    aliases: [],
    description: 'The runtime stage installs devDependencies',
    category: 'size',
    visits: ['Env', 'Run'],
    severity: 'warning',
    fixable: 'suggestion',
    messages: { dev: 'This installs devDependencies into the runtime image; add --omit=dev (build in an earlier stage if the build needs them).' },
  },
  create(ctx) {
    const prodEnv = new Set<number>();
    return {
      Env(node) {
        if (node.pairs.some((p) => (p.key.value === 'NODE_ENV' && /production/.test(p.value.value)) || (p.key.value === 'NPM_CONFIG_PRODUCTION' && /true/i.test(p.value.value)))) prodEnv.add(node.stageIndex);
      },
      Run(node) {
        if (!node.shell || !isFinal(ctx.dockerfile, node.stageIndex) || prodEnv.has(node.stageIndex)) return;
        // the RUN's own installs first: most RUNs have none, and the stage-wide look for a build reads every RUN
        const installs = [...commands(node, 'npm', 'ci'), ...commands(node, 'npm', 'install')];
        if (installs.length === 0) return;
        const stage = ctx.dockerfile.stages[node.stageIndex];
        // a stage that builds needs its devDependencies; no-multi-stage speaks about that
        if (stage && invocationsOf(stage).some((i) => i.name === 'npm' && i.subcommand?.value === 'run' && /build|compile/.test(i.positionals[1]?.value ?? ''))) return;
        for (const inv of installs) {
          const sub = inv.subcommand;
          if (!sub || inv.positionals.length > 1 || omitsDev(inv) || inv.hasFlag('-g', '--global')) continue;
          ctx.report({
            range: inv.command.range,
            messageId: 'dev',
            suggestion: { description: 'add --omit=dev', edits: () => [insertAt(sub.range.end.offset, ' --omit=dev')] },
          });
        }
      },
    };
  },
});

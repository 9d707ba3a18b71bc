import { defineRule } from '../define-rule.js';
import { goSplitPlan, nodeSplitPlan, pythonSplitPlan } from '../split-stages.js';
import { invocationsOf } from '../stage-facts.js';
import type { Invocation } from '../../dockerfile/index.js';

const buildTools = new Set(['gcc', 'g++', 'make', 'cmake', 'tsc', 'webpack', 'vite', 'rollup', 'esbuild', 'mvn', 'gradle', 'javac', 'rustc']);

function builds(inv: Invocation): boolean {
  const sub = inv.subcommand?.value;
  if (buildTools.has(inv.name)) return true;
  if ((inv.name === 'npm' || inv.name === 'yarn' || inv.name === 'pnpm') && (sub === 'run' || inv.name !== 'npm') && /^(build|compile|bundle)/.test(inv.name === 'npm' || sub === 'run' ? inv.positionals[1]?.value ?? '' : sub ?? '')) return true;
  if (inv.name === 'go' && (sub === 'build' || sub === 'install')) return true;
  if (inv.name === 'cargo' && (sub === 'build' || sub === 'install')) return true;
  if (inv.name === 'dotnet' && (sub === 'publish' || sub === 'build')) return true;
  return false;
}

/** A single stage that compiles or bundles ships its compilers, sources and caches in the image. */
export const rule = defineRule({
  meta: {
    id: 'no-multi-stage',
    aliases: [],
    description: 'A build runs in the only stage: compilers and sources end up in the image',
    category: 'size',
    visits: ['Dockerfile:exit'],
    setup: 'run',
    severity: 'warning',
    fixable: 'suggestion',
    messages: {
      single: '`{{command}}` builds in the image’s only stage, so toolchains, sources and caches ship with it; build in a builder stage and copy the result into a slim runtime stage.',
    },
  },
  create(ctx) {
    return {
      'Dockerfile:exit'(df) {
        if (df.stages.length !== 1) return;
        const stage = df.stages[0];
        if (!stage) return;
        // a pip install on a full python image is a build too when it can move to a builder (wheels compile there)
        const python = pythonSplitPlan(df, ctx.source);
        const inv = invocationsOf(stage).find(builds) ?? (python ? invocationsOf(stage).find((i) => i.command.range.start.offset >= python.build.range.start.offset) : undefined);
        if (!inv) return;
        const plan = goSplitPlan(df, ctx.source) ?? nodeSplitPlan(df, ctx.source) ?? python;
        ctx.report({
          range: inv.command.range,
          messageId: 'single',
          data: { command: inv.argv.map((w) => w.text).join(' ') },
          ...(plan ? { suggestion: { description: `build in a stage of its own and copy ${plan.binary} into ${plan.runtime}`, edits: () => plan.edits } } : {}),
        });
      },
    };
  },
});

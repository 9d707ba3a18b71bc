import { defineRule } from '../define-rule.js';

/**
 * `FROM --platform=linux/amd64` forces one platform whatever the build targets (an arm64 build then runs amd64
 * binaries under emulation, or fails); `--platform=$TARGETPLATFORM` says what is the default anyway.
 */
export const rule = defineRule({
  meta: {
    id: 'from-platform-flag',
    aliases: ['DL3029', 'buildkit:FromPlatformFlagConstDisallowed', 'buildkit:RedundantTargetPlatform'],
    description: 'FROM --platform with a constant value, or with $TARGETPLATFORM (the default)',
    category: 'correctness',
    visits: ['From'],
    setup: 'run',
    severity: 'warning',
    messages: {
      constant: 'FROM --platform={{platform}} pins the stage to one platform whatever the build targets; use $BUILDPLATFORM for build tools, or leave it out.',
      redundant: 'FROM --platform=$TARGETPLATFORM is the default: drop the flag.',
    },
  },
  create(ctx) {
    return {
      From(node) {
        const flag = node.flags.find((f) => f.name === 'platform');
        const platform = flag?.value;
        if (!flag || platform === null || platform === undefined || platform === '') return;
        if (/^\$(\{TARGETPLATFORM\}|TARGETPLATFORM)$/.test(platform)) {
          ctx.report({ range: flag.range, messageId: 'redundant', severity: 'info' });
          return;
        }
        if (platform.includes('$')) return;
        // as BuildKit does: a stage named for its platform (`AS build-arm64`) means the constant on purpose
        const stage = ctx.dockerfile.stages[node.stageIndex];
        const parts = platform.toLowerCase().split('/').slice(1);
        if (stage?.name && parts.some((p) => p !== '' && stage.name?.includes(p))) return;
        ctx.report({ range: flag.range, messageId: 'constant', data: { platform } });
      },
    };
  },
});

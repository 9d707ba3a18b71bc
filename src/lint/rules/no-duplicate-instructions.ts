import type { Instruction } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';

/** Only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage counts; earlier ones are dead code that misleads. */
export const rule = defineRule({
  meta: {
    id: 'no-duplicate-instructions',
    aliases: ['DL4003', 'DL4004', 'DL3012', 'DS-0016', 'DS-0007', 'DS-0023', 'buildkit:MultipleInstructionsDisallowed'],
    description: 'More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage',
    category: 'correctness',
    visits: ['Dockerfile'],
    setup: 'run',
    severity: 'warning',
    messages: { duplicate: 'Only the last {{keyword}} of a stage takes effect; this one (line {{line}}) is overridden.' },
  },
  create(ctx) {
    return {
      Dockerfile(df) {
        for (const stage of df.stages) {
          // most stages have at most one of each: count before collecting
          let cmd = 0;
          let entrypoint = 0;
          let healthcheck = 0;
          for (const i of stage.instructions) {
            if (i.keyword === 'Cmd') cmd++;
            else if (i.keyword === 'Entrypoint') entrypoint++;
            else if (i.keyword === 'Healthcheck') healthcheck++;
          }
          if (cmd < 2 && entrypoint < 2 && healthcheck < 2) continue;
          for (const keyword of ['Cmd', 'Entrypoint', 'Healthcheck'] as const) {
            const all: Instruction[] = stage.instructions.filter((i) => i.keyword === keyword);
            for (const i of all.slice(0, -1)) ctx.report({ range: i.range, messageId: 'duplicate', data: { keyword: keyword.toUpperCase(), line: i.range.start.line } });
          }
        }
      },
    };
  },
});

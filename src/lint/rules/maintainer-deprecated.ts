import { defineRule } from '../define-rule.js';
import { replaceRange } from '../edits.js';

/** MAINTAINER is deprecated since Docker 1.13; a label is what tools read. */
export const rule = defineRule({
  meta: {
    id: 'maintainer-deprecated',
    aliases: ['DL4000', 'DS-0022', 'buildkit:MaintainerDeprecated'],
    description: 'MAINTAINER is deprecated',
    category: 'style',
    visits: ['Maintainer'],
    setup: 'run',
    severity: 'warning',
    fixable: 'fix',
    messages: { deprecated: 'MAINTAINER is deprecated; use `LABEL org.opencontainers.image.authors="…"`.' },
  },
  create(ctx) {
    return {
      Maintainer(node) {
        // MAINTAINER's text is taken as written, a LABEL value goes through word processing: inside double quotes the
        // escape character (the file's: `\` or `` ` ``) keeps `"`, `$` and itself literal (BuildKit's shell lexer)
        const escape = ctx.dockerfile.escapeChar;
        const who = node.argsText.trim().replace(/["$\\`]/g, (ch) => (ch === '"' || ch === '$' || ch === escape ? `${escape}${ch}` : ch));
        ctx.report({ range: node.keywordRange, messageId: 'deprecated', fix: () => (who === '' ? null : [replaceRange(node.range, `LABEL org.opencontainers.image.authors="${who}"`)]) });
      },
    };
  },
});

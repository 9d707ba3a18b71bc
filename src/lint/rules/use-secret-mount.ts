import { allCommands } from '../../dockerfile/index.js';
import { defineRule } from '../define-rule.js';
import { insertAt } from '../edits.js';
import { looksSecretName } from '../../internal/secret-name.js';
import { findUrlCredentials } from '../../internal/url-credentials.js';
import { secretId } from './secrets-in-env-arg.js';

/** Tokens written or sent as text; a URL with a password is found by `findUrlCredentials`. */
const authInText = /(_authToken|_auth|x-access-token|Authorization:\s*(Bearer|token|Basic))/i;

/** A token a RUN reads from an ARG or ENV, or writes into a file, stays in the image's history or layers. */
export const rule = defineRule({
  meta: {
    id: 'use-secret-mount',
    aliases: [],
    description: 'A RUN uses a credential that should come from a BuildKit secret mount',
    category: 'security',
    visits: ['Arg', 'Env', 'Run'],
    severity: 'error',
    fixable: 'suggestion',
    messages: {
      variable: 'This RUN reads `${{name}}`, a credential from an ARG or ENV: use `RUN --mount=type=secret,id={{id}},env={{name}}` so it never lands in the image.',
      inline: 'This RUN writes or sends a credential (`{{text}}`): pass it with `RUN --mount=type=secret` instead.',
    },
  },
  create(ctx) {
    const declared = new Set<string>();
    /** Secret ARGs without a default, per stage: their value can come from a secret mount instead. */
    const fromBuildArg = new Set<string>();
    return {
      Arg(node) {
        for (const d of node.declarations) {
          if (!looksSecretName(d.name)) continue;
          declared.add(d.name);
          if (d.defaultValue === null) fromBuildArg.add(`${node.stageIndex}:${d.name}`);
        }
      },
      Env(node) {
        for (const p of node.pairs) if (looksSecretName(p.key.value)) declared.add(p.key.value);
      },
      Run(node) {
        if (!node.shell || node.flags.some((f) => f.mount?.type === 'secret')) return;
        // the first credential of the RUN is reported, then the RUN is done
        commands: for (const c of allCommands(node.shell)) {
          // words, then assignment values, without building a combined array per command (this runs for every command)
          const count = c.words.length + c.assignments.length;
          for (let k = 0; k < count; k++) {
            const w = k < c.words.length ? c.words[k] : c.assignments[k - c.words.length]?.value;
            if (!w) continue;
            // most words hold no variable: skip the scan for them (this rule runs on every RUN)
            if (declared.size > 0 && w.text.includes('$')) for (const m of w.text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
              const name = m[1] ?? '';
              if (declared.has(name)) {
                const id = secretId(name);
                // the suggestion reads the secret mount into the variable the command already uses; with Docker 20.10's
                // built-in frontend `env=` on the mount is not available, so it is exported from the file instead; assigned
                // before the export, so a missing secret fails the RUN (`export X="$(cat …)"` would hide it: SC2155)
                const suggestion =
                  fromBuildArg.has(`${node.stageIndex}:${name}`) && node.heredocs.length === 0
                    ? { suggestion: { description: `read ${name} from the secret ${id}`, edits: () => [insertAt(node.argsRange.start.offset, `--mount=type=secret,id=${id} ${name}="$(cat /run/secrets/${id})" && export ${name} && `)] } }
                    : {};
                ctx.report({ range: w.range, messageId: 'variable', data: { name, id }, ...suggestion });
                break commands;
              }
            }
            // the message names the URL without its password: lint output is read in CI logs
            const hit = authInText.exec(w.value)?.[0] ?? findUrlCredentials(w.value)[0]?.redacted;
            if (hit !== undefined) {
              ctx.report({ range: w.range, messageId: 'inline', data: { text: hit } });
              break commands;
            }
          }
        }
      },
    };
  },
});

/**
 * The workflow `init --ci github` writes calls shipshape's own verbs: every such call must name a verb, options
 * and format values the CLI accepts, or the workflow would fail on its first run. Checked against the real
 * command definitions (without running them); `test/e2e/init-build.test.ts` runs the same steps on a built image.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { detectApp, generateWorkflow } from '../../generate/index.js';
import { verbs } from './index.js';

const fixtures = resolve(import.meta.dirname, '../../generate/__fixtures__');

/** A shell word list, enough for the workflow's lines: double-quoted words, no escapes inside. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

async function program(): Promise<Command> {
  const root = new Command('shipshape');
  for (const name of ['lint', 'scan', 'sbom', 'db']) {
    const load = verbs[name];
    if (load) (await load())(root);
  }
  return root;
}

/** The subcommand a word list names, and the words after it. */
function resolveCommand(root: Command, args: string[]): { command: Command; rest: string[] } {
  let command = root;
  let rest = args;
  for (;;) {
    const next = command.commands.find((c) => c.name() === rest[0]);
    if (next === undefined) return { command, rest };
    command = next;
    rest = rest.slice(1);
  }
}

describe('the shipshape steps of the generated workflow', () => {
  it.each(['node-npm-express-ts', 'go-root', 'python-plain', 'java-maven-plain', 'rust-bin'])('%s: every shipshape call names a real verb, real options and accepted values', async (name) => {
    const app = await detectApp(resolve(fixtures, name));
    const workflow = parse(generateWorkflow(app, { context: '.', defaultBranch: 'main', shipshapeVersion: '0.1.0', localImage: 'app:ci' })) as {
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    const calls = Object.values(workflow.jobs)
      .flatMap((job) => job.steps.flatMap((s) => (s.run ?? '').split('\n')))
      .filter((line) => line.startsWith('shipshape '));
    expect(calls.map((c) => words(c).slice(0, 3).join(' ')).sort()).toEqual([
      'shipshape db update',
      'shipshape lint $DOCKERFILE',
      'shipshape sbom docker-daemon:$LOCAL_IMAGE',
      'shipshape sbom docker://${IMAGE}@${DIGEST}',
      'shipshape scan docker-daemon:$LOCAL_IMAGE',
    ]);
    const root = await program();
    for (const call of calls) {
      const { command, rest } = resolveCommand(root, words(call).slice(1));
      expect(command.name(), call).not.toBe('shipshape');
      for (let i = 0; i < rest.length; i++) {
        const word = rest[i] ?? '';
        if (!word.startsWith('-')) continue;
        const option = command.options.find((o) => o.long === word || o.short === word);
        expect(option, `${call}: ${word}`).toBeDefined();
        if (option?.required === true) {
          const value = rest[++i] ?? '';
          if (option.argChoices !== undefined) expect(option.argChoices, `${call}: ${word} ${value}`).toContain(value);
        }
      }
    }
  });
});

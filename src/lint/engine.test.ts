import { describe, expect, it } from 'vitest';
import { parse } from '../dockerfile/index.js';
import { defineRule } from './define-rule.js';
import { insertAt, replaceRange } from './edits.js';
import { lintText } from './engine.js';
import { fixText } from './fix.js';
import { allRules } from './rules/index.js';
import { checkSetupPerRun, checkValid } from '../testing/rule-tester.js';

const ids = (text: string, options: Partial<Parameters<typeof lintText>[1]> = {}): string[] => lintText(text, { rules: allRules, ...options }).findings.map((f) => f.ruleId);

describe('pragmas', () => {
  const code = 'FROM debian:12.6\nUSER nobody\nRUN apt-get update && apt-get install -y curl\n';

  it('reports without pragmas', () => {
    expect(ids(code)).toEqual(expect.arrayContaining(['apt-no-install-recommends', 'apt-lists-not-removed']));
  });

  it('# hadolint ignore=DL… on the line above silences the rule by alias', () => {
    const out = ids(code.replace('RUN', '# hadolint ignore=DL3015,DL3009\nRUN'));
    expect(out).not.toContain('apt-no-install-recommends');
    expect(out).not.toContain('apt-lists-not-removed');
  });

  it('# shipshape ignore=<id> applies to the next instruction only', () => {
    const two = code + 'RUN apt-get install -y vim\n';
    const out = lintText(two.replace('RUN apt-get update', '# shipshape ignore=apt-no-install-recommends\nRUN apt-get update'), { rules: allRules }).findings;
    expect(out.filter((f) => f.ruleId === 'apt-no-install-recommends').map((f) => f.range.start.line)).toEqual([5]);
  });

  it('# shipshape global ignore and BuildKit # check=skip apply to the whole file', () => {
    expect(ids(code + '# shipshape global ignore=apt-lists-not-removed\n')).not.toContain('apt-lists-not-removed');
    expect(ids('# check=skip=SecretsUsedInArgOrEnv\nFROM debian:12.6\nUSER x\nARG API_TOKEN\n')).not.toContain('secrets-in-env-arg');
    expect(ids('FROM debian:12.6\nUSER x\nARG API_TOKEN\n')).toContain('secrets-in-env-arg');
    expect(ids('# check=skip=all\nFROM node\n')).toEqual([]);
  });

  it('Trivy spellings DS001, DS-0001 and AVD-DS-0001 are one name', () => {
    for (const n of ['DS001', 'DS-0001', 'AVD-DS-0001', 'ds1']) expect(ids('FROM node\nUSER x\n', { ignore: [n] })).not.toContain('pin-base-image');
  });
});

describe('configuration', () => {
  it('severity overrides and off', () => {
    const r = lintText('FROM node\nUSER x\n', { rules: allRules, severityOverrides: { DL3006: 'error' } });
    expect(r.findings.find((f) => f.ruleId === 'pin-base-image')?.severity).toBe('error');
    expect(ids('FROM node\nUSER x\n', { severityOverrides: { 'pin-base-image': 'off' } })).not.toContain('pin-base-image');
  });
});

describe('engine', () => {
  it('a rule that throws is recorded, the others still run', () => {
    const broken = defineRule({
      meta: { id: 'broken', aliases: [], description: 'x', category: 'style', severity: 'info', messages: { m: 'm' } },
      create() {
        return {
          From() {
            throw new Error('boom');
          },
        };
      },
    });
    const r = lintText('FROM node\n', { rules: [broken, ...allRules] });
    expect(r.ruleFailures).toEqual([{ ruleId: 'broken', message: 'boom' }]);
    expect(r.findings.length).toBeGreaterThan(0);
  });

  it('a rule that throws is skipped for the rest of that file, and runs again on the next file', () => {
    const calls: string[] = [];
    const flaky = defineRule({
      meta: { id: 'flaky', aliases: [], description: 'x', category: 'style', severity: 'info', visits: ['From', 'Run', 'Dockerfile:exit'], setup: 'run', messages: { m: 'm' } },
      create(ctx) {
        return {
          From(node) {
            calls.push(`From ${String(node.range.start.line)}`);
            if (node.image?.value === 'bad') throw new Error('bad base');
            ctx.report({ range: node.range, messageId: 'm' });
          },
          Run() {
            calls.push('Run');
          },
          'Dockerfile:exit'() {
            calls.push('exit');
          },
        };
      },
    });
    const rules = [flaky, ...allRules];
    const failed = lintText('FROM node\nRUN a\nFROM bad\nRUN b\nFROM node\n', { rules });
    expect(failed.ruleFailures).toEqual([{ ruleId: 'flaky', message: 'bad base' }]);
    expect(failed.findings.filter((f) => f.ruleId === 'flaky').map((f) => f.range.start.line)).toEqual([1]);
    expect(failed.findings.length).toBeGreaterThan(1);
    expect(calls.splice(0)).toEqual(['From 1', 'Run', 'From 3']);
    const next = lintText('FROM node\nRUN a\n', { rules });
    expect(next.ruleFailures).toEqual([]);
    expect(calls).toEqual(['From 1', 'Run', 'exit']);
  });

  it('rules are set up once per run: each file is linted alone, whatever the order, options or nesting', () => {
    const a = 'FROM node\nRUN wget -q x\n';
    const b = 'FROM node\nRUN curl -fsS y\n';
    const alone = (text: string): string[] => lintText(text, { rules: [...allRules] }).findings.map((f) => `${f.ruleId}@${String(f.range.start.line)}`);
    const seq = [a, b, a + 'RUN curl z\n', b].map((t) => lintText(t, { rules: allRules }).findings.map((f) => `${f.ruleId}@${String(f.range.start.line)}`));
    expect(seq).toEqual([alone(a), alone(b), alone(a + 'RUN curl z\n'), alone(b)]);
    expect(seq[2]).toContain('wget-and-curl@3');
    expect(seq[3]).not.toContain('wget-and-curl@2');
    // same rule list, different overrides and ignores: separate set-ups
    const sev = (o: Partial<Parameters<typeof lintText>[1]>): string | undefined => lintText('FROM node\nUSER x\n', { rules: allRules, ...o }).findings.find((f) => f.ruleId === 'pin-base-image')?.severity;
    expect([sev({ severityOverrides: { DL3006: 'error' } }), sev({}), sev({ severityOverrides: { DL3006: 'style' } })]).toEqual(['error', 'warning', 'style']);
    expect(ids('FROM node\nUSER x\n', { ignore: ['DL3006'] })).not.toContain('pin-base-image');
    expect(ids('FROM node\nUSER x\n')).toContain('pin-base-image');
    // a rule that lints another text (with the same rules) while visiting gets a run of its own; the outer file's findings are kept
    let depth = 0;
    const nested = defineRule({
      meta: { id: 'nested', aliases: [], description: 'x', category: 'style', severity: 'info', messages: { m: 'inner {{n}}' } },
      create(ctx) {
        return {
          From(node) {
            depth++;
            const inner = depth > 1 ? [] : lintText('FROM scratch\nFROM scratch\n', { rules, file: 'inner' }).findings;
            depth--;
            ctx.report({ range: node.range, messageId: 'm', data: { n: inner.length } });
          },
        };
      },
    });
    const rules = [nested];
    const r = lintText('FROM node\n', { rules });
    expect(r.findings.map((f) => [f.ruleId, f.message, f.file])).toEqual([['nested', 'inner 2', 'Dockerfile']]);
    expect(r.ruleFailures).toEqual([]);
  });

  it('meta.visits: create() is skipped for a file without the declared keywords; Dockerfile keys always run', () => {
    const created: string[] = [];
    const counting = (id: string, visits: readonly ('Workdir' | 'Label' | 'Dockerfile' | 'Dockerfile:exit')[]) =>
      defineRule({
        meta: { id, aliases: [], description: 'x', category: 'style', severity: 'info', messages: { m: id }, visits },
        create(ctx) {
          created.push(id);
          const report = (node: { range: Parameters<typeof ctx.report>[0]['range'] }): void => {
            ctx.report({ range: node.range, messageId: 'm' });
          };
          return { Workdir: report, Label: report, 'Dockerfile:exit': () => undefined };
        },
      });
    const rules = [counting('workdir-only', ['Workdir']), counting('label-only', ['Label']), counting('exit', ['Workdir', 'Dockerfile:exit'])];
    const run = (text: string): string[] => lintText(text, { rules }).findings.map((f) => `${f.ruleId}@${String(f.range.start.line)}`);
    expect(run('FROM node\nWORKDIR /app\n')).toEqual(['exit@2', 'workdir-only@2']);
    expect(created).toEqual(['workdir-only', 'exit']);
    created.length = 0;
    // only declared visitors are called: workdir-only's Label visitor is not, label-only's Workdir visitor is not
    expect(run('FROM node\nLABEL a=b\nWORKDIR /app\n')).toEqual(['label-only@2', 'exit@3', 'workdir-only@3']);
    expect(created).toEqual(['workdir-only', 'label-only', 'exit']);
    created.length = 0;
    expect(run('FROM node\n')).toEqual([]);
    expect(created).toEqual(['exit']);
    // a rule without meta.visits is created for every file and every visitor it returns is called
    const workdirOnly = counting('undeclared', ['Workdir']);
    const undeclared = defineRule({ meta: { ...workdirOnly.meta, visits: undefined }, create: (ctx) => workdirOnly.create(ctx) });
    expect(lintText('FROM node\nLABEL a=b\n', { rules: [undeclared] }).findings.map((f) => f.ruleId)).toEqual(['undeclared']);
  });

  it('RuleTester fails a rule whose create() returns a visitor its meta.visits does not list', () => {
    const sloppy = defineRule({
      meta: { id: 'sloppy', aliases: [], description: 'x', category: 'style', severity: 'info', messages: { m: 'm' }, visits: ['From'] },
      create: () => ({ From: () => undefined, Run: () => undefined }),
    });
    expect(() => {
      checkValid(sloppy, { code: 'FROM node\n' });
    }).toThrow(/sloppy returns a Run visitor that meta.visits does not list/);
  });

  it("meta.setup 'run': create() once per run, the visitors shared by every file; RuleTester catches per-file state", () => {
    let creates = 0;
    const perRun = defineRule({
      meta: { id: 'per-run', aliases: [], description: 'x', category: 'style', severity: 'info', messages: { m: '{{image}}' }, visits: ['From'], setup: 'run' },
      create(ctx) {
        creates++;
        return {
          From: (node) => {
            ctx.report({ range: node.range, messageId: 'm', data: { image: `${ctx.file}:${node.image?.value ?? ''}` } });
          },
        };
      },
    });
    const rules = [perRun];
    const messages = ['a', 'b', 'c'].map((name) => lintText(`FROM ${name}\n`, { rules, file: name }).findings.map((f) => f.message));
    expect(messages).toEqual([['a:a'], ['b:b'], ['c:c']]);
    expect(creates).toBe(1);
    // a rule that keeps state in create() must not say so
    const stateful = defineRule({
      meta: { ...perRun.meta, id: 'stateful' },
      create(ctx) {
        let seen = 0;
        return {
          From: (node) => {
            if (++seen === 1) ctx.report({ range: node.range, messageId: 'm', data: { image: '' } });
          },
        };
      },
    });
    expect(() => {
      checkSetupPerRun(stateful, [{ code: 'FROM a\n' }, { code: 'FROM b\n' }]);
    }).toThrow(/share one set-up/);
  });

  it("RuleTester compares a per-run rule's fixes too: state kept from an earlier file shows in the edits", () => {
    // the same finding in every file, but the fix lower-cases the text of the first file the visitors saw
    const staleFix = defineRule({
      meta: { id: 'stale-fix', aliases: [], description: 'x', category: 'style', severity: 'info', fixable: 'fix', messages: { m: 'm' }, visits: ['From'], setup: 'run' },
      create(ctx) {
        let first: string | undefined;
        return {
          From: (node) => {
            first ??= ctx.source;
            const text = first.slice(node.range.start.offset, node.range.end.offset).toLowerCase();
            ctx.report({ range: node.range, messageId: 'm', fix: () => [replaceRange(node.range, text)] });
          },
        };
      },
    });
    expect(() => {
      checkSetupPerRun(staleFix, [{ code: 'FROM A\n' }, { code: 'FROM B\n' }]);
    }).toThrow(/share one set-up/);
  });

  it('findings carry rule id, severity, category, exact range, message and doc link', () => {
    const f = lintText('FROM node:latest\nUSER a\n', { rules: allRules }).findings.find((x) => x.ruleId === 'pin-base-image');
    expect(f).toMatchObject({ ruleId: 'pin-base-image', severity: 'warning', category: 'reproducibility', docUrl: expect.stringMatching(/docs\/rules\/pin-base-image\.md$/) });
    expect(f?.range.start).toEqual({ offset: 5, line: 1, column: 6 });
    expect(f?.range.end).toEqual({ offset: 16, line: 1, column: 17 });
  });

  it('never throws on the malformed and template files of the corpus kind', () => {
    for (const text of ['FROM php:%%PHP_VERSION%%-alpine\n', 'RUN\n', 'FROM\n', '\\\n', 'COPY --from= a\n', 'ONBUILD\n', 'FROM a AS\n', 'EXPOSE 80/tcp 99999\n']) {
      expect(lintText(text, { rules: allRules }).ruleFailures).toEqual([]);
    }
  });
});

describe('fix', () => {
  const code = [
    'FROM node:20.17.0',
    'WORKDIR /app',
    'COPY . .',
    'RUN apt-get update && apt-get install curl',
    'ADD app.js /app/',
    'RUN npm install',
    'CMD ["node", "app.js"]',
    '',
  ].join('\n');

  it('--fix applies safe fixes only, re-parses, and is idempotent', () => {
    const r = fixText(code, { rules: allRules, mode: 'fix' });
    expect(r.output).toContain('apt-get -y install curl');
    expect(r.output).toContain('rm -rf /var/lib/apt/lists/*');
    expect(r.output).toContain('COPY app.js /app/');
    expect(r.output).toContain('RUN npm install\n'); // a suggestion, not applied
    expect(parse(r.output).problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(fixText(r.output, { rules: allRules, mode: 'fix' }).output).toBe(r.output);
  });

  it('--fix=all leaves an ignore pragma on its instruction: what it silenced stays silent', () => {
    const pragma = 'FROM debian:12.6\nCOPY app /app\n# hadolint ignore=DL3025\nCMD /app/run $OPTS\n';
    expect(ids(pragma)).not.toContain('json-args');
    const r = fixText(pragma, { rules: allRules, mode: 'all' });
    expect(r.output).toContain('USER app\n# hadolint ignore=DL3025\nCMD /app/run $OPTS\n');
    expect(ids(r.output)).not.toContain('json-args');
  });

  it('--fix drops an edit that breaks a RUN script, though the Dockerfile still parses', () => {
    // `RUN make; && echo done` is a valid RUN line and a shell syntax error the build fails on
    const breaking = defineRule({
      meta: { id: 'breaking', aliases: [], description: 'x', category: 'style', severity: 'info', fixable: 'fix', messages: { m: 'm' }, visits: ['Run'] },
      create(ctx) {
        return {
          Run: (node) => {
            if (!node.argsText.includes('echo done')) ctx.report({ range: node.range, messageId: 'm', fix: () => [insertAt(node.range.end.offset, ' && echo done')] });
          },
        };
      },
    });
    const r = fixText('FROM debian:12\nRUN make;\n', { rules: [breaking], mode: 'fix' });
    expect(r.output).toBe('FROM debian:12\nRUN make;\n');
    expect(r.applied).toEqual([]);
    // the same edit where it parses is applied
    expect(fixText('FROM debian:12\nRUN make\n', { rules: [breaking], mode: 'fix' }).output).toBe('FROM debian:12\nRUN make && echo done\n');
  });

  it('--fix=all applies suggestions too, and is idempotent', () => {
    const r = fixText(code, { rules: allRules, mode: 'all' });
    expect(r.output).toContain('--no-install-recommends');
    expect(r.output).toContain('npm ci --omit=dev');
    expect(r.output).toContain('USER node');
    expect(r.output).toMatch(/FROM node:20\.17\.0-slim/);
    expect(fixText(r.output, { rules: allRules, mode: 'all' }).output).toBe(r.output);
  });
});

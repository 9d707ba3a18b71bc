import { describe, expect, it } from 'vitest';
import { parse } from '../parse.js';
import type { RunInstruction } from '../ast.js';
import type { ShellCommand, ShellScript } from './ast.js';
import { parseShell } from './parse.js';
import { findCommands, walkCommands } from './query.js';

function argvs(script: ShellScript): string[][] {
  const out: string[][] = [];
  walkCommands(script, (c) => out.push(c.words.map((w) => w.value)));
  return out;
}

function shape(c: ShellCommand): unknown {
  switch (c.type) {
    case 'SimpleCommand':
      return c.words.map((w) => w.value).join(' ');
    case 'AndOr':
      return [shape(c.left), c.op, shape(c.right)];
    case 'Pipeline':
      return { pipe: c.commands.map(shape), negated: c.negated };
    case 'Subshell':
    case 'BraceGroup':
      return { [c.type]: c.body.items.map((i) => shape(i.command)) };
    default:
      return { [c.type]: c.bodies.map((b) => b.items.map((i) => shape(i.command))) };
  }
}

describe('parseShell', () => {
  it('parses lists, and-or chains, pipelines, groups and subshells', () => {
    const s = parseShell('a && b || c; d | e |& f & (g; h) && { i; }');
    expect(s.problems).toEqual([]);
    expect(s.body.items.map((i) => [shape(i.command), i.separator])).toEqual([
      [[['a', '&&', 'b'], '||', 'c'], ';'],
      [{ pipe: ['d', 'e', 'f'], negated: false }, '&'],
      [[{ Subshell: ['g', 'h'] }, '&&', { BraceGroup: ['i'] }], null],
    ]);
  });

  it('resolves quotes and escapes in words, keeps expansions as written', () => {
    const s = parseShell(`echo "a b" 'c $d' e\\ f "$HOME/x" \${V:-1} $(date +%s) \`id -u\``);
    const words = s.body.items[0]?.command.type === 'SimpleCommand' ? s.body.items[0].command.words : [];
    expect(words.map((w) => [w.value, w.quoted, w.expands])).toEqual([
      ['echo', false, false],
      ['a b', true, false],
      ['c $d', true, false],
      ['e f', true, false],
      ['$HOME/x', true, true],
      ['${V:-1}', false, true],
      ['$(date +%s)', false, true],
      ['`id -u`', false, true],
    ]);
    expect(argvs(s)).toEqual([['echo', 'a b', 'c $d', 'e f', '$HOME/x', '${V:-1}', '$(date +%s)', '`id -u`'], ['date', '+%s'], ['id', '-u']]);
  });

  it('parses assignments and redirections', () => {
    const s = parseShell('DEBIAN_FRONTEND=noninteractive X="a b" apt-get install -y x >/dev/null 2>&1 <in');
    const c = s.body.items[0]?.command;
    if (c?.type !== 'SimpleCommand') throw new Error('expected a simple command');
    expect(c.assignments.map((a) => [a.name, a.value?.value])).toEqual([
      ['DEBIAN_FRONTEND', 'noninteractive'],
      ['X', 'a b'],
    ]);
    expect(c.words.map((w) => w.value)).toEqual(['apt-get', 'install', '-y', 'x']);
    expect(c.redirects.map((r) => [r.fd, r.op, r.target?.value])).toEqual([
      [null, '>', '/dev/null'],
      [2, '>&', '1'],
      [null, '<', 'in'],
    ]);
  });

  it('parses if/for/while/case/functions and skips here-document bodies', () => {
    const src = [
      'if [ -f x ]; then apt-get install -y a; elif true; then :; else b; fi',
      'for p in a b; do pip install "$p"; done',
      'while read l; do echo "$l"; done <list',
      'case "$ARCH" in amd64|x86_64) A=1 ;; *) exit 1 ;; esac',
      'f() { npm ci; }',
      'cat <<EOF >/etc/conf',
      'apt-get install not-a-command',
      'EOF',
      'echo end',
    ].join('\n');
    const s = parseShell(src);
    expect(s.problems).toEqual([]);
    expect(s.body.items.map((i) => i.command.type)).toEqual(['If', 'For', 'While', 'Case', 'Function', 'SimpleCommand', 'SimpleCommand']);
    expect(findCommands(s, 'apt-get', 'install').map((c) => c.positionals.map((w) => w.value))).toEqual([['install', 'a']]);
    expect(findCommands(s, 'pip')).toHaveLength(1);
    expect(findCommands(s, 'npm', 'ci')).toHaveLength(1);
  });

  it('reports syntax problems without throwing', () => {
    expect(parseShell('echo "unterminated').problems[0]?.message).toMatch(/unterminated double quote/);
    expect(parseShell('if true; then a').problems[0]?.message).toMatch(/expected 'fi'/);
    expect(parseShell('a &&').problems[0]?.message).toMatch(/expected a command/);
  });
});

describe('findCommands', () => {
  it('finds invocations through wrappers with their flags', () => {
    const s = parseShell('sudo -E apt-get -qy install --no-install-recommends curl && env A=1 /usr/bin/npm install --omit=dev');
    const [apt] = findCommands(s, 'apt-get', 'install');
    expect(apt?.hasFlag('-y', '--yes')).toBe(true);
    expect(apt?.hasFlag('--no-install-recommends')).toBe(true);
    expect(apt?.positionals.map((w) => w.value)).toEqual(['install', 'curl']);
    const [npm] = findCommands(s, 'npm', 'install');
    expect(npm?.flagValue('--omit')).toBe('dev');
  });
});

describe('RUN shell ASTs in a Dockerfile', () => {
  it('maps shell ranges back to the Dockerfile source, across continuations and in heredoc bodies', () => {
    const src = 'FROM debian\nRUN apt-get update \\\n && apt-get install -y \\\n      curl\nRUN <<EOF\nset -e\npip install flask\nEOF\nRUN ["apt-get", "install"]\n';
    const df = parse(src);
    const [run1, run2, run3] = df.instructions.slice(1) as RunInstruction[];
    const [install] = findCommands(run1?.shell ?? parseShell(''), 'apt-get', 'install');
    const r = install?.command.range;
    expect(r && src.slice(r.start.offset, r.end.offset)).toBe('apt-get install -y \\\n      curl');
    const curl = install?.positionals[1];
    expect(curl?.range.start).toEqual({ offset: src.indexOf('curl'), line: 4, column: 7 });
    const [pip] = findCommands(run2?.shell ?? parseShell(''), 'pip', 'install');
    expect(pip?.command.range.start.line).toBe(7);
    expect(pip && src.slice(pip.command.range.start.offset, pip.command.range.end.offset)).toBe('pip install flask');
    expect(run3?.shell).toBeNull();
    expect(run1?.shell).toBe(run1?.shell);
  });
});

describe('RUN heredocs fed to a shell', () => {
  it('attaches the heredoc body script to the redirection, and searches descend into it', () => {
    const src = 'FROM debian\nRUN bash -eux <<EOF\napt-get install -y curl\nEOF\nRUN cat <<EOF >/etc/x\napt-get install nothing\nEOF\nRUN <<-EOT\n\tpip install flask\n\tEOT\n';
    const [run1, run2, run3] = parse(src).instructions.slice(1) as RunInstruction[];
    const found = findCommands(run1?.shell ?? parseShell(''), 'apt-get', 'install');
    expect(found).toHaveLength(1);
    const r = found[0]?.command.range;
    expect(r && src.slice(r.start.offset, r.end.offset)).toBe('apt-get install -y curl');
    expect(findCommands(run2?.shell ?? parseShell(''), 'apt-get')).toHaveLength(0);
    const [pip] = findCommands(run3?.shell ?? parseShell(''), 'pip');
    expect(pip && src.slice(pip.command.range.start.offset, pip.command.range.end.offset)).toBe('pip install flask');
  });

  it('gives no shell AST for a heredoc run by another interpreter', () => {
    const df = parse('FROM python\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n');
    expect((df.instructions[1] as RunInstruction).shell).toBeNull();
  });
});

describe('command substitutions', () => {
  it('finds the end of $( … ) around a case statement and parses its inside', () => {
    const s = parseShell('x="$( case "$a" in s390x-*) ;; (arm*) echo arm ;; *) echo other ;; esac )" && make');
    expect(s.problems).toEqual([]);
    expect(argvs(s).filter((argv) => argv.length > 0)).toEqual([['echo', 'arm'], ['echo', 'other'], ['make']]);
  });
});

describe('SHELL in force', () => {
  it('gives no POSIX shell AST to RUNs under a PowerShell or cmd SHELL, or on Windows bases, inherited by child stages', () => {
    const df = parse('FROM debian AS a\nSHELL ["pwsh", "-Command"]\nRUN Write-Host (1)\nFROM a\nRUN Get-Item x\nFROM debian\nRUN echo posix\nSHELL ["/bin/bash", "-c"]\nRUN echo bash\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\n');
    const runs = df.instructions.filter((i): i is RunInstruction => i.keyword === 'Run');
    expect(runs.map((r) => r.shell !== null)).toEqual([false, false, true, true, false]);
  });
});

describe('process substitution', () => {
  it('takes <(cmd) as one word and parses its inside', () => {
    const s = parseShell('diff <(sort a) >(tee b) && gpg --verify <(curl -fsSL https://x)');
    expect(s.problems).toEqual([]);
    expect(argvs(s)).toEqual([['diff', '<(sort a)', '>(tee b)'], ['sort', 'a'], ['tee', 'b'], ['gpg', '--verify', '<(curl -fsSL https://x)'], ['curl', '-fsSL', 'https://x']]);
  });
});

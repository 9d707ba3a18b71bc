import { describe, expect, it } from 'vitest';
import type { CopyInstruction, InstructionOf, Keyword, Range, RunInstruction } from './ast.js';
import { dump } from './dump.js';
import { parse } from './parse.js';
import { applyEdits, print, unownedText } from './print.js';

function text(src: string, range: Range): string {
  return src.slice(range.start.offset, range.end.offset);
}

function only<K extends Keyword>(src: string, keyword: K): InstructionOf<K> {
  const node = parse(src).instructions.find((i): i is InstructionOf<K> => i.keyword === keyword);
  if (!node) throw new Error(`no ${keyword}`);
  return node;
}

describe('parse', () => {
  it('gives RUN the same data fields as every instruction, the shell AST lazily and outside JSON', () => {
    const df = parse('FROM alpine\nRUN echo hi\nCMD ["x"]\n');
    const run = df.instructions[1] as RunInstruction;
    const cmd = df.instructions[2];
    expect(Object.keys(run)).toEqual(Object.keys(cmd ?? {}));
    expect(JSON.parse(JSON.stringify(run))).not.toHaveProperty('shell');
    expect(run.shell?.type).toBe('Script');
    expect(run.shell).toBe(run.shell); // parsed once
  });

  it('keeps exact ranges for instructions, keywords, flags and arguments across continuations', () => {
    const src = 'FROM alpine\nRUN --network=none \\\n  echo a \\\n  # note\n  && echo "b c"\n';
    const df = parse(src);
    const run = df.instructions[1] as RunInstruction;
    expect(text(src, run.range)).toBe('RUN --network=none \\\n  echo a \\\n  # note\n  && echo "b c"');
    expect(run.range.start).toEqual({ offset: 12, line: 2, column: 1 });
    expect(run.range.end.line).toBe(5);
    expect(text(src, run.keywordRange)).toBe('RUN');
    const flag = run.flags[0];
    expect(flag?.name).toBe('network');
    expect(flag?.value).toBe('none');
    expect(text(src, flag?.nameRange ?? run.range)).toBe('network');
    expect(text(src, flag?.valueRange ?? run.range)).toBe('none');
    expect(run.args[0]?.value).toBe('echo a   && echo "b c"');
    expect(text(src, run.argsRange)).toBe('echo a \\\n  # note\n  && echo "b c"');
    expect(df.comments).toEqual([expect.objectContaining({ text: 'note', inInstruction: true })]);
    expect(print(df)).toBe(src);
    expect(unownedText(df)).toEqual([]);
  });

  it('reads directives, switches the escape character, and keeps CRLF line ends', () => {
    const src = '# escape=`\r\n# syntax=docker/dockerfile:1\r\nFROM windows `\r\n  AS base\r\nRUN dir C:\\ `\r\n  /s\r\n';
    const df = parse(src);
    expect(df.escapeChar).toBe('`');
    expect(df.directives.map((d) => [d.name, d.value, text(src, d.valueRange)])).toEqual([
      ['escape', '`', '`'],
      ['syntax', 'docker/dockerfile:1', 'docker/dockerfile:1'],
    ]);
    expect(dump(df)).toBe('(from "windows" "AS" "base")\n(run "dir C:\\\\   /s")\n');
    expect(df.stages[0]?.name).toBe('base');
    expect(print(df)).toBe(src);
  });

  it('rejects a repeated directive and an invalid escape token', () => {
    expect(parse('# escape=\\\n# escape=`\nFROM a\n').problems[0]?.message).toBe('only one escape parser directive can be used');
    expect(parse('# escape=x\nFROM a\n').problems[0]?.message).toMatch(/invalid escape token/);
  });

  it('parses heredocs: several per instruction, quoted delimiters, <<- and file descriptors', () => {
    const src = 'FROM a\nCOPY <<A 3<<-"B" /dst/\nline $x\nA\n\tquoted $y\n\tB\nRUN echo done\n';
    const df = parse(src);
    const copy = df.instructions[1] as CopyInstruction;
    expect(copy.heredocs.map((h) => [h.name, h.fileDescriptor, h.chomp, h.expand, h.content])).toEqual([
      ['A', null, false, true, 'line $x\n'],
      ['B', 3, true, false, '\tquoted $y\n'],
    ]);
    expect(text(src, copy.heredocs[1]?.openerRange ?? copy.range)).toBe('3<<-"B"');
    expect(text(src, copy.heredocs[1]?.terminatorRange ?? copy.range)).toBe('\tB');
    expect(text(src, copy.range).endsWith('\tB')).toBe(true);
    expect(df.instructions[2]?.keyword).toBe('Run');
    expect(print(df)).toBe(src);
  });

  it('reports an unterminated heredoc', () => {
    const df = parse('FROM a\nRUN <<EOF\necho\n');
    expect(df.problems.map((p) => p.message)).toContain('unterminated heredoc');
  });

  it('builds stages with names, indexes, platforms, bases expanded from global ARGs', () => {
    const src = 'ARG V=20\nARG IMG=node:${V}-slim\nFROM --platform=$BUILDPLATFORM ${IMG} AS Build\nRUN make\nFROM build\nFROM scratch\nCOPY --from=build /a /b\n';
    const df = parse(src);
    expect(df.globalArgs).toHaveLength(2);
    expect(df.stages.map((s) => [s.index, s.name, s.baseRaw, s.base, s.baseStage, s.platform, s.instructions.length])).toEqual([
      [0, 'build', '${IMG}', 'node:20-slim', null, '$BUILDPLATFORM', 2],
      [1, null, 'build', 'build', 0, null, 1],
      [2, null, 'scratch', 'scratch', null, null, 2],
    ]);
    expect(df.instructions.map((i) => i.stageIndex)).toEqual([-1, -1, 0, 0, 1, 2, 2]);
  });

  it('parses ENV/LABEL pairs in both forms and ARG declarations', () => {
    const env = only('FROM a\nENV A=1 B="two words" C=x\\ y\n', 'Env');
    expect(env.pairs.map((p) => [p.key.value, p.value.value, p.separator])).toEqual([
      ['A', '1', '='],
      ['B', '"two words"', '='],
      ['C', 'x\\ y', '='],
    ]);
    const legacy = only('FROM a\nENV PATH /usr/bin:/bin\n', 'Env');
    expect(legacy.pairs.map((p) => [p.key.value, p.value.value, p.separator])).toEqual([['PATH', '/usr/bin:/bin', ' ']]);
    // the legacy key and value ranges point at their source text, also after a line continuation
    const continued = 'FROM a\nLABEL \\\n  maintainer  Jane Doe\n';
    const label = only(continued, 'Label');
    const at = (r: { start: { offset: number }; end: { offset: number } }): string => continued.slice(r.start.offset, r.end.offset);
    expect(label.pairs.map((p) => [at(p.key.range), at(p.value.range), p.key.range.start.line, p.key.range.start.column])).toEqual([['maintainer', 'Jane Doe', 3, 3]]);
    const arg = only('FROM a\nARG A B=2 C=\n', 'Arg');
    expect(arg.declarations.map((d) => [d.name, d.defaultValue])).toEqual([
      ['A', null],
      ['B', '2'],
      ['C', ''],
    ]);
  });

  it('parses --mount fields with ranges, and every flag of COPY/ADD/HEALTHCHECK', () => {
    const src = 'FROM a\nRUN --mount=type=secret,id=npm,target=/root/.npmrc,required --mount=type=cache,target=/c npm ci\n';
    const run = only(src, 'Run');
    const [secret, cache] = run.flags;
    expect(secret?.mount?.type).toBe('secret');
    expect(secret?.mount?.get('id')).toBe('npm');
    expect(secret?.mount?.fields.map((f) => [f.key, f.value, text(src, f.range)])).toEqual([
      ['type', 'secret', 'type=secret'],
      ['id', 'npm', 'id=npm'],
      ['target', '/root/.npmrc', 'target=/root/.npmrc'],
      ['required', null, 'required'],
    ]);
    expect(cache?.mount?.type).toBe('cache');
    const copy = only('FROM a\nCOPY --parents --exclude=*.md --chmod=755 --link ["a b", "/c"]\n', 'Copy');
    expect(copy.flags.map((f) => [f.name, f.value])).toEqual([
      ['parents', null],
      ['exclude', '*.md'],
      ['chmod', '755'],
      ['link', null],
    ]);
    expect(copy.json).toBe(true);
    expect(copy.sources.map((s) => s.value)).toEqual(['a b']);
    expect(copy.destination?.value).toBe('/c');
    const hc = only('FROM a\nHEALTHCHECK --start-interval=2s CMD ["curl", "-f", "http://x"]\n', 'Healthcheck');
    expect([hc.kind, hc.command.map((c) => c.value), hc.flags[0]?.name]).toEqual(['CMD', ['curl', '-f', 'http://x'], 'start-interval']);
  });

  it('parses ONBUILD triggers, with heredocs', () => {
    const src = 'FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\n';
    const node = only(src, 'Onbuild');
    expect(node.trigger?.keyword).toBe('Run');
    expect(node.trigger?.heredocs[0]?.content).toBe('echo hi\n');
    expect(text(src, node.range)).toBe('ONBUILD RUN <<EOF\necho hi\nEOF');
  });

  it('keeps JSON strings exact (spaces, escapes) and falls back to shell form for invalid JSON', () => {
    const cmd = only('FROM a\nCMD ["node", "a  b.js", "\\u00e9\\n"]\n', 'Cmd');
    expect([cmd.json, cmd.args.map((a) => a.value)]).toEqual([true, ['node', 'a  b.js', 'é\n']]);
    const bad = only("FROM a\nCMD ['node']\n", 'Cmd');
    expect([bad.json, bad.args.map((a) => a.value)]).toEqual([false, ["['node']"]]);
  });

  it('does not take an escaped escape character at the end of a line as a continuation', () => {
    const df = parse('FROM a\nENV C=trailing\\\\\nENV D=x\n');
    expect(dump(df)).toBe('(from "a")\n(env "C" "trailing\\\\\\\\" "=")\n(env "D" "x" "=")\n');
  });

  it('reports problems as values: empty files, ENV without value, nested JSON, instructions before FROM', () => {
    expect(parse('').problems[0]?.message).toBe('file with no instructions');
    expect(parse('FROM a\nENV PATH\n').problems[0]?.message).toBe('ENV must have two arguments');
    expect(parse('CMD ["a", ["b"]]\n').problems.map((p) => p.message)).toContain('when using JSON array syntax, arrays must be comprised of strings only');
    expect(parse('RUN x\nFROM a\n').problems[0]?.message).toMatch(/before the first FROM/);
  });

  it('handles a byte-order mark', () => {
    const src = '\uFEFFFROM a\n';
    const df = parse(src);
    expect(df.instructions[0]?.range.start.offset).toBe(1);
    expect(print(df)).toBe(src);
  });
});

describe('applyEdits', () => {
  it('applies non-overlapping edits in any order and re-parses', () => {
    const src = 'FROM node:latest\nRUN npm install\n';
    const df = parse(src);
    const from = df.instructions[0];
    const run = df.instructions[1];
    if (from?.keyword !== 'From' || !from.image || run?.keyword !== 'Run') throw new Error('unexpected parse');
    const r = applyEdits(src, [
      { range: run.args[0]?.range ?? run.range, text: 'npm ci' },
      { range: from.image.range, text: 'node:20' },
    ]);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.text).toBe('FROM node:20\nRUN npm ci\n');
      expect(r.dockerfile.stages[0]?.base).toBe('node:20');
    }
  });

  it('rejects overlapping edits and edits outside the text', () => {
    const at = (s: number, e: number) => ({ start: { offset: s }, end: { offset: e } });
    expect(applyEdits('abcdef', [{ range: at(0, 3), text: 'x' }, { range: at(2, 4), text: 'y' }]).ok).toBe(false);
    expect(applyEdits('abcdef', [{ range: at(2, 2), text: 'x' }, { range: at(2, 2), text: 'y' }]).ok).toBe(false);
    expect(applyEdits('abcdef', [{ range: at(5, 9), text: 'x' }]).ok).toBe(false);
    const adjacent = applyEdits('abcdef', [{ range: at(0, 2), text: 'X' }, { range: at(2, 4), text: 'Y' }]);
    expect(adjacent.ok && adjacent.text).toBe('XYef');
  });
});

describe('instruction-level problems', () => {
  it('flags unknown and duplicate flags and unknown instructions, as BuildKit rejects them', () => {
    const df = parse('FROM --platform=linux/amd64 --foo=1 a\nCOPY --from=a --from=b x y\nRUN --mount=type=cache,target=/a --mount=type=tmpfs,target=/b true\nFOO bar\n');
    expect(df.problems.map((p) => [p.message, p.phase])).toEqual([
      ['unknown flag: --foo', 'instruction'],
      ['duplicate flag specified: --from', 'instruction'],
      ['unknown instruction: FOO', 'instruction'],
    ]);
  });

  it('treats words that name Object.prototype members as unknown instructions', () => {
    const df = parse('FROM a\nconstructor x\n__proto__ y\nhasownproperty z\n');
    expect(df.instructions.map((i) => i.keyword)).toEqual(['From', 'Unknown', 'Unknown', 'Unknown']);
    expect(df.problems.map((p) => p.message)).toEqual(['unknown instruction: constructor', 'unknown instruction: __proto__', 'unknown instruction: hasownproperty']);
  });
});

/**
 * Robustness: thousands of randomly mutated Dockerfiles (deterministic seed) must parse without throwing, print back
 * byte for byte, leave no text unowned, keep every range inside the text, and give shell ASTs without throwing.
 */
import { describe, expect, it } from 'vitest';
import type { Range } from './ast.js';
import { parse } from './parse.js';
import { print, unownedText } from './print.js';
import { walkCommands } from './shell/query.js';

const seeds = [
  '# syntax=docker/dockerfile:1\n# escape=\\\nARG V=1\nFROM --platform=$BUILDPLATFORM node:${V} AS build\nWORKDIR /app\nCOPY --chown=1:1 --link package*.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci \\\n  && npm run build\nFROM gcr.io/distroless/nodejs20\nCOPY --from=build /app/dist /app\nUSER nonroot\nCMD ["node", "/app/index.js"]\n',
  'FROM debian\nRUN <<EOF bash -e\nset -x\napt-get update && apt-get install -y --no-install-recommends curl\nEOF\nCOPY <<-"A" 3<<B /x/\n\ta\n\tA\nb\nB\nENV A=1 B="x y" C=z\\ w\nLABEL a=b "c d"=e\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/ || exit 1\nONBUILD RUN echo $(id -u) `date` ${X:-y}\nEXPOSE 80/tcp 443\nSHELL ["/bin/bash", "-c"]\n',
  '# escape=`\r\nFROM mcr.microsoft.com/windows `\r\n  AS w\r\nRUN if ($x) { echo 1 } `\r\n  # comment\r\n\r\n  ; echo 2\r\n',
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const alphabet = ['\\', '`', '\n', '\r\n', '"', "'", '[', ']', '<<', '<<-', '-', '--', '$', '${', '}', '(', ')', '#', '\t', ' ', '=', ',', '&&', '|', ';', 'EOF', 'RUN ', 'FROM ', '\uFEFF', 'é', '😀'];

function inside(r: Range, len: number): boolean {
  return r.start.offset >= 0 && r.start.offset <= r.end.offset && r.end.offset <= len && r.start.line >= 1 && r.start.column >= 1;
}

describe('robustness', () => {
  it('survives 1,500 random mutations', () => {
    const random = rng(42);
    for (let n = 0; n < 1500; n++) {
      let text = seeds[n % seeds.length] ?? '';
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * (text.length + 1));
        if (random() < 0.4) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 5));
        else text = text.slice(0, at) + (alphabet[Math.floor(random() * alphabet.length)] ?? '') + text.slice(at);
      }
      const df = parse(text);
      expect(print(df), JSON.stringify(text)).toBe(text);
      expect(unownedText(df), JSON.stringify(text)).toEqual([]);
      for (const node of df.instructions) {
        expect(inside(node.range, text.length), JSON.stringify(text)).toBe(true);
        for (const a of node.args) expect(inside(a.range, text.length), JSON.stringify(text)).toBe(true);
        for (const f of node.flags) expect(inside(f.range, text.length), JSON.stringify(text)).toBe(true);
        if (node.keyword === 'Run' && node.shell) {
          walkCommands(node.shell, (c) => {
            expect(inside(c.range, text.length), JSON.stringify(text)).toBe(true);
          });
        }
      }
    }
  });
});

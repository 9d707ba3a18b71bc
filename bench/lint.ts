/**
 * Lint throughput: Dockerfiles per second over the shared corpora, shipshape's full rule set beside dockerfilelint
 * and dockerfile-utils (npm) in the same process and run, with the findings and crashes each reports; then whole
 * CLI runs on one Dockerfile (process start included). Run with `npm run bench:lint` after `npm run build`.
 *
 * In-process: each tool lints the whole set repeatedly for at least SECONDS_PER_RUN (default 2) after a warm-up
 * round; the best of three runs is reported. CLI: the median of CLI_RUNS (default 15) runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { validate } from 'dockerfile-utils';
import { corporaDir } from '../src/dockerfile/corpus.js';
import { allRules, lintText } from '../src/lint/index.js';

const require = createRequire(import.meta.url);
const dockerfilelint = require('dockerfilelint') as { run: (path: string, content: string) => unknown[] };

const seconds = Number(process.env.SECONDS_PER_RUN ?? '2');
const cliRuns = Number(process.env.CLI_RUNS ?? '15');
const repo = resolve(import.meta.dirname, '..');

interface Tool {
  name: string;
  lint: (text: string) => number;
}

const tools: Tool[] = [
  { name: `shipshape (${allRules.length} rules)`, lint: (t) => lintText(t, { rules: allRules }).findings.length },
  { name: 'dockerfilelint', lint: (t) => dockerfilelint.run('Dockerfile', t).length },
  { name: 'dockerfile-utils', lint: (t) => validate(t).length },
];

function measure(files: string[], tool: Tool): { filesPerSecond: number; findings: number; crashes: number } {
  let crashes = 0;
  let findings = 0;
  for (const f of files) {
    try {
      findings += tool.lint(f);
    } catch {
      crashes++;
    }
  }
  let best = 0;
  for (let run = 0; run < 3; run++) {
    let done = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < seconds * 1000) {
      for (const f of files) {
        try {
          tool.lint(f);
        } catch {
          // counted above
        }
      }
      done += files.length;
      elapsed = performance.now() - start;
    }
    best = Math.max(best, done / (elapsed / 1000));
  }
  return { filesPerSecond: best, findings, crashes };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function cli(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < cliRuns; i++) {
    const start = performance.now();
    spawnSync(process.execPath, args, { stdio: 'ignore', cwd: repo });
    times.push(performance.now() - start);
  }
  return median(times);
}

const corpora = corporaDir();
if (!corpora) {
  console.log('SKIPPED: ../shared/corpora not found');
  process.exit(0);
}
const sets: Record<string, string[]> = {};
for (const name of ['binnacle-gold', 'awesome-compose']) {
  const dir = join(corpora, 'dockerfiles', name);
  sets[name] = readdirSync(dir)
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

console.log(`# lint benchmark — ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${new Date().toISOString()}\n`);
console.log('| corpus | files | tool | files/s | findings | crashes |');
console.log('|---|---|---|---|---|---|');
for (const [name, files] of Object.entries(sets)) {
  for (const tool of tools) {
    const r = measure(files, tool);
    console.log(`| ${name} | ${files.length} | ${tool.name} | ${Math.round(r.filesPerSecond)} | ${r.findings} | ${r.crashes} |`);
  }
}

const sample = join(corpora, 'dockerfiles', 'awesome-compose', readdirSync(join(corpora, 'dockerfiles', 'awesome-compose')).sort()[0] ?? '');
const main = join(repo, 'dist/cli/main.js');
console.log(`\nWhole CLI runs on one Dockerfile (${sample.split('/').pop() ?? ''}), median of ${cliRuns}, process start included:\n`);
console.log('| command | ms |');
console.log('|---|---|');
console.log(`| node -e 0 (Node start alone) | ${Math.round(cli(['-e', '0']))} |`);
if (existsSync(main)) {
  console.log(`| shipshape lint --no-shellcheck | ${Math.round(cli([main, 'lint', '--no-shellcheck', '-q', sample]))} |`);
  console.log(`| shipshape lint (with shellcheck) | ${Math.round(cli([main, 'lint', '-q', sample]))} |`);
} else console.log('| shipshape | not built: run npm run build |');
console.log(`| dockerfilelint | ${Math.round(cli([require.resolve('dockerfilelint/bin/dockerfilelint'), sample]))} |`);
console.log(`| dockerfile-utils lint | ${Math.round(cli([require.resolve('dockerfile-utils/bin/dockerfile-utils'), 'lint', sample]))} |`);

/**
 * Lint throughput: Dockerfiles per second over the shared corpora, shipshape's full rule set beside dockerfilelint
 * and dockerfile-utils (npm) in the same process and run, with the findings and crashes each reports; then whole
 * CLI runs on one Dockerfile (process start included). Run with `npm run bench:lint` after `npm run build`.
 *
 * In-process: each tool lints the whole set repeatedly for at least SECONDS_PER_RUN (default 2) after a warm-up
 * round, three times, the tools taking turns; the best of the three runs is reported, as files per second of elapsed
 * time and per CPU-second of the process (user + system: the machine is shared, and CPU time is what stays
 * comparable under load), with shipshape's ratio to each other tool. CLI: the median of CLI_RUNS (default 15) runs, wall and CPU time (of the child process).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { validate } from 'dockerfile-utils';
import { corporaDir } from '../src/dockerfile/corpus.js';
import * as sources from '../src/lint/index.js';

const require = createRequire(import.meta.url);
const dockerfilelint = require('dockerfilelint') as { run: (path: string, content: string) => unknown[] };

/**
 * shipshape's built library, loaded by Node itself (`require` of an ES module, Node ≥ 20.19) as the CLI runs it and
 * as the other tools are loaded. Imported through vite-node's module runner instead, every call from one module to
 * another goes through an export getter, which cost shipshape 10–20% of its throughput here while the other tools
 * (plain CommonJS from node_modules) paid nothing. The sources are the fallback when nothing is built.
 */
function builtLint(): { lib: Pick<typeof sources, 'allRules' | 'lintText'>; from: string } {
  const built = join(resolve(import.meta.dirname, '..'), 'dist/lint/index.js');
  if (existsSync(built)) {
    try {
      return { lib: require(built) as typeof sources, from: 'dist/' };
    } catch {
      // Node without require(esm): fall back to the sources
    }
  }
  return { lib: sources, from: 'src/ through vite-node' };
}
const { lib: shipshape, from: shipshapeFrom } = builtLint();
const { allRules, lintText } = shipshape;

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

interface Measured {
  filesPerSecond: number;
  filesPerCpuSecond: number;
  findings: number;
  crashes: number;
}

/** The warm-up round: one pass over the set, counting findings and crashes once per file. */
function warm(files: string[], tool: Tool): Measured {
  let crashes = 0;
  let findings = 0;
  for (const f of files) {
    try {
      findings += tool.lint(f);
    } catch {
      crashes++;
    }
  }
  return { filesPerSecond: 0, filesPerCpuSecond: 0, findings, crashes };
}

/** One timed run: the whole set linted repeatedly for at least SECONDS_PER_RUN; the best run is kept. */
function timedRun(files: string[], tool: Tool, into: Measured): void {
  let done = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (const f of files) {
      try {
        tool.lint(f);
      } catch {
        // counted in the warm-up
      }
    }
    done += files.length;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  into.filesPerSecond = Math.max(into.filesPerSecond, done / (elapsed / 1000));
  into.filesPerCpuSecond = Math.max(into.filesPerCpuSecond, done / ((cpu.user + cpu.system) / 1e6));
}

/**
 * Every tool gets the same warm-up round and the same three timed runs. The runs take turns (run 1 of each tool,
 * then run 2, …) rather than one tool's three runs after the other's: on a shared machine the load changes from
 * one minute to the next, and taking turns spreads it over the tools alike.
 */
function measureAll(files: string[], all: Tool[]): Measured[] {
  const results = all.map((tool) => warm(files, tool));
  for (let run = 0; run < 3; run++) {
    for (const [i, tool] of all.entries()) {
      const into = results[i];
      if (into) timedRun(files, tool, into);
    }
  }
  return results;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Median wall and CPU milliseconds of a whole process (CPU: user + system, from GNU time when installed). */
function cli(args: string[]): string {
  const times: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < cliRuns; i++) {
    const start = performance.now();
    const r = gnuTime
      ? spawnSync(gnuTime, ['-f', 'CPU %U %S', process.execPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'], cwd: repo, encoding: 'utf8' })
      : spawnSync(process.execPath, args, { stdio: 'ignore', cwd: repo });
    times.push(performance.now() - start);
    const m = /CPU (\d+\.\d+) (\d+\.\d+)\s*$/.exec(typeof r.stderr === 'string' ? r.stderr : '');
    if (m) cpus.push((Number(m[1]) + Number(m[2])) * 1000);
  }
  return `${Math.round(median(times))} | ${cpus.length > 0 ? Math.round(median(cpus)) : '—'}`;
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
console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; shipshape loaded from ${shipshapeFrom}\n`);
console.log('| corpus | files | tool | files/s (elapsed) | files per CPU-s | shipshape ÷ tool (elapsed / CPU) | findings | crashes |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, files] of Object.entries(sets)) {
  const measured = measureAll(files, tools);
  const results = tools.map((tool, i) => ({ tool, r: measured[i] ?? warm([], tool) }));
  const ours = results[0]?.r;
  for (const { tool, r } of results) {
    const ratio = ours && r !== ours ? `${(ours.filesPerSecond / r.filesPerSecond).toFixed(2)} / ${(ours.filesPerCpuSecond / r.filesPerCpuSecond).toFixed(2)}` : '';
    console.log(`| ${name} | ${files.length} | ${tool.name} | ${Math.round(r.filesPerSecond)} | ${Math.round(r.filesPerCpuSecond)} | ${ratio} | ${r.findings} | ${r.crashes} |`);
  }
}

const sample = join(corpora, 'dockerfiles', 'awesome-compose', readdirSync(join(corpora, 'dockerfiles', 'awesome-compose')).sort()[0] ?? '');
const main = join(repo, 'dist/cli/main.js');
console.log(`\nWhole CLI runs on one Dockerfile (${sample.split('/').pop() ?? ''}), median of ${cliRuns}, process start included (CPU: user + system of the process):\n`);
console.log('| command | wall ms | CPU ms |');
console.log('|---|---|---|');
console.log(`| node -e 0 (Node start alone) | ${cli(['-e', '0'])} |`);
if (existsSync(main)) {
  console.log(`| shipshape lint --no-shellcheck | ${cli([main, 'lint', '--no-shellcheck', '-q', sample])} |`);
  console.log(`| shipshape lint (with shellcheck) | ${cli([main, 'lint', '-q', sample])} |`);
} else console.log('| shipshape | not built: run npm run build | |');
console.log(`| dockerfilelint | ${cli([require.resolve('dockerfilelint/bin/dockerfilelint'), sample])} |`);
console.log(`| dockerfile-utils lint | ${cli([require.resolve('dockerfile-utils/bin/dockerfile-utils'), 'lint', sample])} |`);
